"""One redaction rule for every output: no Authorization, Proxy-Authorization, Cookie or
Set-Cookie value and no password inside a URL, in exchanges, the control API, cassettes,
recordings, ``fake-voice validate`` reports and the server's log."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
import requests

import fake_voice
from fake_voice import FakeVoice, traffic
from tests.conftest import ACCOUNT_SID

TOKEN = "t0ken-in-the-url-9f8e7d"
PROXY_SECRET = "cHJveHktc2VjcmV0LTQ0"
COOKIE_SECRET = "cookie-secret-5566"
SECRETS = (TOKEN, PROXY_SECRET, COOKIE_SECRET)
HEADERS = {"Proxy-Authorization": f"Basic {PROXY_SECRET}", "Cookie": f"session={COOKIE_SECRET}"}


def no_secret_in(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def send(base: str) -> requests.Response:
    """A create whose URL carries the account and token, with a proxy credential and a cookie."""
    scheme, host = base.split("://")
    url = f"{scheme}://{ACCOUNT_SID}:{TOKEN}@{host}/v1/ConnectionPolicies"
    return requests.post(url, data={"FriendlyName": "edge"}, headers=HEADERS)


def test_exchanges_show_every_credential_header_redacted(fake_voice: FakeVoice) -> None:
    assert send("https://voice.twilio.com").status_code == 201

    [exchange] = fake_voice.requests
    assert exchange.url == "https://voice.twilio.com/v1/ConnectionPolicies"
    shown = {k: v for k, v in exchange.headers.items() if v == "[redacted]"}
    assert sorted(shown) == ["Authorization", "Cookie", "Proxy-Authorization"]
    assert no_secret_in(repr(exchange))


def test_cassettes_and_recordings_hold_no_credential(fake_voice: FakeVoice, tmp_path: Path) -> None:
    send("https://voice.twilio.com")
    fake_voice.save_cassette(tmp_path / "flow.yaml")
    fake_voice.save_recording(tmp_path / "flow.json")

    for name in ("flow.yaml", "flow.json"):
        text = (tmp_path / name).read_text()
        assert no_secret_in(text) and text.count("[redacted]") == 3
    assert traffic.validate([tmp_path]).ok


def test_validate_reports_never_repeat_a_cookie_or_proxy_credential(tmp_path: Path) -> None:
    # An exchange that is not covered is listed with its path: here the path holds secrets.
    path = f"/v2/{COOKIE_SECRET}/{PROXY_SECRET}"
    entry = {
        "request": {
            "method": "GET",
            "url": f"https://{ACCOUNT_SID}:{TOKEN}@voice.twilio.com{path}",
            "headers": HEADERS,
            "body": "",
        },
        "response": {"status": 200, "headers": {}, "body": "{}"},
    }
    recording = {"format": "fake-voice-recording", "version": 1, "exchanges": [entry]}
    (tmp_path / "leaky.json").write_text(json.dumps(recording))

    report = traffic.validate([tmp_path], strict=True)

    assert len(report.uncovered) == 1
    assert no_secret_in(report.text()) and no_secret_in(json.dumps(report.as_json()))
    assert "/v2/[redacted]/[redacted]" in report.text()


def test_the_control_api_shows_no_credential() -> None:
    with fake_voice.serve() as server:
        assert send(server.url).status_code == 201
        listed = requests.get(f"{server.url}/__fake_voice__/requests")

    assert listed.status_code == 200
    [exchange] = listed.json()
    assert no_secret_in(listed.text)
    assert exchange["headers"]["Cookie"] == "[redacted]"


def test_the_server_log_shows_no_password_of_an_absolute_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with fake_voice.serve() as server, caplog.at_level(logging.INFO, "fake_voice.server"):
        target = f"http://{ACCOUNT_SID}:{TOKEN}@127.0.0.1:{server.port}/v1/ConnectionPolicies"
        with socket.create_connection((server.host, server.port)) as connection:
            connection.sendall(
                f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk

    assert answer.startswith(b"HTTP/1.1 400") and no_secret_in(answer.decode())
    assert b"carries credentials" in answer
    lines = [record.getMessage() for record in caplog.records]
    assert any("/v1/ConnectionPolicies" in line for line in lines)
    assert all(no_secret_in(line) for line in lines)
