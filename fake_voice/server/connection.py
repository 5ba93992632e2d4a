"""One client connection, served on a thread of its own: requests answered in order.

The connection stays open between requests (keep-alive) until the client closes it, no
request begins within the idle timeout, or an answer closes it: a refusal of the head or
the body (every one of them is Twilio's v1 envelope and says ``Connection: close``), an
answer to a client that asked to close (``Connection: close``, or HTTP/1.0 without
``keep-alive``), and an injected connection error or timeout, which drops it unanswered.
Pipelined requests are answered in the order they came. One line is logged per answer.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from dataclasses import dataclass

from fake_voice.core import dialects
from fake_voice.core.redact import redact_url
from fake_voice.core.wire import Response
from fake_voice.server.app import CONTROL_CHARS, App, Dropped, transport_error
from fake_voice.server.protocol import Closed, Head, Reader, Refused, answer_bytes

log = logging.getLogger("fake_voice.server")
LINGER = 1.0
"""Seconds a closing connection reads what the client still sends (see ``close``)."""


@dataclass(frozen=True)
class Shared:
    """What every connection of one server shares."""

    app: App
    timeout: float
    """The idle timeout, in seconds."""
    own: str
    """The server's own address (``127.0.0.1:54321``): the host of a request with none."""


class Connection:
    """One client connection; :meth:`serve` answers its requests until it closes."""

    scheme = "http"

    def __init__(self, sock: socket.socket, address: str, shared: Shared) -> None:
        self.sock = sock
        self.address = address
        """The client's address, as the log names it."""
        self.shared = shared
        self.reader = Reader(sock, shared.timeout)

    def serve(self) -> None:
        """Answer requests until the connection closes; never raises."""
        try:
            while self.serve_one():
                pass
        except Exception:  # nothing a client sends may end in a traceback on a thread
            log.exception("fake_voice server: error on a connection from %s", self.address)

    def serve_one(self) -> bool:
        """Answer the next request; whether the connection stays open for another."""
        try:
            head = self.reader.head()
        except Closed:
            return False
        except Refused as refused:
            method = self.reader.parsed[0] if self.reader.parsed else "GET"
            error = dialects.DEFAULT.error_response(
                transport_error(refused.status, refused.message)
            )
            self.send(error, method=method, close=True)
            return False
        except OSError as error:
            self.dropped(error)
            return False
        return self.handle(head)

    def handle(self, head: Head) -> bool:
        """Answer a request whose head has been read; whether the connection stays open."""
        try:
            response = self.shared.app.answer(
                head,
                lambda limit: self.reader.body(limit, head),
                own=self.shared.own,
                scheme=self.scheme,
                host=self.host(),
            )
        except (Dropped, OSError) as error:
            self.dropped(error)
            return False
        close = not head.keep_alive or _says_close(response) or self.reader.pending
        return self.send(response, method=head.method, close=close, version=head.version)

    def host(self) -> str | None:
        """The host every request on this connection is for, whatever it says; None for
        the request's own (a proxy's tunnel has one)."""
        return None

    def logged_target(self, target: str) -> str:
        """The request target as the log line shows it."""
        return target

    def send(
        self,
        response: Response,
        *,
        method: str,
        close: bool,
        version: str = "HTTP/1.1",
        reason: str | None = None,
    ) -> bool:
        """Write ``response`` and log it; whether the connection stays open after it."""
        data = answer_bytes(
            response.status,
            response.headers.items(),
            response.body,
            method=method,
            close=close,
            version=version,
            reason=reason,
        )
        self.log(response.status)  # first: once a client has its answer, the line is there
        try:
            self.sock.settimeout(self.shared.timeout)
            self.sock.sendall(data)
        except OSError as error:
            self.dropped(error)
            return False
        return not close

    def log(self, status: int) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        parsed = self.reader.parsed
        if parsed is not None:
            line = f"{parsed[0]} {redact_url(self.logged_target(parsed[1]))}"
        else:
            line = " ".join(map(redact_url, self.reader.line.split(" "))) or "(no request line)"
        elapsed = (time.perf_counter() - self.reader.started) * 1000
        log.info("%s %s %.1fms", line.translate(CONTROL_CHARS), status, elapsed)

    def dropped(self, error: BaseException) -> None:
        if isinstance(error, Dropped):
            reason = f"was dropped: {error}"
        elif isinstance(error, TimeoutError):
            reason = "timed out"
        else:
            reason = "closed the connection"
        log.info("%s: the client %s", self.address, reason)

    def close(self) -> None:
        """Close the socket, first reading (for a second at most) what the client still
        sends: closing with data unread would reset the connection, and the client could
        lose the answer it was sent (RFC 9112, section 9.6)."""
        try:
            if not self.reader.ended:
                socket.socket.shutdown(self.sock, socket.SHUT_WR)
                deadline = time.monotonic() + LINGER
                while (left := deadline - time.monotonic()) > 0:
                    self.sock.settimeout(left)
                    if not self.sock.recv(65536):
                        break
        except OSError:
            pass
        finally:
            self.sock.close()

    def shut(self) -> None:
        """End the connection from another thread: whatever it waits on returns at once."""
        with contextlib.suppress(OSError):  # closed already
            # socket.socket's own: a TLS socket's would also tear down its TLS state,
            # which the connection's thread may be using.
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)


def _says_close(response: Response) -> bool:
    return any(
        name.lower() == "connection" and "close" in value.lower()
        for name, value in response.headers.items()
    )
