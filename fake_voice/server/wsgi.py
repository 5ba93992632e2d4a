"""The WSGI adapter: an HTTP request in, the core's :class:`Response` out.

Paths under ``/__fake_voice__`` go to the control API (``server.control``); every other
path is Twilio's, and every answer there is Twilio's error envelope or the core's own
answer: a body over the size limit (413, code 20413), a Host header no URL can hold (400),
and a failure inside the fake (500, code 20500) included. The request handler answers what
never reaches the application (a malformed request line, an oversized header) in the same
envelope, and writes one log line per request.
"""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import get_input_stream

from fake_voice.core import dialects
from fake_voice.core.errors import TwilioError
from fake_voice.core.faults import TransportFault
from fake_voice.core.redact import redact_url
from fake_voice.core.wire import Request, Response, reason_phrase
from fake_voice.server.control import PREFIX, ControlAPI, error_response
from fake_voice.server.served import Served

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("fake_voice.server")

TWILIO_BODY_LIMIT = 1024 * 1024
"""Largest request body on a Twilio path, in bytes (Twilio's own forms are far smaller)."""
CONTROL_BODY_LIMIT = 64 * 1024 * 1024
"""Largest request body on the control API (a state to load can be large)."""

_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)
RAW_TARGET = "fake_voice.raw_target"
"""Environ key: the request target exactly as the request line carried it, as bytes."""
_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))
# Control characters, escaped before a request target is written to the log.
_CONTROL_CHARS = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})


def transport_error(status: int, message: str, *, close: bool = False) -> TwilioError:
    """Twilio's envelope for what the HTTP layer refuses before any operation runs.

    Codes: 20413 for a body too large (Twilio's catalogue has it), otherwise 20001 for a
    client error and 20500 for a server error. ``close``: the answer closes the connection
    (its body was not read to the end, so nothing after it can be framed).
    """
    code = 20413 if status == 413 else 20001 if status < 500 else 20500
    return TwilioError(status, code, message, headers={"Connection": "close"} if close else None)


class _Dropped(ConnectionError):
    """An injected transport fault: Werkzeug takes a ConnectionError from the application
    for a dropped connection, so the client gets no answer at all."""


class App:
    """The WSGI application serving one fake.

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

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            response = self._control(environ, path[len(PREFIX) :] or "/")
        else:
            response = self._twilio(environ)
        status = f"{response.status} {reason_phrase(response.status, 'Unknown')}"
        headers = list(response.headers.items())
        if response.status not in (204, 304):
            headers.append(("Content-Length", str(len(response.body))))
        start_response(status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [response.body]

    def _twilio(self, environ: WSGIEnvironment) -> Response:
        try:
            body = _body(environ, TWILIO_BODY_LIMIT)
            request = _request(environ, body)
            # Faults set on the handle run inside the core, so they apply here as well.
            return self.voice.answer(request, region=self.region)
        except TwilioError as error:  # refused before the core saw it: the path's dialect
            return dialects.for_path(str(environ.get("PATH_INFO") or "/")).error_response(error)
        except TransportFault as fault:
            if fault.kind == "timeout":
                self.stopping.wait(self.stall)
            raise _Dropped(f"an injected {fault.kind} fault") from None
        except Exception as error:  # a fake_voice bug: answer, log, and keep serving
            path = str(environ.get("PATH_INFO")).translate(_CONTROL_CHARS)
            log.exception("fake_voice failed on %s", path)
            failure = transport_error(500, f"fake_voice failed: {error}")
            return dialects.for_path(path).error_response(failure)

    def _control(self, environ: WSGIEnvironment, path: str) -> Response:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        try:
            body = _body(environ, CONTROL_BODY_LIMIT)
        except TwilioError as error:
            return error_response(error.status, error.message)
        try:
            query = str(environ.get("QUERY_STRING") or "")
            return self.control.respond(method, path, body, query)
        except Exception as error:
            shown = f"{method} {path}".translate(_CONTROL_CHARS)
            log.exception("fake_voice control API failed on %s", shown)
            return error_response(500, f"fake_voice failed: {error}")


def _body(environ: WSGIEnvironment, limit: int) -> bytes:
    too_large = transport_error(
        413, f"Request Entity Too Large: a request body may be at most {limit} bytes", close=True
    )
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if declared.isdigit() and int(declared) > limit:  # refused before a byte of it is read
        raise too_large
    try:
        # One byte over the limit: Werkzeug's stream stops quietly at its maximum, so a
        # chunked body that reaches it would otherwise pass cut short.
        body = get_input_stream(environ, max_content_length=limit + 1).read()
    except RequestEntityTooLarge:
        raise too_large from None
    except ClientDisconnected as error:
        # Werkzeug's stream raises this for a body cut short, a malformed chunk and a stall.
        if isinstance(error.__context__, TimeoutError):
            raise transport_error(
                408, "Request Timeout: the request body stopped arriving", close=True
            ) from None
        raise transport_error(
            400, "The request body ended early or is malformed", close=True
        ) from None
    if len(body) > limit:
        raise too_large
    return body


def _request(environ: WSGIEnvironment, body: bytes) -> Request:
    """The core's request, on the scheme, host and port the client used (its Host header)."""
    host = str(environ.get("HTTP_HOST") or _server_host(environ))
    if "@" in host:  # an absolute-form target's user:password@ (RFC 9110 forbids it)
        raise transport_error(400, "The request's host carries credentials (user:password@)")
    if not _HOST.fullmatch(host):
        raise transport_error(400, f"The Host header {host!r} is not a host name or address")
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    return Request(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        url=f"{scheme}://{host}{_target(environ)}",
        headers=dict(EnvironHeaders(environ)),
        body=body,
    )


