"""The network guard: no request for a ``*.twilio.com`` host leaves a test without a fake.

While a :class:`Guard` is entered, the interception of ``requests`` and aiohttp stays
installed (``registry.guard``); a request to any Twilio host that no started fake answers
raises the transport's connection error, naming the host and the ``fake_voice`` fixture.
Every other library is stopped one step later: ``socket.getaddrinfo`` refuses to resolve a
Twilio host name, so no connection to Twilio can even be attempted. The guard remembers
what it refused, so the pytest plugin can fail a test that caught and swallowed the error.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from fake_voice.core.hosts import HostRefused, is_twilio_host
from fake_voice.core.redact import redact_url
from fake_voice.core.wire import Request, Response
from fake_voice.intercept import registry

ADVICE = (
    "ask for the `fake_voice` fixture (def test_...(fake_voice): ...) or start "
    "fake_voice.mock(); nothing was sent"
)


class GuardRefused(HostRefused):
    """A request for a Twilio host from a test that uses no fake (the guard is on)."""

    def __init__(self, method: str, url: str, host: str) -> None:
        Exception.__init__(self, refusal(f"{method} {redact_url(url)}", host))


def refusal(what: str, host: str) -> str:
    return (
        f"fake_voice guard stopped {what}: this test uses no fake, so it would reach the "
        f"real {host}; {ADVICE}"
    )


def _unanswered(host: str) -> str:
    return (
        f"fake_voice guard stopped a connection to {host}: no fake answers this client "
        f"(fakes answer requests and aiohttp), so it would reach the real {host}; use "
        "requests or aiohttp with the `fake_voice` fixture, or point the client at "
        "`fake-voice serve`; nothing was sent"
    )


class Guard:
    """Refuse Twilio hosts while entered; ``refused`` lists what was stopped."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def answer(self, request: Request) -> Response:
        self.refused.append(f"{request.method.upper()} {redact_url(request.url)}")
        raise GuardRefused(request.method.upper(), request.url, request.host)

    def __enter__(self) -> Guard:
        registry.guard(self.answer)
        _resolver.enter(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _resolver.leave(self)
        registry.unguard(self.answer)


class _Resolver:
    """``socket.getaddrinfo`` refusing Twilio host names while any guard is entered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guards: list[Guard] = []
        self._original: Any = None
        self._patch = self._getaddrinfo  # one bound method, so `is` can find it again

    def enter(self, guard: Guard) -> None:
        with self._lock:
            if not self._guards:
                self._original = socket.getaddrinfo
                socket.getaddrinfo = self._patch
            self._guards.append(guard)

    def leave(self, guard: Guard) -> None:
        with self._lock:
            if guard in self._guards:
                self._guards.remove(guard)
            # If someone patched over us since, leave theirs (and our original) in place.
            if not self._guards and socket.getaddrinfo is self._patch:
                socket.getaddrinfo = self._original

    def _getaddrinfo(self, host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host or "")
        if is_twilio_host(name):
            with self._lock:
                guards = list(self._guards)
            for guard in guards[-1:]:
                guard.refused.append(f"a connection to {name}")
            raise socket.gaierror(socket.EAI_NONAME, _unanswered(name))
        return self._original(host, *args, **kwargs)


_resolver = _Resolver()
