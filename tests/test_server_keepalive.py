"""Keep-alive: the server's connections stay open between requests until the client, the
idle timeout or an answer that says ``Connection: close`` ends them."""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
import requests

from fake_voice import Server, serve
from tests.conftest import ACCOUNT_SID
from tests.proxied import proxy, tls
from tests.refusals import envelope

TIMEOUT = 0.5
"""The server's idle timeout in these tests (seconds)."""
AUTH = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:token".encode()).decode()


@pytest.fixture
def server() -> Iterator[Server]:
    with serve(seed=5, timeout=TIMEOUT) as running:
        yield running


def request(method: str, path: str, body: str = "", **headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: x", f"Authorization: {AUTH}"]
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> object:
        return json.loads(self.body)


def read_answer(stream: BinaryIO) -> Answer:
    """One answer off ``stream``, its body read to its Content-Length, and no further."""
    status_line = stream.readline()
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name] = value.strip()
    body = stream.read(int(headers.get("Content-Length", "0")))
    return Answer(int(status_line.split()[1]), headers, body)


def closed(sock: socket.socket, wait: float = 5.0) -> bytes:
    """Whatever the server still sends before it closes the connection (b"" for nothing)."""
    sock.settimeout(wait)
    rest = b""
    while chunk := sock.recv(65536):
        rest += chunk
    return rest


def connect(server: Server) -> tuple[socket.socket, BinaryIO]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    return sock, sock.makefile("rb")


def test_several_requests_are_answered_on_one_socket(server: Server) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("POST", "/v1/ConnectionPolicies", "FriendlyName=one"))
        created = read_answer(stream)
        sid = created.json()["sid"]  # type: ignore[index]
        sock.sendall(request("GET", f"/v1/ConnectionPolicies/{sid}"))
        fetched = read_answer(stream)
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        listed = read_answer(stream)
    assert [created.status, fetched.status, listed.status] == [201, 200, 200]
    assert "Connection" not in created.headers and "Connection" not in fetched.headers
    assert fetched.json()["friendly_name"] == "one"  # type: ignore[index]
    assert [p["sid"] for p in listed.json()["connection_policies"]] == [sid]  # type: ignore[index]
    assert [e.operation for e in server.voice.requests] == [
        "CreateConnectionPolicy",
        "FetchConnectionPolicy",
        "ListConnectionPolicy",
    ]


def test_http_client_keeps_one_connection_for_every_request(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    headers = {"Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"}
    ports = []
    statuses = []
    for number in range(4):
        connection.request("POST", "/v1/ConnectionPolicies", f"FriendlyName=p{number}", headers)
        answer = connection.getresponse()
        answer.read()
        statuses.append(answer.status)
        assert connection.sock is not None  # http.client drops a socket the server closed
        ports.append(connection.sock.getsockname()[1])
    connection.close()
    assert statuses == [201] * 4
    assert len(set(ports)) == 1
    assert len(server.voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)) == 4


def test_a_requests_session_reuses_its_connection(server: Server) -> None:
    session = requests.Session()
    session.auth = (ACCOUNT_SID, "token")
    first = session.get(f"{server.url}/v1/ConnectionPolicies", stream=True)
    first_socket = first.raw.connection.sock  # type: ignore[union-attr]
    assert first_socket is not None  # urllib3 closes it at once on Connection: close
    first.content  # noqa: B018 (read it: the connection goes back to the pool)
    second = session.get(f"{server.url}/v1/ConnectionPolicies", stream=True)
    assert second.raw.connection.sock is first_socket  # type: ignore[union-attr]
    assert (first.status_code, second.status_code) == (200, 200)


def test_pipelined_requests_are_answered_in_order(server: Server) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(
            request("POST", "/v1/ConnectionPolicies", "FriendlyName=first")
            + request("GET", "/v1/ConnectionPolicies")
            + request("GET", "/v2/Nothing")
            + request("POST", "/v1/ConnectionPolicies", "FriendlyName=second")
        )
        answers = [read_answer(stream) for _ in range(4)]
    assert [a.status for a in answers] == [201, 200, 404, 201]
    listed = answers[1].json()["connection_policies"]  # type: ignore[index]
    assert [p["friendly_name"] for p in listed] == ["first"]
    assert answers[3].json()["friendly_name"] == "second"  # type: ignore[index]


