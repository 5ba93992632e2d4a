"""Bad HTTP never takes the server down, and every answer on a Twilio path is Twilio's envelope.

Raw sockets send what no client library would; each test then checks the server still
answers a well-formed request and that the state did not change.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from fake_voice import Server, serve
from tests.conftest import ACCOUNT_SID
from tests.refusals import envelope

TIMEOUT = 0.5
"""The server's idle timeout in these tests (seconds)."""
LIMIT = 1024 * 1024


@pytest.fixture
def server() -> Iterator[Server]:
    with serve(seed=3, timeout=TIMEOUT) as running:
        running.voice.create("ConnectionPolicies", FriendlyName="kept", account_sid=ACCOUNT_SID)
        before = running.voice.export_state()
        yield running
        assert running.voice.export_state() == before
        assert still_serving(running)


def still_serving(server: Server) -> bool:
    response = requests.get(
        f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"), timeout=5
    )
    return response.status_code == 200


def exchange(server: Server, data: bytes, wait: float = 5.0) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes; the status line, headers and body the server answered before closing."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


def json_of(body: bytes) -> object:
    return json.loads(body)


@pytest.mark.parametrize(
    ("request_line", "status", "code", "message"),
    [
        (b"GARBAGE", "400 Bad Request", 20001, "Bad request syntax ('GARBAGE')"),
        (
            b"GET /v1/ConnectionPolicies HTTP/1.1 extra",
            "400 Bad Request",
            20001,
            "Bad request version ('extra')",
        ),
        (
            b"GET /v1/ConnectionPolicies HTTP/9.9",
            "505 HTTP Version Not Supported",
            20500,
            "Invalid HTTP version (9.9)",
        ),
        (
            b"GET /v1/ConnectionPolicies",
            "400 Bad Request",
            20001,
            "HTTP/0.9 requests are not supported",
        ),
        (
            b"GET /" + b"a" * 70_000 + b" HTTP/1.1",
            "414 Request-URI Too Long",
            20001,
            "Request-URI Too Long",
        ),
    ],
)
def test_malformed_request_lines_get_an_envelope(
    server: Server, request_line: bytes, status: str, code: int, message: str
) -> None:
    line, headers, body = exchange(server, request_line + b"\r\n\r\n")
    assert line == f"HTTP/1.1 {status}"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Connection"] == "close"
    assert json_of(body) == envelope(int(status[:3]), code, message)


def test_too_many_headers_get_an_envelope(server: Server) -> None:
    data = b"GET /v1/ConnectionPolicies HTTP/1.1\r\n" + b"X-Filler: y\r\n" * 120 + b"\r\n"
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 431 Request Header Fields Too Large"
    assert json_of(body) == envelope(431, 20001, "Too many headers")


def test_a_body_over_the_limit_gets_413(server: Server) -> None:
    response = requests.post(
        f"{server.url}/v1/ConnectionPolicies",
        data=b"FriendlyName=" + b"a" * (2 * LIMIT),
        auth=(ACCOUNT_SID, "t"),
    )
    assert response.status_code == 413
    assert response.json() == envelope(
        413, 20413, f"Request Entity Too Large: a request body may be at most {LIMIT} bytes"
    )


def test_a_chunked_body_over_the_limit_gets_413(server: Server) -> None:
    chunks = (b"a" * 65536 for _ in range(LIMIT // 65536 + 1))
    response = requests.post(
        f"{server.url}/v1/ConnectionPolicies", data=chunks, auth=(ACCOUNT_SID, "t")
    )
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["code"] == 20413


def test_a_body_of_exactly_the_limit_is_read_whole(server: Server) -> None:
    body = b"FriendlyName=" + b"a" * (LIMIT - len(b"FriendlyName="))
    response = requests.post(
        f"{server.url}/v1/ConnectionPolicies", data=body, auth=(ACCOUNT_SID, "t")
    )
    assert response.json() == envelope(
        400, 20001, "Invalid value for parameter FriendlyName: must be at most 255 characters long"
    )


def test_a_malformed_chunked_body_gets_400(server: Server) -> None:
    data = (
        b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
    )
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 400 Bad Request"
    assert json_of(body) == envelope(400, 20001, "The request body ended early or is malformed")


def test_a_json_body_carries_no_form_parameters(server: Server) -> None:
    policy = server.voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)[0]
    response = requests.post(
        f"{server.url}/v1/ConnectionPolicies/{policy['sid']}/Targets",
        json={"Target": "sip:a@example.com"},
        auth=(ACCOUNT_SID, "t"),
    )
    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "Missing required parameter Target in the post body"
    )


