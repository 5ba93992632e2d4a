"""HTTP/1.1 on one connection: requests read off it in turn, and answers written onto it.

The request line is read here, by the rules of Python's ``http.server`` and with its
messages, which the documented errors quote (``Bad request syntax ('GARBAGE')``); so are
the limits on the head (a line of 64 KiB, 100 lines) and the strict ``Content-Length``.
The header fields and the body (its ``Content-Length``, or chunked with extensions and
trailers) are parsed by h11, python-hyper's HTTP/1.1 state machine, which is handed the
rest of the head behind a neutral request line. Whether the connection stays open after
an answer (keep-alive) is decided here, from the request's version and ``Connection``.
"""

from __future__ import annotations

import email.utils
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass

import h11

from fake_voice.core.wire import reason_phrase

MAX_LINE = 65536
"""Longest request line or header line, its line end included (``http.server``'s bound)."""
MAX_LINES = 100
"""Most header lines, the blank line that ends them included (``http.client``'s count)."""
# h11 must never refuse a head this module took; a chunk header or trailer is bounded too.
_H11_LIMIT = MAX_LINES * (MAX_LINE + 1)
# h11 reads the header fields and the body; the request line it sees is always this one
# (HTTP/1.0, so that it asks for no Host header: the fake's own rules apply to that).
_NEUTRAL_LINE = b"PUT / HTTP/1.0\r\n"
_DIGITS = re.compile(r"[0-9]{1,18}")
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)
_TRANSFER_ENCODING = re.compile(rb"^transfer-encoding:", re.IGNORECASE | re.MULTILINE)
_BYTEARRAY = re.compile(r"bytearray\((b'[^']*'|b\"[^\"]*\")\)")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class Refused(Exception):
    """A request the protocol refuses by itself: ``status`` and ``message`` are the answer,
    and the connection closes after it (nothing after it can be framed)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Closed(Exception):
    """The client closed the connection, or went quiet before a request began."""


@dataclass
class Head:
    """A request line and its header fields, as received."""

    method: str
    target: str
    """The request target as the request line carried it (bytes as Latin-1)."""
    version: str
    fields: list[tuple[str, str]]
    """Header fields in order, names as sent, values as Latin-1."""
    keep_alive: bool
    """Whether the client lets the connection stay open after the answer."""
    length: int | None
    """The declared ``Content-Length``, if any."""
    expects_continue: bool


class Reader:
    """The requests arriving on ``sock``, one at a time, and their bodies.

    ``timeout`` bounds every wait: for a request to begin (else the connection is closed
    without an answer), for its request line and headers from its first byte however
    slowly they trickle in (408), and between any two pieces of a body (408).
    """

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout
        self.line = ""
        """The last request line read whole ("" if none), for the log."""
        self.parsed: tuple[str, str] | None = None
        """Its method and target, once it has been read as a request line."""
        self.started = 0.0
        """``time.perf_counter()`` when the last request's first byte was read."""
        self.ended = False
        """Whether the client has closed its side of the connection."""
        self._buffer = bytearray()
        self._parser: h11.Connection | None = None

    def head(self) -> Head:
        """The next request's head; :class:`Refused` for a head that cannot be served,
        :class:`Closed` when the client closes or no request begins within the timeout."""
        self.line, self.parsed, self._parser = "", None, None
        while True:
            while self._buffer[:2] == b"\r\n" or self._buffer[:1] == b"\n":  # RFC 9112, 2.2
                del self._buffer[: 2 if self._buffer[:1] == b"\r" else 1]
            if self._buffer:
                break
            self._receive(self.timeout, begun=False)
        self.started = time.perf_counter()
        deadline = time.monotonic() + self.timeout
        first = self._first_line(deadline)
        if first is None:
            raise Refused(414, reason_phrase(414))
        self.line = first.decode("latin-1").rstrip("\r\n")
        method, target, version = _request_line(self.line)
        self.parsed = (method, target)
        if version == "HTTP/0.9":  # it has no status line to carry an error, nor headers
            raise Refused(400, "HTTP/0.9 requests are not supported")
        lengths, transfer_encoding = self._fields(len(first), deadline)
        problem = _framing_problem(lengths, transfer_encoding)
        if problem:
            raise Refused(400, problem)
        parser = h11.Connection(h11.SERVER, max_incomplete_event_size=_H11_LIMIT)
        parser.receive_data(_NEUTRAL_LINE + bytes(memoryview(self._buffer)[len(first) :]))
        self._buffer.clear()
        try:
            request = parser.next_event()
        except h11.RemoteProtocolError as error:
            raise Refused(error.error_status_hint, _h11_message(error)) from None
        assert isinstance(request, h11.Request), request
        self._parser = parser
        fields = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw_items()
        ]
        connection = _tokens(fields, "connection")
        one_one = version == "HTTP/1.1"
        return Head(
            method=method,
            target=target,
            version=version,
            fields=fields,
            keep_alive="close" not in connection and (one_one or "keep-alive" in connection),
            length=int(lengths[0]) if lengths else None,
            expects_continue=one_one and "100-continue" in _tokens(fields, "expect"),
        )

    def body(self, limit: int, head: Head) -> bytes:
        """The body of the request whose head was read last; :class:`Refused` for a body
        over ``limit`` bytes (413), one that stops arriving (408) or that is malformed."""
        too_large = Refused(
            413, f"Request Entity Too Large: a request body may be at most {limit} bytes"
        )
        if head.length is not None and head.length > limit:  # before a byte of it is read
            raise too_large
        parser = self._parser
        assert parser is not None, "the body of a request whose head was not read"
        if head.expects_continue:
            self._send(CONTINUE)
        body = bytearray()
        while True:
            try:
                event = parser.next_event()
            except h11.RemoteProtocolError:
                raise Refused(400, "The request body ended early or is malformed") from None
            if event is h11.NEED_DATA:
                try:
                    parser.receive_data(self._read(self.timeout))
                except TimeoutError:
                    raise Refused(
                        408, "Request Timeout: the request body stopped arriving"
                    ) from None
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > limit:
                    raise too_large
            else:
                assert isinstance(event, h11.EndOfMessage), event
                break
        # What came after the body is the start of the next request (pipelining).
        self._buffer[:] = parser.trailing_data[0]
        self._parser = None
        return bytes(body)

    @property
    def pending(self) -> bool:
        """Whether the last request's body is still unread (the connection cannot go on)."""
        return self._parser is not None

    def _first_line(self, deadline: float) -> bytes | None:
        """The buffer's first line, reading until it is whole; None if it is longer than
        :data:`MAX_LINE`."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                return bytes(self._buffer[: end + 1]) if end + 1 <= MAX_LINE else None
            if len(self._buffer) >= MAX_LINE:
                return None
            self._receive(deadline - time.monotonic(), begun=True)

    def _fields(self, start: int, deadline: float) -> tuple[list[str], bool]:
        """Read the header lines from ``start`` to the blank line that ends them, within
        the limits; the ``Content-Length`` values and whether a ``Transfer-Encoding`` was
        sent."""
        while True:
            end = self._blank_line(start)
            lines = self._buffer[start : len(self._buffer) if end < 0 else end].split(b"\n")
            # Each line but the last ended with its line end; the last is what is unfinished.
            for number, line in enumerate(lines[:-1], 1):
                if len(line) + 1 > MAX_LINE:
                    raise Refused(431, "Line too long")
                if number >= MAX_LINES:  # with the blank line, one line too many
                    raise Refused(431, "Too many headers")
            if end >= 0:
                head = bytes(self._buffer[start:end])
                lengths = [value.decode("latin-1") for value in _CONTENT_LENGTH.findall(head)]
                return lengths, _TRANSFER_ENCODING.search(head) is not None
            if len(lines[-1]) >= MAX_LINE:
                raise Refused(431, "Line too long")
            self._receive(deadline - time.monotonic(), begun=True)

    def _blank_line(self, start: int) -> int:
        """Where the blank line after the header lines from ``start`` begins, or -1."""
        ends = [self._buffer.find(blank, start - 1) for blank in (b"\n\r\n", b"\n\n")]
        found = [end for end in ends if end >= 0]
        return min(found) + 1 if found else -1

    def _receive(self, wait: float, *, begun: bool) -> None:
        """Append what arrives within ``wait`` seconds to the buffer; a head cut short by
        the deadline is 408, a connection closed or quiet before a request began is
        :class:`Closed`."""
        try:
            data = self._read(max(wait, 0.0))
        except TimeoutError:
            if begun:
                raise Refused(
                    408, f"Request Timeout: the headers must arrive within {self.timeout:g} seconds"
                ) from None
            raise Closed("no request began within the idle timeout") from None
        if not data:
            raise Closed("the client closed the connection")
        self._buffer += data

    def _read(self, wait: float) -> bytes:
        if wait <= 0:
            raise TimeoutError
        self.sock.settimeout(wait)
        data = self.sock.recv(65536)
        self.ended = not data
        return data

    def _send(self, data: bytes) -> None:
        self.sock.settimeout(self.timeout)
        self.sock.sendall(data)


def _request_line(line: str) -> tuple[str, str, str]:
    """Method, target and version (``HTTP/1.1`` for any later 1.x, ``HTTP/1.0`` for any
    earlier, ``HTTP/0.9`` for none) of a request line, as ``http.server`` reads it."""
    words = line.split()
    version = "HTTP/0.9"
    if len(words) >= 3:
        version = words[-1]
        try:
            if not version.startswith("HTTP/"):
                raise ValueError
            numbers = version.split("/", 1)[1].split(".")
            if len(numbers) != 2 or not all(n.isdigit() and len(n) <= 10 for n in numbers):
                raise ValueError
        except ValueError:
            raise Refused(400, f"Bad request version ({version!r})") from None
        number = (int(numbers[0]), int(numbers[1]))
        if number >= (2, 0):
            raise Refused(505, f"Invalid HTTP version ({'.'.join(numbers)})")
        if version != "HTTP/0.9":
            version = "HTTP/1.1" if number >= (1, 1) else "HTTP/1.0"
    if not 2 <= len(words) <= 3:
        raise Refused(400, f"Bad request syntax ({line!r})")
    method, target = words[:2]
    if len(words) == 2 and method != "GET":
        raise Refused(400, f"Bad HTTP/0.9 request type ({method!r})")
    if target.startswith("//"):  # as http.server does: never a scheme-relative URL
        target = "/" + target.lstrip("/")
    return method, target, version


def _framing_problem(lengths: list[str], transfer_encoding: bool) -> str | None:
    """Why the body's framing is invalid (RFC 9112, section 6.3), or None if it is not."""
    if not lengths:
        return None
    if len(lengths) > 1 or not _DIGITS.fullmatch(lengths[0].strip()):
        shown = ", ".join(repr(value) for value in lengths)
        return (
            f"Invalid Content-Length {shown}: send one Content-Length header holding the "
            "body's size as a whole number of bytes"
        )
    if transfer_encoding:
        return "A request may not carry both Content-Length and Transfer-Encoding: send one of them"
    return None


