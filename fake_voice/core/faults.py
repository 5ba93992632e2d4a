"""Injected failures: which requests they catch, what they answer, how often.

A :class:`Fault` is plain data (``to_dict()`` / ``Fault.from_dict()`` round-trip through
JSON), so an HTTP control API can describe the same faults a test sets with ``voice.fail()``.

The core asks :meth:`Faults.take` once a request is routed, authenticated and its form read,
before its parameters are validated: as a rate limiter or a failing edge in front of the
API would, a fault answers whatever the body holds (a 401 or 404 comes first, a 400 only on
the attempt that gets through). The operation never runs, so a faulted request changes no
state. Direct calls on the handle (seeding) are never faulted.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal

from fake_voice.core.errors import TwilioError
from fake_voice.core.wire import HTTP_METHODS, reason_phrase, v1_path

TransportError = Literal["connection", "timeout"]
_TRANSPORT_ERRORS = ("connection", "timeout")
# Twilio's codes for the statuses it documents; any other status gets 20000 + status
# (20429, 20500 and 20503 are in Twilio's error catalogue).
_CODES = {400: 20001, 401: 20003, 405: 20004}


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    # `*` matches within one path segment, `**` across segments; nothing else is special.
    # "/v1/" may be left out, as in direct calls.
    parts = re.split(r"(\*\*|\*)", v1_path(pattern))
    regex = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part) for part in parts
    )
    return re.compile(regex + r"\Z")


@dataclass(frozen=True)
class Matcher:
    """Which requests something applies to; every field given must match, none means all.

    path: the URL path, exactly (``/v1/`` may be left out) or as a glob where ``*`` stands
        for part of one segment and ``**`` for any run of segments.
    path_regex: a regular expression the whole path must match.
    sid: a SID that must be one of the path's segments.
    """

    operation: str | None = None
    method: str | None = None
    path: str | None = None
    path_regex: str | None = None
    sid: str | None = None

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string, not {value!r}")
        if self.method is not None:
            method = self.method.upper()
            if method not in HTTP_METHODS:
                raise ValueError(
                    f"method must be one of {', '.join(HTTP_METHODS)}, not {self.method!r}"
                )
            object.__setattr__(self, "method", method)
        if self.path_regex is not None:
            try:
                re.compile(self.path_regex)
            except re.error as error:
                raise ValueError(
                    f"path_regex {self.path_regex!r} is not a regex: {error}"
                ) from None

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        return (
            (self.operation is None or self.operation == operation)
            and (self.method is None or self.method == method.upper())
            and (self.path is None or _glob(self.path).match(path) is not None)
            and (self.path_regex is None or re.fullmatch(self.path_regex, path) is not None)
            and (self.sid is None or self.sid in path.split("/"))
        )

    def describe(self) -> str:
        given = [f"{name}={value!r}" for name, value in asdict(self).items() if value is not None]
        return " ".join(given) or "any request"


def path_fields(path: str | re.Pattern[str] | None) -> dict[str, str | None]:
    """``Matcher`` fields for a ``path`` argument: a glob string or a compiled regex."""
    if isinstance(path, re.Pattern):
        if path.flags & ~re.UNICODE:
            raise ValueError("a path pattern must be compiled without flags (faults are data)")
        return {"path": None, "path_regex": path.pattern}
    return {"path": path, "path_regex": None}


def check_operation(name: str | None, known: Collection[str]) -> None:
    """Refuse an operationId the fake does not route, naming the closest ones."""
    if name is None or name in known:
        return
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ValueError(f"fake_voice routes no operation {name!r}{hint}")


class TransportFault(Exception):
    """An injected failure with no HTTP answer; ``kind`` is ``connection`` or ``timeout``.

    Transport-neutral: each adapter raises what its own transport raises for that kind
    (``requests.ConnectionError`` / ``ReadTimeout``, aiohttp's, a dropped connection).
    """

    def __init__(self, kind: TransportError, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Fault:
    """One injected failure: an HTTP error in Twilio's envelope, or a transport error.

    times: how many matching requests fail (``None``: every one, without end).
    optional: if True, the fault may stay unfired without failing the test.
    fired: how many requests it has failed so far.
    """

    when: Matcher
    status: int | None = None
    code: int | None = None
    message: str | None = None
    retry_after: int | None = None
    error: TransportError | None = None
    times: int | None = 1
    optional: bool = False
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        # Checked here, not when a request meets it: a fault is also set from JSON (the
        # control API), and a bad one must be refused then, not break a later answer.
        for name, kind in (("status", int), ("code", int), ("retry_after", int), ("times", int)):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                raise TypeError(f"{name} must be a whole number, not {value!r}")
        if self.message is not None and not isinstance(self.message, str):
            raise TypeError(f"message must be a string, not {self.message!r}")
        if self.message == "":
            raise ValueError("message must not be empty (Twilio's envelope always has one)")
        if not isinstance(self.optional, bool):
            raise TypeError(f"optional must be True or False, not {self.optional!r}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be 1 or more, or None for every matching request")
        if self.error is not None:
            if self.error not in _TRANSPORT_ERRORS:
                raise ValueError(f"error must be 'connection' or 'timeout', not {self.error!r}")
            given = [
                n
                for n in ("status", "code", "message", "retry_after")
                if getattr(self, n) is not None
            ]
            if given:
                raise ValueError(
                    f"a {self.error} error has no HTTP answer; drop {', '.join(given)}"
                )
            return
        if self.status is None:
            self.status = 500
        if not 400 <= self.status <= 599:
            raise ValueError(f"status must be an error status (400-599), not {self.status}")
        if self.code is None:
            self.code = _CODES.get(self.status, 20000 + self.status)
        if not 10000 <= self.code <= 99999:
            raise ValueError(f"code must be a Twilio error code (10000-99999), not {self.code}")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError(f"retry_after must be 0 or more seconds, not {self.retry_after}")
        if self.message is None:
            self.message = reason_phrase(self.status, "Error")
        if self.retry_after is None and self.status == 429:
            self.retry_after = 1

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    @property
    def unmet(self) -> bool:
        """True if it failed fewer requests than it was set for (never, for ``times=None``)."""
        wanted = 1 if self.times is None else self.times
        return not self.optional and self.fired < wanted

    def exception(self, method: str, url: str) -> TwilioError | TransportFault:
        """What the request path raises for a request this fault caught."""
        if self.error == "connection":
            return TransportFault(
                "connection", f"fake_voice injected a connection error into {method} {url}"
            )
        if self.error == "timeout":
            return TransportFault(
                "timeout", f"fake_voice injected a read timeout into {method} {url}"
            )
        assert self.status is not None and self.code is not None and self.message is not None
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        return TwilioError(self.status, self.code, self.message, headers=headers)

    def describe(self) -> str:
        answer = self.error or f"{self.status}/{self.code}"
        times = f"of {self.times} " if self.times is not None else ""
        every = " (times=None: every match)" if self.times is None else ""
        return f"{self.when.describe()} -> {answer}, fired {self.fired} {times}times{every}"

    def to_dict(self) -> dict[str, Any]:
        """The fault as JSON-ready data (matcher fields flattened in)."""
        data = asdict(self)
        return {**data.pop("when"), **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from ``to_dict()``'s shape (``fired`` is ignored)."""
        fields = dict(data)
        fields.pop("fired", None)
        matcher = {name: fields.pop(name, None) for name in Matcher.__dataclass_fields__}
        return cls(Matcher(**matcher), **fields)


class Faults:
    """The faults of one fake, in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self.listed: list[Fault] = []
        """Every fault set, oldest first. Read without the lock only to ask whether there
        is any (the request path asks on every request, and most fakes have none)."""
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.listed.append(fault)
        return fault

    def take(self, method: str, path: str, operation: str | None) -> Fault | None:
        """The first unexhausted fault matching the request, counted as fired; or None."""
        with self._lock:
            for fault in self.listed:
                if not fault.exhausted and fault.when.matches(method, path, operation):
                    fault.fired += 1
                    return fault
        return None

    def all(self) -> list[Fault]:
        with self._lock:
            return list(self.listed)

    def clear(self) -> None:
        with self._lock:
            self.listed.clear()

    def unmet(self) -> list[Fault]:
        with self._lock:
            return [fault for fault in self.listed if fault.unmet]


def unmet_message(unmet: list[Fault]) -> str:
    lines = "\n".join(f"  {fault.describe()}" for fault in unmet)
    return (
        f"fake_voice: {len(unmet)} fault(s) did not fire as often as set:\n{lines}\n"
        "Pass optional=True to voice.fail() for a fault that may stay unfired, or "
        "assert_all_faults_fired=False to mock() or @pytest.mark.fake_voice for all of them."
    )
