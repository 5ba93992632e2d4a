"""The fake over real HTTP: an HTTP/1.1 server with keep-alive, on background threads.

    with fake_voice.mock() as voice, voice.serve() as server:
        client.voice.base_url = server.url        # the official twilio-python client
        ...                                       # voice sees every request the server got

    with fake_voice.serve(seed=1) as server:      # no handle yet: the server makes one
        server.voice.export_state()

Every request goes through the same core as the in-process fake; see ``server.app`` for
the application, ``server.control`` for the control API under ``/__fake_voice__/``, and
``server.connection`` for a connection's life. One thread accepts connections; each
connection is served on a thread of its own, so a slow client never holds up the others.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fake_voice.server import DEFAULT_HOST, DEFAULT_TIMEOUT
from fake_voice.server.app import App
from fake_voice.server.connection import Connection, Shared
from fake_voice.server.served import Served

if TYPE_CHECKING:
    from fake_voice.server.certificates import CertificateAuthority

log = logging.getLogger("fake_voice.server")


class Server:
    """A fake served over HTTP from a background thread until :meth:`stop` (or ``with`` ends).

    ``url`` is where it listens (``http://127.0.0.1:54321``); ``voice`` is the fake it
    serves, the same handle tests inspect. Construction binds the port and starts serving;
    it raises ``OSError`` if it cannot listen (a port in use, an unknown host).

    With ``proxy`` (a CA from ``server.proxy.certificate_authority``) it is also an HTTP
    proxy for Voice hosts (see ``server.proxy``); ``ca_cert`` is then the path of the CA
    certificate clients must trust, and None otherwise.
    """

    def __init__(
        self,
        voice: Served,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        region: str = "us1",
        proxy: CertificateAuthority | None = None,
    ) -> None:
        self.voice = voice
        self.host = host
        self.region = region
        self.ca_cert: Path | None = None
        self._app = App(voice, stall=timeout, region=region)
        self._listener = _listen(host, port)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://{_url_host(host)}:{self.port}"
        name = self._listener.getsockname()[0]
        own = f"[{name}]:{self.port}" if ":" in name else f"{name}:{self.port}"
        shared = Shared(self._app, timeout, own)
        self._connection: Callable[[socket.socket, str], Connection]
        if proxy is None:
            self._connection = lambda sock, address: Connection(sock, address, shared)
        else:
            from fake_voice.server.proxy import ProxyConnection

            self._connection = lambda sock, address: ProxyConnection(sock, address, shared, proxy)
            self.ca_cert = proxy.cert_path
        self._open: dict[Connection, threading.Thread] = {}
        self._lock = threading.Lock()
        self._stopped = False
        self._wake_reader, self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._accept, name=f"fake-voice server {self.url}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests, close every connection and the socket, and wait for
        every thread of the server to end; calling it again does nothing.

        A connection held by an injected timeout is dropped now, not when its stall ends.
        """
        if self._stopped:
            return
        self._stopped = True
        self._app.stopping.set()
        self._wake.send(b"\0")
        self._thread.join()
        with self._lock:
            still_open = list(self._open.items())
        for connection, _ in still_open:
            connection.shut()
        for _, thread in still_open:
            thread.join()
        for sock in (self._listener, self._wake, self._wake_reader):
            sock.close()

    def _accept(self) -> None:
        """Accept connections until :meth:`stop`, each served on a thread of its own."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stopped:
                selector.select()
                try:
                    sock, address = self._listener.accept()
                except BlockingIOError:  # the wake-up, or a client gone before accept
                    continue
                except OSError as error:  # out of file descriptors: wait for some to close
                    log.info("fake_voice server: cannot accept a connection: %s", error)
                    time.sleep(0.1)
                    continue
                self._start(sock, address[0])

    def _start(self, sock: socket.socket, address: str) -> None:
        sock.setblocking(True)
        # Answers are written whole; Nagle's algorithm would hold back the last small
        # segment of one (and every TLS record in a tunnel) until the client acknowledges.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = self._connection(sock, address)
        thread = threading.Thread(
            target=self._serve,
            args=(connection,),
            name=f"fake-voice server {self.url} for {address}",
            daemon=True,
        )
        with self._lock:
            self._open[connection] = thread
        thread.start()

    def _serve(self, connection: Connection) -> None:
        try:
            connection.serve()
        finally:
            connection.close()
            with self._lock:
                self._open.pop(connection, None)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "serving"
        kind = "proxy" if self.ca_cert else "Server"
        return f"<fake_voice {kind} {self.url} {state}>"


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host`` and ``port``; OSError if it cannot (a port in use, an
    unknown host)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
        listener.setblocking(False)
    except BaseException:
        listener.close()
        raise
    return listener


def _url_host(host: str) -> str:
    """How a client reaches ``host``: an unspecified address means this machine."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
