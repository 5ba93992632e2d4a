"""Helpers for the proxy's tests: a proxy server, raw CONNECTs, and a client's environment."""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import fake_voice
from fake_voice import Server

# Settings the test process may have that would send a client elsewhere.
FOREIGN = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "TWILIO_EDGE",
    "TWILIO_REGION",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "NODE_EXTRA_CA_CERTS",
    "PYTEST_XDIST_WORKER",
)


@contextmanager
def proxy(ca_dir: Path, **options: object) -> Iterator[Server]:
    """``fake_voice.serve(proxy=True)`` with the CA in ``ca_dir``."""
    with fake_voice.serve(proxy=True, ca_dir=ca_dir, **options) as server:  # type: ignore[arg-type]
        yield server


def client_env(home: Path, **settings: str) -> dict[str, str]:
    """This process's environment without proxy, CA or Twilio host settings, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if key not in FOREIGN}
    env.update(HOME=str(home), **settings)
    return env


def connect(server: Server, target: str) -> tuple[socket.socket, bytes]:
    """A socket to the proxy that sent ``CONNECT target``, and the proxy's whole answer head
    (and, for a refusal, its body)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 200"):
        head, _, body = answer.partition(b"\r\n\r\n")
        length = int(
            next(
                line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
            ).split(b":")[1]
        )
        while len(body) < length:
            body += sock.recv(65536)
        answer = head + b"\r\n\r\n" + body
    return sock, answer


def tls(server: Server, target: str, server_hostname: str) -> ssl.SSLSocket:
    """TLS through a CONNECT tunnel to ``target``, trusting only the proxy's CA."""
    assert server.ca_cert is not None
    sock, answer = connect(server, target)
    assert answer.startswith(b"HTTP/1.1 200 Connection established\r\n"), answer
    context = ssl.create_default_context(cafile=str(server.ca_cert))
    return context.wrap_socket(sock, server_hostname=server_hostname)
