"""fake_voice: an in-process, stateful fake of Twilio's Voice API for tests.

The public names load on first use, so ``import fake_voice`` (and the pytest plugin, which
imports this package) costs next to nothing until a fake is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_voice.api import mock, serve
    from fake_voice.core.errors import TwilioError
    from fake_voice.core.exchanges import Exchange
    from fake_voice.core.faults import Fault
    from fake_voice.core.options import Options
    from fake_voice.core.schemas import SchemaViolation
    from fake_voice.core.unknown import UnknownParameterWarning
    from fake_voice.core.wire import MultiDict
    from fake_voice.handle import FakeVoice
    from fake_voice.plugin import worker_account_sid
    from fake_voice.server.http import Server
    from fake_voice.state.store import StateError

_WHERE = {
    "Exchange": "fake_voice.core.exchanges",
    "FakeVoice": "fake_voice.handle",
    "Fault": "fake_voice.core.faults",
    "MultiDict": "fake_voice.core.wire",
    "Options": "fake_voice.core.options",
    "SchemaViolation": "fake_voice.core.schemas",
    "Server": "fake_voice.server.http",
    "StateError": "fake_voice.state.store",
    "TwilioError": "fake_voice.core.errors",
    "UnknownParameterWarning": "fake_voice.core.unknown",
    "mock": "fake_voice.api",
    "serve": "fake_voice.api",
    "worker_account_sid": "fake_voice.plugin",
}
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
    "UnknownParameterWarning",
    "mock",
    "serve",
    "worker_account_sid",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'fake_voice' has no attribute {name!r}")
    # Not cached here: a module evicted from sys.modules (as pytester's in-process runs do)
    # must not leave this package handing out its stale copy.
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
