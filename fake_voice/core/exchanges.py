"""Recorded exchanges: what the fake answered, as a test reads it back.

The log is the fake's own; a test gets :class:`Exchanges`, a read-only snapshot, so
nothing it does to what it reads changes what the fake recorded.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fake_voice.core.errors import TwilioError
from fake_voice.core.faults import Fault
from fake_voice.core.redact import redact_headers, redact_url
from fake_voice.core.wire import JSON, MultiDict, Request

_UNPARSED: Any = object()


@dataclass(frozen=True, init=False)
class Exchange:
    """One request the fake answered, as a test reads it back."""

    method: str
    url: str
    """The URL as sent, without any ``user:password@``."""
    path: str
    query: MultiDict
    form: MultiDict
    headers: Mapping[str, str]
    """Request headers, with credentials redacted."""
    status: int | None
    """The HTTP status, or None for an injected connection error or timeout."""
    operation: str | None
    """Twilio's operationId (``CreateConnectionPolicy``), or None if no route matched."""
    account_sid: str | None
    response_headers: Mapping[str, str]
    region: str | None = None
    """The Twilio region the request acted in (``us1``, ``au1``), None if not routed."""
    request_body: bytes = b""
    """The request body exactly as received."""
    response_body: bytes = b""
    """The response body exactly as sent (what a cassette stores)."""
    fault: Fault | None = None
    """The injected fault that answered this request, if one did."""
    _parsed: JSON = field(default=_UNPARSED, repr=False, compare=False)

    def __init__(  # the dataclass's own signature, field for field
        self,
        method: str,
        url: str,
        path: str,
        query: MultiDict,
        form: MultiDict,
        headers: Mapping[str, str],
        status: int | None,
        operation: str | None,
        account_sid: str | None,
        response_headers: Mapping[str, str],
        region: str | None = None,
        request_body: bytes = b"",
        response_body: bytes = b"",
        fault: Fault | None = None,
        _parsed: JSON = _UNPARSED,
    ) -> None:
        # What the generated __init__ does, in one dict update rather than fifteen
        # object.__setattr__ calls (5 us -> 1 us; one exchange is recorded per request).
        self.__dict__.update(
            method=method,
            url=url,
            path=path,
            query=query,
            form=form,
            headers=headers,
            status=status,
            operation=operation,
            account_sid=account_sid,
            response_headers=response_headers,
            region=region,
            request_body=request_body,
            response_body=response_body,
            fault=fault,
            _parsed=_parsed,
        )

    @property
    def json(self) -> JSON:
        """The response body, parsed (None for an empty body): parsed on first use, so
        what a test reads is its own copy, never shared with the fake's state."""
        if self._parsed is _UNPARSED:
            parsed = json.loads(self.response_body) if self.response_body else None
            object.__setattr__(self, "_parsed", parsed)
        return self._parsed


class Exchanges(tuple[Exchange, ...]):
    """A read-only snapshot of recorded exchanges, oldest first; equal to a list of the
    same exchanges, so ``voice.requests == []`` reads as it says."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__


Answered = tuple[
    str,
    str,
    tuple[str, ...],
    tuple[str, ...],
    bytes,
    int | None,
    tuple[str, ...],
    tuple[str, ...],
    bytes,
    str | None,
    str | None,
    str | None,
    Fault | None,
]
"""What an exchange is made of, kept as it was answered until someone reads it: the
request's method, URL, header names and values and body; the status, response header names
and values and body; operation, account SID, region and fault. The request path answers
many more exchanges than tests read, and redacting and copying each one would cost a
sizeable part of an answer. Only strings, bytes, numbers and None (and a fault, when one
fired): nothing done afterwards changes what :func:`exchange_of` builds, the request and
what was parsed of it are freed at once, and the garbage collector soon stops looking at an
entry whose body is plain bytes (it untracks a tuple of such values). A body encoded once
for a record (an ``Encoded``, which the collector tracks as any instance of a subclass) is
kept as it is, shared with the record's cache rather than copied for every fetch."""


def exchange_of(entry: Answered) -> Exchange:
    """The :class:`Exchange` an answer makes, exactly as it was recorded eagerly."""
    method, url, names, values, body, status = entry[:6]
    response_names, response_values, response_body, operation, account, region, fault = entry[6:]
    headers = dict(zip(names, values, strict=True))
    request = Request(method, url, headers, body)
    return Exchange(
        method=method.upper(),
        url=redact_url(url),
        path=request.path,
        query=_or_empty(lambda: request.query),
        form=_or_empty(request.form),
        headers=redact_headers(headers),
        status=status,
        operation=operation,
        account_sid=account,
        response_headers=redact_headers(dict(zip(response_names, response_values, strict=True))),
        region=region,
        request_body=body,
        response_body=response_body,
        fault=fault,
    )


def _or_empty(read: Any) -> MultiDict:
    """Parameters for the record; ones that are not UTF-8 (answered with a 400) as none."""
    try:
        given: MultiDict = read()
    except TwilioError:
        return MultiDict()
    return given


class ExchangeLog:
    """The exchanges one fake recorded, the newest ``limit`` of them if a limit is set (the
    oldest are dropped first, and counted); thread-safe under :attr:`lock`, which every
    method takes but :meth:`record`, whose caller holds it.

    Entries are kept as :data:`Answered` until a snapshot reads them; each is built into
    its :class:`Exchange` once, so every snapshot shows the very same objects.
    """

    def __init__(self, limit: int | None = None, lock: threading.RLock | None = None) -> None:
        self._exchanges: deque[Exchange | Answered] = deque(maxlen=limit)
        self._unbuilt = False  # whether any entry may still be an Answered tuple
        self.lock = lock or threading.RLock()
        """Held around every change and read; :meth:`record` expects its caller to hold it
        (the request path records under the store lock it draws the request ID under)."""
        self.dropped = 0

    def record(
        self,
        request: Request,
        status: int | None,
        response_headers: Mapping[str, str],
        response_body: bytes,
        operation: str | None,
        account_sid: str | None,
        region: str | None,
        fault: Fault | None,
    ) -> None:
        """Keep what ``request`` was answered with (status None: a transport fault), as
        :data:`Answered`, until a snapshot reads it; with :attr:`lock` held."""
        entry: Answered = (
            request.method,
            request.url,
            request.header_names,
            request.header_values,
            request.body,
            status,
            tuple(response_headers),
            tuple(response_headers.values()),
            response_body,
            operation,
            account_sid,
            region,
            fault,
        )
        if len(self._exchanges) == self._exchanges.maxlen:  # the caller holds the lock
            self.dropped += 1
        self._exchanges.append(entry)
        self._unbuilt = True

    def clear(self, account_sid: str | None = None) -> None:
        """Forget every exchange, or only those of ``account_sid``."""
        with self.lock:
            if account_sid is None:
                self._exchanges.clear()
                self._unbuilt = False
                self.dropped = 0
            else:
                kept = [e for e in self._exchanges if _account_of(e) != account_sid]
                self._exchanges = deque(kept, maxlen=self._exchanges.maxlen)

    def snapshot(self) -> Exchanges:
        with self.lock:
            if self._unbuilt:
                built = [_built(entry) for entry in self._exchanges]
                self._exchanges = deque(built, maxlen=self._exchanges.maxlen)
                self._unbuilt = False
            return Exchanges(self._exchanges)  # type: ignore[arg-type]  # all built now


def _built(entry: Exchange | Answered) -> Exchange:
    return exchange_of(entry) if isinstance(entry, tuple) else entry


def _account_of(entry: Exchange | Answered) -> str | None:
    return entry[10] if isinstance(entry, tuple) else entry.account_sid
