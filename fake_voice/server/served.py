"""What the server asks of the fake it serves (``FakeVoice`` is one)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from fake_voice.core.exchanges import Exchange
from fake_voice.core.faults import Fault
from fake_voice.core.wire import Request, Response


class Served(Protocol):
    def answer(self, request: Request) -> Response: ...
    def reset(self, account_sid: str | None = None) -> None: ...
    def export_state(self, account_sid: str | None = None) -> dict[str, Any]: ...
    def load_state(self, state: Mapping[str, Any], account_sid: str | None = None) -> None: ...
    def clear_faults(self) -> None: ...

    @property
    def requests(self) -> Sequence[Exchange]: ...
    @property
    def faults(self) -> list[Fault]: ...
    @property
    def fail(self) -> Callable[..., Fault]:
        """``voice.fail``: the control API passes it the keywords a client sent."""
        ...