def _server_host(environ: WSGIEnvironment) -> str:
    name, port = str(environ.get("SERVER_NAME", "")), str(environ.get("SERVER_PORT", ""))
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def _target(environ: WSGIEnvironment) -> str:
    """The path and query as the client sent them (bytes outside printable ASCII escaped)."""
    raw = environ.get(RAW_TARGET)
    if isinstance(raw, bytes) and raw.startswith(b"/") and not raw.startswith(b"//"):
        return quote(raw.partition(b"#")[0], safe=_PRINTABLE)
    # Another WSGI server, or an absolute-form target: rebuild it from the decoded parts.
    path = quote(str(environ.get("PATH_INFO") or "/").encode("latin-1"), safe=_PRINTABLE)
    query = str(environ.get("QUERY_STRING") or "")
    return f"{path}?{query}" if query else path


class Connection(WSGIRequestHandler):
    """One client connection: Werkzeug's request handler, answering what never reaches the
    application in Twilio's envelope, and logging one line per request."""

    protocol_version = "HTTP/1.1"
    _started = 0.0

    def setup(self) -> None:
        super().setup()
        # Reads go through a deadline: the request line and headers must arrive within the
        # idle timeout however slowly they trickle in (one byte at a time resets no clock).
        self._deadline = _Deadline(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._deadline)

    def handle_one_request(self) -> None:
        self._started = time.perf_counter()
        self._deadline.start()
        super().handle_one_request()

    def parse_request(self) -> bool:
        try:
            parsed = super().parse_request()
        except TimeoutError:
            self.send_error(
                408, f"Request Timeout: the headers must arrive within {self.timeout:g} seconds"
            )
            return False
        self._deadline.stop()
        if not parsed:
            return False
        if self.request_version == "HTTP/0.9":  # it has no status line to carry an error
            self.send_error(400, "HTTP/0.9 requests are not supported")
            return False
        problem = _framing_problem(self.headers.get_all("Content-Length") or [], self.headers)
        if problem:
            self.send_error(400, problem)
            return False
        return True

    def make_environ(self) -> WSGIEnvironment:
        environ = super().make_environ()
        environ[RAW_TARGET] = self.path.encode("iso-8859-1")  # http.server decoded it so
        return environ

    def handle(self) -> None:
        try:
            super().handle()
        except Exception:  # nothing a client sends may reach socketserver's traceback printer
            log.exception("fake_voice server: error on a connection from %s", self.client_address)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server answers by itself (a bad request line, headers too long)."""
        error = transport_error(code, message or reason_phrase(code, "Unknown"))
        body = dialects.DEFAULT.error_response(error).body
        self.close_connection = True
        if not self.request_version.startswith("HTTP/1."):
            # A request line too broken to name its version still gets a status line.
            self.request_version = "HTTP/1.0"
        self.send_response(code, reason_phrase(code, "Unknown"))
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        elapsed = (time.perf_counter() - self._started) * 1000
        command = getattr(self, "command", None)
        if command:
            line = f"{command} {redact_url(self.logged_target())}"
        else:
            words = str(getattr(self, "requestline", "")).split(" ")
            line = " ".join(map(redact_url, words)) or "(no request line)"
        log.info("%s %s %.1fms", line.translate(_CONTROL_CHARS), code, elapsed)

    def logged_target(self) -> str:
        """The request target as the log line shows it."""
        return str(getattr(self, "path", ""))

    def log_error(self, format: str, *args: Any) -> None:
        log.info("%s: %s", self.client_address[0], (format % args).translate(_CONTROL_CHARS))

    def log_message(self, format: str, *args: Any) -> None:
        self.log_error(format, *args)

    def connection_dropped(
        self, error: BaseException, environ: WSGIEnvironment | None = None
    ) -> None:
        # Nothing was answered, so http.server would wait on this connection for another
        # request line until the idle timeout: close it now, as a dropped connection is.
        self.close_connection = True
        if isinstance(error, _Dropped):
            reason = f"was dropped: {error}"
        elif isinstance(error, socket.timeout):
            reason = "timed out"
        else:
            reason = "closed the connection"
        log.info("%s: the client %s", self.client_address[0], reason)


_DIGITS = re.compile(r"[0-9]{1,18}")


def _framing_problem(lengths: list[str], headers: Any) -> str | None:
    """Why the body's framing is invalid (RFC 9112, section 6.3), or None if it is not."""
    if not lengths:
        return None
    shown = ", ".join(repr(value) for value in lengths)
    if len(lengths) > 1 or not _DIGITS.fullmatch(lengths[0].strip()):
        return (
            f"Invalid Content-Length {shown}: send one Content-Length header holding the "
            "body's size as a whole number of bytes"
        )
    if headers.get("Transfer-Encoding") is not None:
        return "A request may not carry both Content-Length and Transfer-Encoding: send one of them"
    return None


class _Deadline(io.RawIOBase):
    """A connection's reads, each waiting at most the idle timeout, and while a deadline is
    set (from the start of a request until its headers are in) no later than it."""

    def __init__(self, connection: socket.socket, idle: float | None) -> None:
        self._connection = connection
        self._idle = idle
        self._until: float | None = None

    def start(self) -> None:
        self._until = None if self._idle is None else time.monotonic() + self._idle

    def stop(self) -> None:
        self._until = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wait = self._idle
        if self._until is not None:
            left = self._until - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request line and headers came too slowly")
            wait = left if wait is None else min(wait, left)
        self._connection.settimeout(wait)
        return self._connection.recv_into(buffer)


def connection_class(timeout: float) -> type[WSGIRequestHandler]:
    """The connection class for a server whose connections time out after ``timeout`` idle
    seconds."""
    return cast(
        "type[WSGIRequestHandler]",
        type("FakeVoiceConnection", (Connection,), {"timeout": timeout}),
    )
