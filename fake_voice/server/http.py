"""The fake over real HTTP: a multi-threaded WSGI server (Werkzeug's) on a background thread.

    with fake_voice.mock() as voice, voice.serve() as server:
        client.voice.base_url = server.url        # the official twilio-python client
        ...                                       # voice sees every request the server got

    with fake_voice.serve(seed=1) as server:      # no handle yet: the server makes one
        server.voice.export_state()

Every request goes through the same core as the in-process fake; see ``server.wsgi`` for
the adapter and ``server.control`` for the control API under ``/__fake_voice__/``.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fake_voice.server import DEFAULT_HOST, DEFAULT_TIMEOUT
from fake_voice.server.served import Served
from fake_voice.server.wsgi import App, connection_class

if TYPE_CHECKING:
    from fake_voice.server.certificates import CertificateAuthority


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
        connection = connection_class(timeout)
        if proxy is not None:
            from fake_voice.server.proxy import proxy_connection_class

            connection = proxy_connection_class(timeout, proxy)
            self.ca_cert = proxy.cert_path
        self._app = App(voice, stall=timeout, region=region)
        self._server = _make_server(self._app, host, port, connection)
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
        kind = "proxy" if self.ca_cert else "Server"
        return f"<fake_voice {kind} {self.url} {state}>"


def _make_server(
    app: App, host: str, port: int, connection: type[WSGIRequestHandler]
) -> BaseWSGIServer:
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
            request_handler=connection,
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
