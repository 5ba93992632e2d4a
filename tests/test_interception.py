"""What the fake intercepts, what it lets through, and how it lives beside `responses`."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests
import responses
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID

POLICIES = "https://voice.twilio.com/v1/ConnectionPolicies"


@pytest.fixture
def loopback_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET with 'loopback'."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "8")
            self.end_headers()
            self.wfile.write(b"loopback")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("kwargs", "host"),
    [
        ({}, "voice.twilio.com"),
        ({"region": "ie1"}, "voice.ie1.twilio.com"),
        ({"edge": "sydney", "region": "au1"}, "voice.sydney.au1.twilio.com"),
        ({"edge": "tokyo"}, "voice.tokyo.us1.twilio.com"),
    ],
)
def test_regional_and_edge_hosts_are_served_and_echoed_in_urls(
    fake_voice: FakeVoice, kwargs: dict[str, str], host: str
) -> None:
    client = Client(ACCOUNT_SID, "token", **kwargs)

    policy = client.voice.v1.connection_policies.create(friendly_name="r")

    assert policy.url == f"https://{host}/v1/ConnectionPolicies/{policy.sid}"
    assert policy.links["targets"] == f"https://{host}/v1/ConnectionPolicies/{policy.sid}/Targets"
    assert fake_voice.requests[-1].url == f"https://{host}/v1/ConnectionPolicies"


def test_edges_share_their_regions_state_and_regions_share_nothing(
    fake_voice: FakeVoice,
) -> None:
    in_au1 = Client(ACCOUNT_SID, "t", region="au1", edge="sydney").voice.v1.connection_policies
    sid = in_au1.create().sid

    also_au1 = Client(ACCOUNT_SID, "t", region="au1", edge="tokyo").voice.v1.connection_policies
    assert [p.sid for p in also_au1.list()] == [sid]
    assert Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list() == []
    us1 = Client(ACCOUNT_SID, "t", region="us1", edge="ashburn").voice.v1.connection_policies
    assert us1.list() == []


@pytest.mark.parametrize(
    "url",
    [
        "https://api.twilio.com/2010-04-01/Accounts.json",
        "https://twilio.com/",
        "http://messaging.twilio.com/v1/Services",
        "https://voice-evil.twilio.com/v1/ConnectionPolicies",
    ],
)
def test_other_twilio_hosts_never_reach_the_network(fake_voice: FakeVoice, url: str) -> None:
    with pytest.raises(requests.ConnectionError, match=r"fake_voice refused .* serves only voice"):
        requests.get(url, auth=(ACCOUNT_SID, "t"))


def test_plain_http_to_voice_is_served_with_http_urls(fake_voice: FakeVoice) -> None:
    response = requests.post(
        "http://voice.twilio.com/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t")
    )

    assert response.status_code == 201
    assert response.json()["url"].startswith("http://voice.twilio.com/v1/ConnectionPolicies/NY")


def test_other_hosts_pass_through_to_the_network(
    fake_voice: FakeVoice, loopback_server: str
) -> None:
    assert requests.get(loopback_server).text == "loopback"
    assert fake_voice.requests == []


def test_a_users_responses_mock_started_first_keeps_working() -> None:
    with responses.RequestsMock() as users_mock:
        users_mock.get("https://example.test/thing", json={"mine": True})
        with fake_voice.mock() as voice:
            client = Client(ACCOUNT_SID, "t")
            client.voice.v1.connection_policies.create(friendly_name="x")

            assert requests.get("https://example.test/thing").json() == {"mine": True}
            assert len(voice.requests) == 1
        assert users_mock.calls[0].request.url == "https://example.test/thing"


def test_nothing_is_intercepted_after_stop(loopback_server: str) -> None:
    voice = fake_voice.mock()
    voice.start()
    voice.stop()

    with responses.RequestsMock() as users_mock:
        users_mock.get("https://voice.twilio.com/v1/ConnectionPolicies", json={"stub": 1})
        assert requests.get("https://voice.twilio.com/v1/ConnectionPolicies").json() == {"stub": 1}
    assert voice.requests == []


def test_credentials_in_the_url_authenticate_and_never_reach_a_body(
    fake_voice: FakeVoice,
) -> None:
    response = requests.post(
        f"https://{ACCOUNT_SID}:secret@voice.twilio.com/v1/ConnectionPolicies",
        data={"FriendlyName": "x"},
    )

    assert response.status_code == 201
    assert response.json()["account_sid"] == ACCOUNT_SID
    assert response.json()["url"].startswith("https://voice.twilio.com/v1/ConnectionPolicies/NY")
    assert "secret" not in response.text


@responses.activate
def test_responses_activate_on_a_test_that_uses_the_fixture_keeps_both_working(
    fake_voice: FakeVoice,
) -> None:
    responses.add(responses.GET, "https://example.test/weather", json={"sky": "clear"})
    client = Client(ACCOUNT_SID, "t")

    policy = client.voice.v1.connection_policies.create(friendly_name="inside")

    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == "inside"
    assert requests.get("https://example.test/weather").json() == {"sky": "clear"}
    assert [e.operation for e in fake_voice.requests] == [
        "CreateConnectionPolicy",
        "FetchConnectionPolicy",
    ]


def test_a_users_mock_started_inside_the_fake_keeps_its_own_twilio_stubs() -> None:
    with fake_voice.mock() as voice, responses.RequestsMock() as users_mock:
        users_mock.get("https://voice.twilio.com/v1/Settings", json={"stubbed": True})

        stubbed = requests.get("https://voice.twilio.com/v1/Settings", auth=(ACCOUNT_SID, "t"))
        faked = requests.post(POLICIES, auth=(ACCOUNT_SID, "t"))

        assert stubbed.json() == {"stubbed": True}
        assert faked.status_code == 201
        assert [e.operation for e in voice.requests] == ["CreateConnectionPolicy"]


def test_after_the_fake_stops_a_later_mock_refuses_twilio_again() -> None:
    with fake_voice.mock():
        pass
    with responses.RequestsMock() as users_mock:
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(POLICIES, auth=(ACCOUNT_SID, "t"))
        assert len(users_mock.calls) == 1
