"""fake_voice: an in-process, stateful fake of Twilio's Voice API for tests."""

from __future__ import annotations

from fake_voice._core import Exchange, SchemaViolation
from fake_voice._mock import FakeVoice, mock
from fake_voice._options import Options
from fake_voice._wire import MultiDict, TwilioError

__all__ = [
    "Exchange",
    "FakeVoice",
    "MultiDict",
    "Options",
    "SchemaViolation",
    "TwilioError",
    "mock",
]
__version__ = "0.1.0"