def test_a_host_header_no_url_can_hold_gets_400(server: Server) -> None:
    data = b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: a/b?c\r\n\r\n"
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 400 Bad Request"
    assert json_of(body) == envelope(
        400, 20001, "The Host header 'a/b?c' is not a host name or address"
    )


def test_unknown_methods_and_paths_get_twilios_envelope(server: Server) -> None:
    brew = requests.request("BREW", f"{server.url}/v1/ConnectionPolicies")
    assert brew.status_code == 405
    assert brew.headers["Allow"] == "GET, POST"
    assert brew.json() == envelope(405, 20004, "Method not allowed")
    missing = requests.get(f"{server.url}/v2/Nothing", auth=(ACCOUNT_SID, "t"))
    assert missing.json() == envelope(
        404, 20404, "The requested resource /v2/Nothing was not found"
    )
    root = requests.get(f"{server.url}/")
    assert root.json() == envelope(404, 20404, "The requested resource / was not found")


def test_bytes_outside_ascii_in_a_path_are_escaped_not_garbled(server: Server) -> None:
    data = b"GET /v1/Conn\xff\xfe HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n\r\n"
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 404 Not Found"
    assert json_of(body) == envelope(404, 20404, "The requested resource /Conn%FF%FE was not found")


def test_head_answers_headers_without_a_body(server: Server) -> None:
    line, headers, body = exchange(
        server, b"HEAD /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert line == "HTTP/1.1 405 Method Not Allowed"
    assert headers["Content-Length"] == "113"
    assert body == b""


def test_a_delete_answers_204_without_a_body_or_length(server: Server) -> None:
    made = server.voice.create("ConnectionPolicies", FriendlyName="gone", account_sid=ACCOUNT_SID)
    response = requests.delete(
        f"{server.url}/v1/ConnectionPolicies/{made['sid']}", auth=(ACCOUNT_SID, "t")
    )
    assert (response.status_code, response.content) == (204, b"")
    assert "Content-Length" not in response.headers


def test_a_stalled_client_blocks_no_one_and_is_cut_off(server: Server) -> None:
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.sendall(b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n")  # and no more
    started = time.monotonic()
    assert still_serving(server)
    assert time.monotonic() - started < TIMEOUT
    stalled.settimeout(TIMEOUT * 10)
    answer = b""
    while chunk := stalled.recv(65536):  # until the server closes it
        answer += chunk
    assert time.monotonic() - started >= TIMEOUT * 0.9
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert json_of(answer.partition(b"\r\n\r\n")[2]) == envelope(
        408, 20001, f"Request Timeout: the headers must arrive within {TIMEOUT:g} seconds"
    )
    stalled.close()


def test_a_body_that_stops_arriving_gets_408(server: Server) -> None:
    data = (
        b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Basic eDp5\r\nContent-Length: 100\r\n\r\nFriendly"
    )
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 408 Request Timeout"
    assert json_of(body) == envelope(
        408, 20001, "Request Timeout: the request body stopped arriving"
    )


def test_many_stalled_clients_at_once_still_leave_room(server: Server) -> None:
    stalled = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(30)]
    for sock in stalled:
        sock.sendall(b"GET /v1/Connection")
    answers: list[bool] = []
    threads = [
        threading.Thread(target=lambda: answers.append(still_serving(server))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [True] * 8
    for sock in stalled:
        sock.close()


def test_a_client_that_hangs_up_mid_request_leaves_the_server_serving(server: Server) -> None:
    for partial in (b"POST /v1/Conn", b"POST /v1/ConnectionPolicies HTTP/1.1\r\nContent-Le"):
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(partial)
    assert still_serving(server)


# -- strict framing (RFC 9112, section 6.3) --------------------------------------------

FORM = b"FriendlyName=x"


@pytest.mark.parametrize(
    ("lengths", "shown"),
    [
        ([b"abc"], "'abc'"),
        ([b"-5"], "'-5'"),
        ([b"+14"], "'+14'"),
        ([b"0x0e"], "'0x0e'"),
        ([b"14, 14"], "'14, 14'"),
        ([b"14", b"14"], "'14', '14'"),
        ([b"14", b"3"], "'14', '3'"),
    ],
)
def test_an_invalid_or_conflicting_content_length_is_400_and_stores_nothing(
    server: Server, lengths: list[bytes], shown: str
) -> None:
    head = b"".join(b"Content-Length: " + value + b"\r\n" for value in lengths)
    data = (
        b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n" + head + b"\r\n" + FORM
    )
    line, headers, body = exchange(server, data)  # answered, then closed

    assert line == "HTTP/1.1 400 Bad Request" and headers["Connection"] == "close"
    assert json_of(body) == envelope(
        400,
        20001,
        f"Invalid Content-Length {shown}: send one Content-Length header holding the body's "
        "size as a whole number of bytes",
    )


def test_content_length_with_transfer_encoding_is_400(server: Server) -> None:
    data = (
        b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n"
        b"Content-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\ne\r\n" + FORM + b"\r\n0\r\n\r\n"
    )
    line, _, body = exchange(server, data)
    assert line == "HTTP/1.1 400 Bad Request"
    assert json_of(body) == envelope(
        400,
        20001,
        "A request may not carry both Content-Length and Transfer-Encoding: send one of them",
    )


def test_headers_sent_a_byte_at_a_time_are_cut_off_at_the_deadline(server: Server) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n")
        answer = b""
        try:
            for byte in b"X-Slow: " + b"a" * 100:  # each byte well within the idle timeout
                sock.sendall(bytes([byte]))
                time.sleep(TIMEOUT / 5)
                if time.monotonic() - started > TIMEOUT * 6:
                    break
        except OSError:  # the server closed the connection while we were still sending
            pass
        while chunk := sock.recv(65536):
            answer += chunk
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT * 6  # the deadline, not the trickle, ended it


def test_a_413_closes_the_connection(server: Server) -> None:
    data = (
        b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n"
        + f"Content-Length: {LIMIT + 1}\r\n\r\n".encode()
        + b"a" * 1024
    )
    line, headers, body = exchange(server, data)  # returns once the server has closed
    assert line == "HTTP/1.1 413 Request Entity Too Large"
    assert headers["Connection"] == "close"
    assert json_of(body)["code"] == 20413  # type: ignore[index]


# -- the head's limits, and what the HTTP/1.1 server decides ---------------------------

AUTH_LINE = b"Authorization: Basic eDp5\r\n"


@pytest.mark.parametrize(
    ("fillers", "status"), [(97, "401 Unauthorized"), (98, "431 Request Header Fields Too Large")]
)
def test_at_most_99_header_lines_are_read(server: Server, fillers: int, status: str) -> None:
    data = (
        b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"X-F: y\r\n" * fillers
    )
    line, _, _ = exchange(server, data + b"\r\n")
    assert line == f"HTTP/1.1 {status}"


@pytest.mark.parametrize(
    ("length", "status"),
    [(65536, "401 Unauthorized"), (65537, "431 Request Header Fields Too Large")],
)
def test_a_header_line_may_be_64_kib_with_its_line_end(
    server: Server, length: int, status: str
) -> None:
    filler = b"X-Long: " + b"a" * (length - len(b"X-Long: \r\n")) + b"\r\n"
    assert len(filler) == length
    data = b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + filler + b"\r\n"
    line, _, body = exchange(server, data)
    assert line == f"HTTP/1.1 {status}"
    if status.startswith("431"):
        assert json_of(body) == envelope(431, 20001, "Line too long")


def test_a_request_line_that_stops_arriving_gets_408(server: Server) -> None:
    line, headers, body = exchange(server, b"GET /v1/Connection")
    assert line == "HTTP/1.1 408 Request Timeout" and headers["Connection"] == "close"
    assert json_of(body) == envelope(
        408, 20001, f"Request Timeout: the headers must arrive within {TIMEOUT:g} seconds"
    )


def test_a_connection_that_sends_nothing_is_closed_unanswered(server: Server) -> None:
    started = time.monotonic()
    line, _, body = exchange(server, b"")
    assert (line, body) == ("", b"")
    assert TIMEOUT * 0.9 <= time.monotonic() - started < TIMEOUT * 6


@pytest.mark.parametrize(
    ("lines", "status", "code", "message"),
    [
        (b"X-Bad : y\r\n", 400, 20001, "Illegal header line: 'X-Bad : y'"),
        (b"NoColonHere\r\n", 400, 20001, "Illegal header line: 'NoColonHere'"),
        (b"Host: y\r\n", 400, 20001, "Found multiple Host: headers"),
        (
            b"Transfer-Encoding: gzip\r\n",
            501,
            20500,
            "Only Transfer-Encoding: chunked is supported",
        ),
    ],
)
def test_header_fields_rfc_9112_refuses_are_refused_and_close(
    server: Server, lines: bytes, status: int, code: int, message: str
) -> None:
    data = b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + lines + b"\r\n"
    line, headers, body = exchange(server, data + FORM)
    assert line.startswith(f"HTTP/1.1 {status} ") and headers["Connection"] == "close"
    assert json_of(body) == envelope(status, code, message)


def test_every_answer_names_the_server_and_the_date(server: Server) -> None:
    _, headers, _ = exchange(server, b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n\r\n")
    assert headers["Server"] == "fake_voice"
    assert headers["Date"].endswith(" GMT") and len(headers["Date"]) == 29


# Served: each of these stores a policy (the fixture above checks that nothing was stored).


def created(data: bytes) -> tuple[bytes, list[str]]:
    """What the server answers ``data`` on a connection it then closes, and the names of
    the policies stored."""
    with serve(timeout=TIMEOUT) as served:
        _, _, answer = exchange(served, data)
        stored = served.voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)
    return answer, [policy["friendly_name"] for policy in stored]


CREATE = (
    b"POST /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    b"Authorization: Basic " + base64.b64encode(f"{ACCOUNT_SID}:t".encode()) + b"\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
)


@pytest.mark.parametrize(
    "chunks",
    [
        b"5\r\nFrien\r\n9\r\ndlyName=x\r\n0\r\n\r\n",
        b"e;name=value\r\nFriendlyName=x\r\n0\r\n\r\n",  # a chunk extension
        b"e\r\nFriendlyName=x\r\n0\r\nX-Trailer: y\r\n\r\n",  # a trailer
    ],
)
def test_a_chunked_body_is_read_with_its_extensions_and_trailers(chunks: bytes) -> None:
    answer, names = created(CREATE + b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    assert names == ["x"]
    assert json_of(answer)["friendly_name"] == "x"  # type: ignore[index]


def test_blank_lines_before_a_request_line_are_ignored() -> None:
    answer, names = created(b"\r\n\r\n" + CREATE + b"Content-Length: 14\r\n\r\n" + FORM)
    assert names == ["x"]
    assert json_of(answer)["friendly_name"] == "x"  # type: ignore[index]


def test_expect_100_continue_gets_one_interim_answer() -> None:
    with serve(timeout=TIMEOUT) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(CREATE + b"Content-Length: 14\r\nExpect: 100-continue\r\n\r\n")
            interim = sock.recv(65536)
            sock.sendall(FORM)
            final = b""
            while chunk := sock.recv(65536):
                final += chunk
        stored = served.voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert final.startswith(b"HTTP/1.1 201 Created\r\n")
    assert [policy["friendly_name"] for policy in stored] == ["x"]
