"""``fake-voice serve --proxy``: an HTTP proxy that answers for Voice hosts and forwards nothing.

A client told to use the proxy (``HTTPS_PROXY`` or ``HTTP_PROXY``) sends
``CONNECT voice.twilio.com:443``; the proxy answers 200, terminates TLS with a certificate
for exactly that host (signed by its own CA, see ``server.certificates``) and serves the
requests in the tunnel from the same fake, as ``https://`` on the host the client asked
for, so every URL in a body leads back through the proxy. A plain-HTTP proxy request
(``GET http://voice.twilio.com/v1/...``) is served the same way, as ``http://``. Requests
with an ordinary path (the control API, ``/v1/...``) are served as by the plain server.

Every other host, Twilio's or not, gets 403 with the reason, and nothing leaves the machine.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler

from fake_voice.core.hosts import VOICE_HOST
from fake_voice.core.wire import Response, reason_phrase
from fake_voice.server.control import error_response
from fake_voice.server.wsgi import Connection

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from fake_voice.server.certificates import CertificateAuthority

log = logging.getLogger("fake_voice.server")


class ProxyUnavailable(RuntimeError):
    """The proxy cannot make certificates: ``cryptography`` is not installed."""


def certificate_authority(directory: str | os.PathLike[str] | None) -> CertificateAuthority:
    """The CA in ``directory`` (the user's cache directory if None), made there if absent."""
    try:
        from fake_voice.server.certificates import CertificateAuthority
    except ImportError as error:
        if not (error.name or "").startswith("cryptography"):
            raise
        raise ProxyUnavailable(
            "the proxy needs the cryptography package for its certificates: "
            "pip install 'fake_voice[proxy]'"
        ) from None
    return CertificateAuthority(directory)


def refusal(method: str, target: str) -> Response:
    """403 for a host the proxy does not serve, saying which hosts it does."""
    return error_response(
        403,
        f"fake_voice's proxy refused {method} {target}: it serves only voice.twilio.com and "
        "its regional hosts (voice.{region}.twilio.com, voice.{edge}.{region}.twilio.com) "
        "and forwards no request anywhere.",
        {"Connection": "close"},
    )


def connect_host(target: str) -> str | None:
    """The host a ``CONNECT host:port`` serves, as URLs name it; None unless it is Voice's."""
    host, colon, port = target.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    if not VOICE_HOST.match(host) or ":" in host:
        return None
    host = host.lower()
    return host if int(port) == 443 else f"{host}:{int(port)}"


class ProxyConnection(Connection):
    """A connection to the proxy: CONNECT tunnels and absolute-form requests for Voice hosts,
    and ordinary requests as the plain server answers them."""

    authority: CertificateAuthority
    tunnel: str | None = None
    """Inside a tunnel: the host the client's CONNECT named (every request here is for it)."""

    def __init__(
        self, request: Any, client_address: Any, server: Any, tunnel: str | None = None
    ) -> None:
        self.tunnel = tunnel
        super().__init__(request, client_address, server)

    def do_CONNECT(self) -> None:
        self.close_connection = True
        if self.tunnel is not None:
            message = (
                f"fake_voice's proxy refused CONNECT {self.path} inside the tunnel to "
                f"{self.tunnel}: a tunnel serves only the host it was opened for."
            )
            self._answer(error_response(403, message, {"Connection": "close"}))
            return
        host = connect_host(self.path)
        if host is None:
            self._answer(refusal("CONNECT", self.path))
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        # TLS writes each header and body as a record of its own: without this, Nagle's
        # algorithm holds each small one back until the client acknowledges the last.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.authority.context(host).wrap_socket(self.connection, server_side=True)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            log.info(
                "%s: no TLS with the client for %s (%s); does it trust %s?",
                self.client_address[0],
                host,
                error,
                self.authority.cert_path,
            )
            return
        try:
            type(self)(tls, self.client_address, self.server, tunnel=host)
        finally:
            tls.close()

    def run_wsgi(self) -> None:
        target = urlsplit(self.path)
        if self.tunnel is None and target.scheme and not VOICE_HOST.match(target.netloc):
            self.close_connection = True
            self._answer(refusal(self.command, f"{target.scheme}://{target.netloc}"))
            return
        super().run_wsgi()

    def make_environ(self) -> WSGIEnvironment:
        environ = super().make_environ()
        if self.tunnel is not None:
            environ["wsgi.url_scheme"] = "https"
            environ["HTTP_HOST"] = self.tunnel
        return environ

    def handle(self) -> None:
        try:
            super().handle()
        except ssl.SSLError as error:  # a client that ends TLS abruptly
            log.info("%s: TLS ended: %s", self.client_address[0], error)

    def logged_target(self) -> str:
        target = super().logged_target()
        # In a tunnel, name the host as the client's URL did.
        return f"https://{self.tunnel}{target}" if self.tunnel else target

    def _answer(self, response: Response) -> None:
        self.send_response(response.status, reason_phrase(response.status, "Unknown"))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)


def proxy_connection_class(
    timeout: float, authority: CertificateAuthority
) -> type[WSGIRequestHandler]:
    """The connection class of a proxy signing with ``authority``."""
    attributes = {"timeout": timeout, "authority": authority}
    return cast("type[WSGIRequestHandler]", type("FakeVoiceProxy", (ProxyConnection,), attributes))
