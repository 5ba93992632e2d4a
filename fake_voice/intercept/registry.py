"""The one interception lifecycle: a process-wide, reference-counted registry of started fakes.

``fake.start()`` registers a fake (again and again: calls nest) and ``stop()`` unregisters
it once per start. The patches (``requests`` through ``responses``, and aiohttp when it can
be imported) are installed when the first fake starts and removed when the last one stops,
whatever the order and whichever threads start and stop them. Every intercepted request is
answered by the newest fake still started, as the newest ``responses`` patch answers, so a
stopped fake never answers or records again.

A guard (the pytest plugin's ``fake_voice_guard``) keeps the patches installed while no
fake is started, and answers, that is refuses, what no fake takes: every started fake goes
before it, whenever it started.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable

from fake_voice.core.hosts import HostRefused
from fake_voice.core.wire import Request, Response

Answer = Callable[[Request], Response]
Uninstall = Callable[[], None]

_lock = threading.Lock()
# Started fakes, oldest first, with how many starts each has not yet stopped.
_started: dict[object, tuple[int, Answer]] = {}
_uninstall: list[Uninstall] = []
# Guards, oldest first: they answer only while no fake is started.
_guards: list[Answer] = []
# Who answers now: the newest started fake, else the newest guard. Set under the lock after
# every change; read without it (one reference read), as a request may come from any thread.
_answering: Answer | None = None


def _choose() -> None:
    global _answering
    if _started:
        _answering = next(reversed(_started.values()))[1]
    else:
        _answering = _guards[-1] if _guards else None


def start(owner: object, answer: Answer) -> None:
    """Count one more start of ``owner``, whose ``answer`` takes intercepted requests."""
    with _lock:
        depth = _started.get(owner, (0, answer))[0]
        _started[owner] = (depth + 1, answer)  # a nested start keeps the fake's place
        _choose()
        if not _uninstall:
            _install()


def stop(owner: object) -> bool:
    """Count one stop of ``owner``; True if that was its last (outermost) one."""
    with _lock:
        entry = _started.get(owner)
        if entry is None:
            return False
        depth, answer = entry
        if depth > 1:
            _started[owner] = (depth - 1, answer)
            return False
        del _started[owner]
        _choose()
        if not _started and not _guards:
            _remove()
        return True


def guard(answer: Answer) -> None:
    """Let ``answer`` take intercepted requests while no fake is started, until ``unguard``."""
    with _lock:
        _guards.append(answer)
        _choose()
        if not _uninstall:
            _install()


def unguard(answer: Answer) -> None:
    """Undo one ``guard(answer)``; the patches go once no fake and no guard is left."""
    with _lock:
        if answer in _guards:
            _guards.remove(answer)
        _choose()
        if not _started and not _guards:
            _remove()


def depth(owner: object) -> int:
    """How many starts of ``owner`` have not been stopped (0: it does not intercept)."""
    with _lock:
        return _started.get(owner, (0, None))[0]


def dispatch(request: Request) -> Response:
    """Answer an intercepted request with the newest started fake, else the newest guard."""
    answer = _answering
    if answer is None:  # the last fake stopped while this request was on its way
        raise HostRefused(request.method, request.url)
    return answer(request)


def _install() -> None:
    from fake_voice.intercept import requests_adapter

    _uninstall.append(requests_adapter.install(dispatch))
    if importlib.util.find_spec("aiohttp") is not None:
        from fake_voice.intercept import aiohttp_adapter

        _uninstall.append(aiohttp_adapter.install(dispatch))


def _remove() -> None:
    while _uninstall:
        _uninstall.pop()()
