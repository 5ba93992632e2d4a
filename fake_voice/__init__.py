"""fake_voice: an in-process, stateful fake of Twilio's Voice API for tests."""

from __future__ import annotations

from fake_voice._core import Exchange, SchemaViolation
from fake_voice._faults import Fault
from fake_voice._mock import FakeVoice, mock
from fake_voice._options import Options
from fake_voice._store import StateError
from fake_voice._wire import MultiDict, TwilioError
from fake_voice.server import Server, serve

__all__ = [
    "Exchange",
    "FakeVoice",
    "Fault",
    "MultiDict",
    "Options",
    "SchemaViolation",
    "Server",
    "StateError",
    "TwilioError",
    "mock",
    "serve",
]
__version__ = "0.1.0"