@pytest.mark.parametrize(
    ("refused", "status"),
    [
        (request("GET", "/v1/ConnectionPolicies/NY" + "0" * 32), 404),
        (request("POST", "/v1/ConnectionPolicies", "FriendlyName=" + "a" * 300), 400),
        (b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        (request("BREW", "/v1/ConnectionPolicies"), 405),
        (b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n\r\n", 401),
    ],
)
def test_a_request_after_a_4xx_that_did_not_close_is_answered(
    server: Server, refused: bytes, status: int
) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(refused)
        first = read_answer(stream)
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        second = read_answer(stream)
    assert (first.status, second.status) == (status, 200)
    assert "Connection" not in first.headers


def test_a_client_that_asks_to_close_gets_its_answer_and_a_closed_connection(
    server: Server,
) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(
            request("GET", "/v1/ConnectionPolicies", Connection="close")
            + request("GET", "/v1/ConnectionPolicies")  # never read: the connection closes
        )
        answer = read_answer(stream)
        started = time.monotonic()
        assert stream.read() == b""
    assert answer.status == 200
    assert answer.headers["Connection"] == "close"
    assert time.monotonic() - started < TIMEOUT  # at once, not at the idle timeout
    assert len(server.voice.requests) == 1


def test_an_answer_that_closes_says_so_and_closes(server: Server) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(
            b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n"
        )
        answer = read_answer(stream)
        assert stream.read() == b""
    assert answer.status == 413
    assert answer.headers["Connection"] == "close"


def test_http_1_0_closes_after_the_answer_unless_it_asks_for_keep_alive(server: Server) -> None:
    line = b"GET /v1/ConnectionPolicies HTTP/1.0\r\nHost: x\r\nAuthorization: " + AUTH.encode()
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(line + b"\r\n\r\n")
        plain = read_answer(stream)
        assert stream.read() == b""
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(line + b"\r\nConnection: keep-alive\r\n\r\n")
        first = read_answer(stream)
        sock.sendall(line + b"\r\nConnection: keep-alive\r\n\r\n")
        second = read_answer(stream)
    assert plain.status == 200 and plain.headers["Connection"] == "close"
    assert (first.status, second.status) == (200, 200)
    assert first.headers["Connection"] == "keep-alive"


def test_the_idle_timeout_closes_an_idle_keep_alive_connection_without_an_answer(
    server: Server,
) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert read_answer(stream).status == 200
        started = time.monotonic()
        assert closed(sock) == b""
    assert TIMEOUT * 0.9 <= time.monotonic() - started < TIMEOUT * 6


def test_a_second_request_that_stops_arriving_gets_408(server: Server) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert read_answer(stream).status == 200
        sock.sendall(b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n")  # and no more
        timed_out = read_answer(stream)
        assert stream.read() == b""
    assert timed_out.status == 408
    assert timed_out.headers["Connection"] == "close"
    assert timed_out.json() == envelope(
        408, 20001, f"Request Timeout: the headers must arrive within {TIMEOUT:g} seconds"
    )


def test_an_injected_connection_error_drops_a_kept_connection(server: Server) -> None:
    server.voice.fail("ListConnectionPolicy", error="connection")
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("POST", "/v1/ConnectionPolicies", "FriendlyName=kept"))
        assert read_answer(stream).status == 201
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert stream.read() == b""  # no answer, and closed
    assert [e.status for e in server.voice.requests] == [201, None]


def test_stopping_closes_kept_connections_and_leaves_no_thread_behind() -> None:
    with serve(timeout=30.0) as server:
        kept = [connect(server) for _ in range(3)]
        for sock, stream in kept:
            sock.sendall(request("GET", "/v1/ConnectionPolicies"))
            assert read_answer(stream).status == 200
        stalled = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        stalled.sendall(b"GET /v1/Conn")
        ours = f"fake-voice server {server.url}"
        assert len([t for t in threading.enumerate() if t.name.startswith(ours)]) >= 4
        started = time.monotonic()
    assert time.monotonic() - started < 5  # not the 30 s idle timeout
    for sock, stream in kept:
        with sock, stream:
            assert stream.read() == b""
    with stalled:
        try:
            rest = closed(stalled)
        except ConnectionResetError:  # stopped before its thread read the half request:
            rest = b""  # closing a socket with unread bytes resets it, which ends it too
        assert rest == b""
    assert [t.name for t in threading.enumerate() if t.name.startswith(ours)] == []


def test_a_proxy_tunnel_serves_every_request_of_a_session(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fake_voice.server")
    with proxy(tmp_path / "ca") as server:
        session = requests.Session()
        session.trust_env = False
        session.auth = (ACCOUNT_SID, "token")
        session.proxies = {"https": server.url}
        session.verify = str(server.ca_cert)
        url = "https://voice.twilio.com/v1/ConnectionPolicies"
        statuses = [session.post(url, data={"FriendlyName": f"p{n}"}).status_code for n in range(3)]
        statuses.append(session.get(url).status_code)
    lines = [record.getMessage() for record in caplog.records]
    assert statuses == [201, 201, 201, 200]
    assert sum(line.startswith("CONNECT voice.twilio.com:443 200 ") for line in lines) == 1
    assert sum(line.startswith(f"POST {url} 201 ") for line in lines) == 3


def test_stopping_a_proxy_closes_an_open_tunnel_at_once(tmp_path: Path) -> None:
    with serve(proxy=True, ca_dir=tmp_path / "ca", timeout=30.0) as server:
        tunnel = tls(server, "voice.twilio.com:443", "voice.twilio.com")
        stream = tunnel.makefile("rb")
        tunnel.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert read_answer(stream).status == 200
        ours = f"fake-voice server {server.url}"
        started = time.monotonic()
    assert time.monotonic() - started < 5  # not the 30 s idle timeout
    assert [t.name for t in threading.enumerate() if t.name.startswith(ours)] == []
    with tunnel, stream:
        assert stream.read() == b""