def _h11_message(error: h11.RemoteProtocolError) -> str:
    text = _BYTEARRAY.sub(lambda found: found.group(1)[1:], str(error))
    return text[:1].upper() + text[1:]


def _tokens(fields: list[tuple[str, str]], name: str) -> set[str]:
    """The comma-separated values of every ``name`` field, lower case."""
    return {
        token.strip().lower()
        for field, value in fields
        if field.lower() == name
        for token in value.split(",")
    }


def answer_bytes(
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    *,
    method: str,
    close: bool,
    version: str = "HTTP/1.1",
    reason: str | None = None,
) -> bytes:
    """An answer as written on the wire: no body for HEAD, 204, 304 and a CONNECT's 2xx
    (and no length for the last three); ``Connection: close`` when the connection closes
    after it, and ``keep-alive`` to an HTTP/1.0 client whose connection stays open."""
    reason = reason or reason_phrase(status, "Unknown")
    lines = [f"HTTP/1.1 {status} {reason}", "Server: fake_voice", _date()]
    lines.extend(f"{name}: {value}" for name, value in headers)
    bodiless = status in (204, 304) or (method == "CONNECT" and 200 <= status < 300)
    if not bodiless:
        lines.append(f"Content-Length: {len(body)}")
    if close and not any(line[:11].lower() == "connection:" for line in lines):
        lines.append("Connection: close")
    elif version == "HTTP/1.0":
        lines.append("Connection: keep-alive")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if bodiless or method == "HEAD" else head + body


_dated = (0, "")


def _date() -> str:
    """The ``Date`` header, made once a second."""
    global _dated
    now = int(time.time())
    if _dated[0] != now:
        _dated = (now, f"Date: {email.utils.formatdate(now, usegmt=True)}")
    return _dated[1]
