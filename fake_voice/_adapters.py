"""What the ways in beside ``responses`` share: which fake is active, and the host refusal.

The aiohttp interception and the direct clients hand the fake a :class:`Request` for a
``*.twilio.com`` URL; the fake answers voice hosts and raises :class:`HostRefused` for
every other Twilio host, which each adapter turns into its transport's connection error.

aiohttp is optional: its interception is installed when the first fake starts, only if
aiohttp can be imported, and removed when the last active fake stops.
"""

from __future__ import annotations

import base64
import importlib.util
import threading
from typing import Protocol

from fake_voice._wire import Request, Response, without_credentials


class HostRefused(Exception):
    """A request for a Twilio host other than Voice, which must never reach the network."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(
            f"fake_voice refused {method} {without_credentials(url)}: it serves only "
            "voice.twilio.com and its regional hosts, and lets no request for another Twilio "
            "host reach the network."
        )


def basic_auth(username: str, password: str) -> str:
    """An ``Authorization`` header value, encoded as requests and aiohttp do (latin-1)."""
    token = base64.b64encode(f"{username}:{password}".encode("latin-1")).decode("ascii")
    return f"Basic {token}"


class Answers(Protocol):
    """A fake as the adapters see it (``FakeVoice``)."""

    def _answer_twilio(self, request: Request) -> Response: ...


_lock = threading.Lock()
# Active fakes, oldest first; the newest answers, as the newest `responses` patch does.
_active: list[Answers] = []
_patched = False


def activate(fake: Answers) -> None:
    global _patched
    with _lock:
        _active.append(fake)
        if not _patched and importlib.util.find_spec("aiohttp") is not None:
            from fake_voice._aiohttp import patch

            patch()
            _patched = True


def deactivate(fake: Answers) -> None:
    global _patched
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is fake:
                del _active[index]
                break
        if _patched and not _active:
            from fake_voice._aiohttp import unpatch

            unpatch()
            _patched = False


def current() -> Answers | None:
    """The fake that answers intercepted requests now, or None when none is active."""
    with _lock:
        return _active[-1] if _active else None
