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
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fake_voice.core.hosts import VOICE_HOST
from fake_voice.core.wire import Response
from fake_voice.server.connection import Connection, Shared
from fake_voice.server.control import error_response
from fake_voice.server.protocol import Head

if TYPE_CHECKING:
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
    and ordinary requests as the plain server answers them.

    Inside a tunnel, ``tunnel`` is the host the client's CONNECT named: every request there
    is for it, on ``https://``, and the tunnel is served with keep-alive as any connection.
    """

    def __init__(
        self,
        sock: socket.socket,
        address: str,
        shared: Shared,
        authority: CertificateAuthority,
        tunnel: str | None = None,
    ) -> None:
        super().__init__(sock, address, shared)
        self.authority = authority
        self.tunnel = tunnel
        if tunnel is not None:
            self.scheme = "https"

    def handle(self, head: Head) -> bool:
        if head.method == "CONNECT":
            return self._connect(head)
        try:
            target = urlsplit(head.target)
        except ValueError:  # the application answers it
            return super().handle(head)
        if self.tunnel is None and target.scheme and not VOICE_HOST.match(target.netloc):
            refused = refusal(head.method, f"{target.scheme}://{target.netloc}")
            return self.send(refused, method=head.method, close=True)
        return super().handle(head)

    def _connect(self, head: Head) -> bool:
        if self.tunnel is not None:
            message = (
                f"fake_voice's proxy refused CONNECT {head.target} inside the tunnel to "
                f"{self.tunnel}: a tunnel serves only the host it was opened for."
            )
            refused = error_response(403, message, {"Connection": "close"})
            return self.send(refused, method=head.method, close=True)
        host = connect_host(head.target)
        if host is None:
            return self.send(refusal("CONNECT", head.target), method=head.method, close=True)
        established = Response.empty(200)
        if not self.send(
            established, method="CONNECT", close=False, reason="Connection established"
        ):
            return False
        try:
            tls = self.authority.context(host).wrap_socket(self.sock, server_side=True)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            log.info(
                "%s: no TLS with the client for %s (%s); does it trust %s?",
                self.address,
                host,
                error,
                self.authority.cert_path,
            )
            return False
        self.sock = tls  # what stopping the server shuts now
        try:
            ProxyConnection(tls, self.address, self.shared, self.authority, tunnel=host).serve()
        finally:
            tls.close()
        return False

    def host(self) -> str | None:
        return self.tunnel

    def logged_target(self, target: str) -> str:
        # In a tunnel, name the host as the client's URL did.
        return f"https://{self.tunnel}{target}" if self.tunnel else target

    def dropped(self, error: BaseException) -> None:
        if isinstance(error, ssl.SSLError):  # a client that ends TLS abruptly
            log.info("%s: TLS ended: %s", self.address, error)
        else:
            super().dropped(error)
