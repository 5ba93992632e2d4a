"""The fake over real HTTP: a multi-threaded WSGI server (Werkzeug's) on a background thread.

    with fake_voice.mock() as voice, voice.serve() as server:
        client.voice.base_url = server.url        # the official twilio-python client
        ...                                       # voice sees every request the server got

    with serve(seed=1) as server:                 # no handle yet: the server makes one
        server.voice.export_state()

Every request goes through the same core as the in-process fake; see ``fake_voice._wsgi``
for the adapter and ``fake_voice._control`` for the control API under ``/__fake_voice__/``.
"""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, make_server

from fake_voice._wsgi import App, handler_class

if TYPE_CHECKING:
    from fake_voice._handle import Handle

DEFAULT_HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 10.0
"""Seconds a connection may sit idle mid-request before the server closes it."""


class Server:
    """A fake served over HTTP from a background thread until :meth:`stop` (or ``with`` ends).

    ``url`` is where it listens (``http://127.0.0.1:54321``); ``voice`` is the fake it
    serves, the same handle tests inspect. Construction binds the port and starts serving;
    it raises ``OSError`` if it cannot listen (a port in use, an unknown host).
    """

    def __init__(
        self,
        voice: Handle,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.voice = voice
        self.host = host
        self._app = App(voice, stall=timeout)
        self._server = _make_server(self._app, host, port, timeout)
        self.port: int = self._server.port
        self.url = f"http://{_url_host(host)}:{self.port}"
        self._stopped = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-voice server {self.url}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the socket; calling it again does nothing.

        A connection held by an injected timeout is dropped now, not when its stall ends.
        """
        if self._stopped:
            return
        self._stopped = True
        self._app.stopping.set()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "serving"
        return f"<fake_voice Server {self.url} {state}>"


def serve(
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Any,
) -> Server:
    """A new fake (``options`` as :func:`fake_voice.mock` takes them) served over HTTP.

    ``port=0`` picks a free port; the fake is ``server.voice``.
    """
    from fake_voice._mock import mock

    return Server(mock(**options), host, port, timeout=timeout)


def _make_server(app: App, host: str, port: int, timeout: float) -> BaseWSGIServer:
    # Bind here rather than in Werkzeug: on a failed bind it prints and exits the process,
    # and a library must raise instead.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
        return make_server(
            host,
            port,
            app,
            threaded=True,
            request_handler=handler_class(timeout),
            fd=listener.fileno(),
        )
    finally:
        listener.close()  # Werkzeug serves from its own duplicate of the socket


def _url_host(host: str) -> str:
    """How a client reaches ``host``: an unspecified address means this machine."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
