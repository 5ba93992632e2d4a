"""The application: an HTTP request in, the core's :class:`Response` out.

Paths under ``/__fake_voice__`` go to the control API (``server.control``); every other
path is Twilio's, and every answer there is Twilio's error envelope or the core's own
answer: a body over the size limit (413, code 20413), a Host header no URL can hold (400),
and a failure inside the fake (500, code 20500) included. What never reaches the
application (a malformed request line, an oversized header) the connection answers in the
same envelope (``server.connection``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from urllib.parse import SplitResult, quote, unquote, urlsplit

from fake_voice.core import dialects
from fake_voice.core.errors import TwilioError
from fake_voice.core.faults import TransportFault
from fake_voice.core.wire import Request, Response
from fake_voice.server.control import PREFIX, ControlAPI, error_response
from fake_voice.server.protocol import Head, Refused
from fake_voice.server.served import Served

log = logging.getLogger("fake_voice.server")

TWILIO_BODY_LIMIT = 1024 * 1024
"""Largest request body on a Twilio path, in bytes (Twilio's own forms are far smaller)."""
CONTROL_BODY_LIMIT = 64 * 1024 * 1024
"""Largest request body on the control API (a state to load can be large)."""

_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)
_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))
# Control characters, escaped before anything a client sent is written to the log.
CONTROL_CHARS = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})

ReadBody = Callable[[int], bytes]
"""Reads the request's body, at most that many bytes; raises :class:`Refused`."""


def transport_error(status: int, message: str, *, close: bool = False) -> TwilioError:
    """Twilio's envelope for what the HTTP layer refuses before any operation runs.

    Codes: 20413 for a body too large (Twilio's catalogue has it), otherwise 20001 for a
    client error and 20500 for a server error. ``close``: the answer closes the connection
    (its body was not read to the end, so nothing after it can be framed).
    """
    code = 20413 if status == 413 else 20001 if status < 500 else 20500
    return TwilioError(status, code, message, headers={"Connection": "close"} if close else None)


class Dropped(ConnectionError):
    """An injected transport fault: the connection is dropped with no answer at all."""


class App:
    """The application serving one fake.

    ``stall`` is how long an injected timeout holds the connection before dropping it: the
    server's idle timeout, longer than a client that is meant to time out will wait.
    ``stopping`` ends every stall at once: the server sets it when it stops. ``region`` is
    where requests act whose Host header names no Voice region (the server's own address).
    """

    def __init__(self, voice: Served, stall: float = 10.0, region: str = "us1") -> None:
        self.voice = voice
        self.region = region
        self.control = ControlAPI(voice)
        self.stall = stall
        self.stopping = threading.Event()

    def answer(
        self, head: Head, read_body: ReadBody, *, own: str, scheme: str, host: str | None
    ) -> Response:
        """The answer to ``head``: ``own`` is the server's address (the host of a request
        that names none), ``scheme`` and ``host`` those of the tunnel it came through."""
        try:
            target = urlsplit(head.target)
        except ValueError:
            error = transport_error(400, f"The request target {head.target!r} is not a URL")
            return dialects.DEFAULT.error_response(error)
        path = unquote(
            f"/{target.netloc}{target.path}" if target.netloc and not target.scheme else target.path
        )
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return self._control(head, read_body, path[len(PREFIX) :] or "/", target.query)
        try:
            body = read_body(TWILIO_BODY_LIMIT)
        except Refused as refused:
            error = transport_error(refused.status, refused.message, close=True)
            return dialects.for_path(path).error_response(error)
        try:
            request = _request(head, body, target, path, own=own, scheme=scheme, host=host)
            # Faults set on the handle run inside the core, so they apply here as well.
            return self.voice.answer(request, region=self.region)
        except TwilioError as error:  # refused before the core saw it: the path's dialect
            return dialects.for_path(path).error_response(error)
        except TransportFault as fault:
            if fault.kind == "timeout":
                self.stopping.wait(self.stall)
            raise Dropped(f"an injected {fault.kind} fault") from None
        except Exception as error:  # a fake_voice bug: answer, log, and keep serving
            log.exception("fake_voice failed on %s", path.translate(CONTROL_CHARS))
            failure = transport_error(500, f"fake_voice failed: {error}")
            return dialects.for_path(path).error_response(failure)

    def _control(self, head: Head, read_body: ReadBody, path: str, query: str) -> Response:
        method = head.method.upper()
        try:
            body = read_body(CONTROL_BODY_LIMIT)
        except Refused as refused:
            return error_response(refused.status, refused.message, {"Connection": "close"})
        try:
            return self.control.respond(method, path, body, query)
        except Exception as error:
            shown = f"{method} {path}".translate(CONTROL_CHARS)
            log.exception("fake_voice control API failed on %s", shown)
            return error_response(500, f"fake_voice failed: {error}")


def _request(
    head: Head,
    body: bytes,
    target: SplitResult,
    path: str,
    *,
    own: str,
    scheme: str,
    host: str | None,
) -> Request:
    """The core's request, on the scheme, host and port the client used: its tunnel's, its
    absolute-form target's, its Host header's, or else the server's own address."""
    headers = _headers(head.fields)
    if host is None and target.scheme and target.netloc:
        host = target.netloc
    if host is not None:
        headers["Host"] = host
    host = headers.get("Host", own)
    if "@" in host:  # an absolute-form target's user:password@ (RFC 9110 forbids it)
        raise transport_error(400, "The request's host carries credentials (user:password@)")
    if not _HOST.fullmatch(host):
        raise transport_error(400, f"The Host header {host!r} is not a host name or address")
    return Request(
        method=head.method,
        url=f"{scheme}://{host}{_target(head.target, target, path)}",
        headers=headers,
        body=body,
    )


def _headers(fields: list[tuple[str, str]]) -> dict[str, str]:
    """The header fields as WSGI servers pass them on: names in title case, repeated ones
    joined with commas, and none whose name holds an underscore (it would read as a dash)."""
    headers: dict[str, str] = {}
    for name, value in fields:
        if "_" in name:
            continue
        key = name.title()
        if key in ("Content-Type", "Content-Length"):
            if value:
                headers[key] = value
        elif key in headers:
            headers[key] = f"{headers[key]},{value}"
        else:
            headers[key] = value
    return headers


def _target(raw: str, target: SplitResult, path: str) -> str:
    """The path and query as the client sent them (bytes outside printable ASCII escaped)."""
    if raw.startswith("/"):
        return quote(raw.partition("#")[0].encode("latin-1"), safe=_PRINTABLE)
    # An absolute-form target (or another form no URL path starts): rebuilt from its parts.
    quoted = quote(path.encode("utf-8"), safe=_PRINTABLE)
    return f"{quoted}?{target.query}" if target.query else quoted
