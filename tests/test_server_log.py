"""The server's log (one line per answer, what a client sent escaped and redacted) and what
it does when the fake itself fails."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator

import pytest

from fake_voice import Server, serve
from fake_voice.core.wire import Request, Response
from tests.conftest import ACCOUNT_SID
from tests.refusals import envelope
from tests.test_server_keepalive import connect, read_answer, request

TIMEOUT = 0.5


@pytest.fixture
def server() -> Iterator[Server]:
    with serve(seed=2, timeout=TIMEOUT) as running:
        yield running


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """The server's log lines so far (the list grows as the test goes)."""
    caplog.set_level(logging.INFO, "fake_voice.server")
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect()
    logging.getLogger("fake_voice.server").addHandler(handler)
    yield messages
    logging.getLogger("fake_voice.server").removeHandler(handler)


def timed(line: str) -> str:
    """A log line with its milliseconds replaced by ``Nms``."""
    return re.sub(r" [0-9]+\.[0-9]ms$", " Nms", line)


def test_one_line_per_answer_in_order_on_a_kept_connection(
    server: Server, lines: list[str]
) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("POST", "/v1/ConnectionPolicies", "FriendlyName=a"))
        sid = read_answer(stream).json()["sid"]  # type: ignore[index]
        sock.sendall(request("GET", f"/v1/ConnectionPolicies/{sid}?PageSize=1"))
        read_answer(stream)
        sock.sendall(request("DELETE", f"/v1/ConnectionPolicies/{sid}"))
        read_answer(stream)
    assert [timed(line) for line in lines] == [
        "POST /v1/ConnectionPolicies 201 Nms",
        f"GET /v1/ConnectionPolicies/{sid}?PageSize=1 200 Nms",
        f"DELETE /v1/ConnectionPolicies/{sid} 204 Nms",
    ]


def test_control_characters_are_escaped_and_credentials_redacted(
    server: Server, lines: list[str]
) -> None:
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("GET", "/v1/Conn\x1b[31m\x7f"))
        assert read_answer(stream).status == 404
        target = f"http://{ACCOUNT_SID}:secret@127.0.0.1:{server.port}/v1/ConnectionPolicies"
        sock.sendall(request("GET", target))
        assert read_answer(stream).status == 400
    assert [timed(line) for line in lines] == [
        "GET /v1/Conn\\x1b[31m\\x7f 404 Nms",
        f"GET http://127.0.0.1:{server.port}/v1/ConnectionPolicies 400 Nms",
    ]
    assert not any("secret" in line for line in lines)


@pytest.mark.parametrize(
    ("sent", "logged"),
    [
        (b"GARBAGE\r\n\r\n", "GARBAGE 400 Nms"),
        (
            b"GET /v1/ConnectionPolicies HTTP/9.9\r\n\r\n",
            "GET /v1/ConnectionPolicies HTTP/9.9 505 Nms",
        ),
        (b"GET / HTTP/1.1\r\n" + b"X-F: y\r\n" * 120 + b"\r\n", "GET / 431 Nms"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", "(no request line) 414 Nms"),
        (b"GET /\x1b HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n", "GET /\\x1b 400 Nms"),
    ],
)
def test_a_refused_head_is_logged_as_far_as_it_was_read(
    server: Server, lines: list[str], sent: bytes, logged: str
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(sent)
        while sock.recv(65536):
            pass
    assert [timed(line) for line in lines] == [logged]


def test_a_dropped_connection_is_logged_and_an_idle_one_is_not(
    server: Server, lines: list[str]
) -> None:
    server.voice.fail("ListConnectionPolicy", error="connection")
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert stream.read() == b""
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    with idle:
        assert idle.recv(1) == b""  # closed at the idle timeout
    assert lines == ["127.0.0.1: the client was dropped: an injected connection fault"]


def test_a_failure_inside_the_fake_is_a_500_and_the_connection_goes_on(
    server: Server, lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = server.voice.answer
    calls: list[str] = []

    def failing_once(request: Request, **options: str) -> Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return answer(request, **options)

    monkeypatch.setattr(server.voice, "answer", failing_once)
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        failed = read_answer(stream)
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        served = read_answer(stream)
    assert (failed.status, served.status) == (500, 200)
    assert failed.json() == envelope(500, 20500, "fake_voice failed: boom")
    assert "Connection" not in failed.headers
    assert lines[0] == "fake_voice failed on /v1/ConnectionPolicies"
    assert [timed(line) for line in lines[1:]] == [
        "GET /v1/ConnectionPolicies 500 Nms",
        "GET /v1/ConnectionPolicies 200 Nms",
    ]


def test_a_failure_inside_the_control_api_is_a_500_in_its_own_shape(
    server: Server, lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(account_sid: str | None = None) -> dict[str, object]:
        raise RuntimeError("no export")

    monkeypatch.setattr(server.voice, "export_state", failing)
    sock, stream = connect(server)
    with sock, stream:
        sock.sendall(b"GET /__fake_voice__/export HTTP/1.1\r\nHost: x\r\n\r\n")
        failed = read_answer(stream)
        sock.sendall(request("GET", "/v1/ConnectionPolicies"))
        assert read_answer(stream).status == 200
    assert failed.status == 500
    assert failed.json() == {"message": "fake_voice failed: no export", "status": 500}
    assert lines[0] == "fake_voice control API failed on GET /export"
