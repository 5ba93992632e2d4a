"""The fake over real HTTP: the Python API, the official Python client, and the control API."""

from __future__ import annotations

import base64
import errno
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, Server, serve
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

CONTROL = "/__fake_voice__"


@pytest.fixture
def server() -> Iterator[Server]:
    with serve(seed=7) as running:
        yield running


@pytest.fixture
def served(server: Server) -> Client:
    """The official client, with only its Voice domain pointed at the server."""
    client = Client(ACCOUNT_SID, "token")
    client.voice.base_url = server.url
    return client


@pytest.fixture
def http(server: Server) -> requests.Session:
    session = requests.Session()
    session.auth = (ACCOUNT_SID, "token")
    return session


# -- the Python API ---------------------------------------------------------------------


def test_serve_listens_on_a_free_loopback_port_and_stops() -> None:
    with serve() as server:
        assert server.host == "127.0.0.1"
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert repr(server) == f"<fake_voice Server {server.url} serving>"
        assert requests.get(f"{server.url}{CONTROL}/export").json() == {}
    assert repr(server) == f"<fake_voice Server {server.url} stopped>"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}{CONTROL}/export", timeout=2)
    server.stop()  # a second stop does nothing


def test_serve_without_a_handle_makes_one_with_the_options_given() -> None:
    with serve(seed=3, account_sid=OTHER_ACCOUNT_SID) as server:
        assert isinstance(server.voice, FakeVoice)
        assert server.voice.seed == 3
        created = server.voice.create("ConnectionPolicies", FriendlyName="direct")
        assert created["account_sid"] == OTHER_ACCOUNT_SID


def test_a_handle_serves_its_own_state_and_sees_what_the_server_did() -> None:
    voice = fake_voice.mock(seed=1)
    before = voice.create("ConnectionPolicies", FriendlyName="before", account_sid=ACCOUNT_SID)
    with voice.serve() as server:
        assert server.voice is voice
        client = Client(ACCOUNT_SID, "token")
        client.voice.base_url = server.url
        assert client.voice.v1.connection_policies(before["sid"]).fetch().friendly_name == "before"
        made = client.voice.v1.connection_policies.create(friendly_name="over http")
    assert [p["sid"] for p in voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)] == [
        before["sid"],
        made.sid,
    ]
    assert [exchange.operation for exchange in voice.requests] == [
        "FetchConnectionPolicy",
        "CreateConnectionPolicy",
    ]


def test_the_server_and_the_intercepting_fake_share_one_state(fake_voice: FakeVoice) -> None:
    with fake_voice.serve() as server:
        intercepted = Client(ACCOUNT_SID, "token")
        over_http = Client(ACCOUNT_SID, "token")
        over_http.voice.base_url = server.url
        policy = intercepted.voice.v1.connection_policies.create(friendly_name="shared")
        target = over_http.voice.v1.connection_policies(policy.sid).targets.create(
            target="sip:a@example.com"
        )
        fetched = intercepted.voice.v1.connection_policies(policy.sid).targets(target.sid).fetch()
    assert fetched.url == (
        f"https://voice.twilio.com/v1/ConnectionPolicies/{policy.sid}/Targets/{target.sid}"
    )
    assert target.url == f"{server.url}/v1/ConnectionPolicies/{policy.sid}/Targets/{target.sid}"


def test_serving_on_a_port_in_use_raises_oserror() -> None:
    with serve() as first, pytest.raises(OSError) as refused:
        serve(port=first.port)
    assert refused.value.errno == errno.EADDRINUSE


def test_two_servers_of_one_handle_share_its_state() -> None:
    voice = fake_voice.mock()
    with voice.serve() as one, voice.serve() as two:
        auth = (ACCOUNT_SID, "t")
        made = requests.post(
            f"{one.url}/v1/ConnectionPolicies", data={"FriendlyName": "x"}, auth=auth
        ).json()
        fetched = requests.get(f"{two.url}/v1/ConnectionPolicies/{made['sid']}", auth=auth)
    assert fetched.json()["url"] == f"{two.url}/v1/ConnectionPolicies/{made['sid']}"


# -- the official Python client ---------------------------------------------------------


def test_the_official_client_creates_fetches_updates_and_deletes(
    served: Client, server: Server
) -> None:
    policies = served.voice.v1.connection_policies
    policy = policies.create(friendly_name="Primary carrier")
    assert policy.url == f"{server.url}/v1/ConnectionPolicies/{policy.sid}"
    assert policy.links == {"targets": f"{server.url}/v1/ConnectionPolicies/{policy.sid}/Targets"}
    assert policy.account_sid == ACCOUNT_SID

    target = policies(policy.sid).targets.create(
        target="sip:sip-box.example.com", priority=1, weight=20, enabled=False
    )
    assert (target.target, target.priority, target.weight, target.enabled) == (
        "sip:sip-box.example.com",
        1,
        20,
        False,
    )
    updated = policies(policy.sid).update(friendly_name="Primary (EU)")
    assert updated.friendly_name == "Primary (EU)"
    assert policies(policy.sid).fetch().friendly_name == "Primary (EU)"
    assert policies(policy.sid).targets(target.sid).delete() is True
    assert policies(policy.sid).delete() is True
    assert server.voice.export_state() == {}


def test_the_official_client_follows_every_page_on_the_server(
    served: Client, server: Server
) -> None:
    made = [served.voice.v1.connection_policies.create(friendly_name=f"p{i}").sid for i in range(5)]
    listed = served.voice.v1.connection_policies.list(page_size=2)
    assert [p.sid for p in listed] == made
    lists = [e for e in server.voice.requests if e.operation == "ListConnectionPolicy"]
    assert [e.url for e in lists] == [
        f"{server.url}/v1/ConnectionPolicies?PageSize=2",
        f"{server.url}/v1/ConnectionPolicies?PageSize=2&Page=1&PageToken=PA{made[1]}",
        f"{server.url}/v1/ConnectionPolicies?PageSize=2&Page=2&PageToken=PA{made[3]}",
    ]


def test_the_official_client_raises_twilios_errors(served: Client) -> None:
    missing = "NY" + "0" * 32
    with pytest.raises(TwilioRestException) as raised:
        served.voice.v1.connection_policies(missing).fetch()
    error = raised.value
    assert (error.status, error.code) == (404, 20404)
    assert error.msg == (
        "Unable to fetch record: "
        f"The requested resource /ConnectionPolicies/{missing} was not found"
    )


def test_the_official_client_sees_a_400_for_bad_input(served: Client, server: Server) -> None:
    policy = served.voice.v1.connection_policies.create(friendly_name="p")
    before = server.voice.export_state()
    with pytest.raises(TwilioRestException) as raised:
        served.voice.v1.connection_policies(policy.sid).targets.create(target="sips:a@b.c")
    assert (raised.value.status, raised.value.code) == (400, 20001)
    assert raised.value.msg == (
        "Unable to create record: Invalid value for parameter Target: "
        "must be a sip: URI (sips: is not supported)"
    )
    assert server.voice.export_state() == before


def test_urls_in_bodies_use_the_host_the_client_named(server: Server) -> None:
    # The Host header decides: a client that reached the server as localhost keeps seeing
    # localhost in every url, and the next page's url leads back to the same server.
    for _ in range(2):
        server.voice.create("ConnectionPolicies", FriendlyName="p", account_sid=ACCOUNT_SID)
    page = requests.get(
        f"{server.url}/v1/ConnectionPolicies?PageSize=1",
        auth=(ACCOUNT_SID, "t"),
        headers={"Host": f"localhost:{server.port}"},
    ).json()
    base = f"http://localhost:{server.port}/v1/ConnectionPolicies"
    first = page["connection_policies"][0]
    assert first["url"] == f"{base}/{first['sid']}"
    assert page["meta"]["url"] == f"{base}?PageSize=1&Page=0"
    assert page["meta"]["next_page_url"] == f"{base}?PageSize=1&Page=1&PageToken=PA{first['sid']}"


# -- the control API --------------------------------------------------------------------


def test_control_export_is_the_handles_state(server: Server, http: requests.Session) -> None:
    http.post(f"{server.url}/v1/ConnectionPolicies", data={"FriendlyName": "edge"})
    response = http.get(f"{server.url}{CONTROL}/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == server.voice.export_state()
    assert [
        p["friendly_name"]
        for p in response.json()[ACCOUNT_SID]["collections"]["connection_policies"]
    ] == ["edge"]


def test_control_reset_forgets_resources_and_exchanges(
    server: Server, http: requests.Session
) -> None:
    http.post(f"{server.url}/v1/ConnectionPolicies", data={"FriendlyName": "edge"})
    response = requests.post(f"{server.url}{CONTROL}/reset")
    assert (response.status_code, response.content) == (204, b"")
    assert server.voice.export_state() == {}
    assert server.voice.requests == []


def test_after_a_control_reset_the_same_requests_get_the_same_sids(
    server: Server, http: requests.Session
) -> None:
    """What lets a suite in any language reset between tests and pin the SIDs it sees."""

    def created() -> list[str]:
        answers = [http.post(f"{server.url}/v1/ConnectionPolicies") for _ in range(2)]
        return [answer.json()["sid"] for answer in answers]

    first = created()
    assert requests.post(f"{server.url}{CONTROL}/reset").status_code == 204
    again = created()

    assert again == first
    assert len(set(first)) == 2


def test_control_load_replaces_the_state(server: Server, http: requests.Session) -> None:
    source = fake_voice.mock(seed=11)
    policy = source.create("ConnectionPolicies", FriendlyName="loaded", account_sid=ACCOUNT_SID)
    http.post(f"{server.url}/v1/ConnectionPolicies", data={"FriendlyName": "replaced"})
    response = requests.post(f"{server.url}{CONTROL}/load", json=source.export_state())
    assert (response.status_code, response.content) == (204, b"")
    assert server.voice.export_state() == source.export_state()
    fetched = http.get(f"{server.url}/v1/ConnectionPolicies/{policy['sid']}").json()
    assert fetched["url"] == f"{server.url}/v1/ConnectionPolicies/{policy['sid']}"


def test_control_load_takes_the_body_whatever_its_content_type(server: Server) -> None:
    # curl -d @state.json sends a form content type; the body is read as JSON regardless.
    response = requests.post(
        f"{server.url}{CONTROL}/load",
        data=b"{}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{not json",
            "The body is not JSON: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (b"[]", "The state was refused: state must be an object keyed by account SID"),
        (
            b'{"AC11111111111111111111111111111111": {"collections": {"connection_policies": '
            b'[{"sid": "NY1"}]}}}',
            "The state was refused: account AC11111111111111111111111111111111: "
            "connection_policies[0] needs a url: the /vN/... path it is fetched at",
        ),
    ],
)
def test_control_load_refuses_bad_state_and_changes_nothing(
    server: Server, http: requests.Session, body: bytes, message: str
) -> None:
    http.post(f"{server.url}/v1/ConnectionPolicies", data={"FriendlyName": "kept"})
    before = server.voice.export_state()
    response = requests.post(f"{server.url}{CONTROL}/load", data=body)
    assert response.status_code == 400
    assert response.json() == {"message": message, "status": 400}
    assert server.voice.export_state() == before


def test_control_load_never_reads_a_file_the_body_names(server: Server, tmp_path: Path) -> None:
    # load_state() takes a path too; over HTTP a JSON string is no state, never a server file.
    state = fake_voice.mock()
    state.create("ConnectionPolicies", FriendlyName="from a file", account_sid=ACCOUNT_SID)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state.export_state()), encoding="utf-8")

    response = requests.post(f"{server.url}{CONTROL}/load", json=str(path))

    assert response.status_code == 400
    assert response.json() == {
        "message": "The state was refused: state must be an object keyed by account SID",
        "status": 400,
    }
    assert server.voice.export_state() == {}


def test_control_requests_lists_exchanges_with_credentials_redacted(
    server: Server, http: requests.Session
) -> None:
    made = http.post(f"{server.url}/v1/ConnectionPolicies", data={"FriendlyName": "edge"}).json()
    http.get(f"{server.url}/v1/ConnectionPolicies/{made['sid']}?Extra=1&Extra=2")
    exchanges: list[dict[str, Any]] = requests.get(f"{server.url}{CONTROL}/requests").json()
    assert [(e["method"], e["path"], e["status"], e["operation"]) for e in exchanges] == [
        ("POST", "/v1/ConnectionPolicies", 201, "CreateConnectionPolicy"),
        ("GET", f"/v1/ConnectionPolicies/{made['sid']}", 200, "FetchConnectionPolicy"),
    ]
    create, fetch = exchanges
    assert create["form"] == {"FriendlyName": ["edge"]}
    assert create["json"] == made
    assert create["account_sid"] == ACCOUNT_SID
    assert create["headers"]["Authorization"] == "[redacted]"
    assert create["url"] == f"{server.url}/v1/ConnectionPolicies"
    assert fetch["query"] == {"Extra": ["1", "2"]}
    assert "token" not in requests.get(f"{server.url}{CONTROL}/requests").text


def test_control_index_lists_the_endpoints(server: Server) -> None:
    response = requests.get(f"{server.url}{CONTROL}/")
    assert [(e["method"], e["path"]) for e in response.json()["endpoints"]] == [
        ("GET", f"{CONTROL}/"),
        ("POST", f"{CONTROL}/reset"),
        ("GET", f"{CONTROL}/export"),
        ("POST", f"{CONTROL}/load"),
        ("GET", f"{CONTROL}/requests"),
        ("GET", f"{CONTROL}/faults"),
        ("POST", f"{CONTROL}/faults"),
        ("DELETE", f"{CONTROL}/faults"),
    ]
    assert requests.get(f"{server.url}{CONTROL}").json() == response.json()


def test_control_answers_unknown_paths_and_wrong_methods(server: Server) -> None:
    missing = requests.get(f"{server.url}{CONTROL}/nothing")
    assert missing.status_code == 404
    assert missing.json() == {
        "message": f"{CONTROL}/nothing is not part of the control API",
        "status": 404,
    }
    wrong = requests.get(f"{server.url}{CONTROL}/reset")
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "POST"
    assert wrong.json() == {"message": f"GET is not allowed on {CONTROL}/reset", "status": 405}


def test_control_calls_are_not_recorded_as_twilio_exchanges(server: Server) -> None:
    requests.get(f"{server.url}{CONTROL}/export")
    requests.post(f"{server.url}{CONTROL}/load", json={})
    assert server.voice.requests == []


def test_the_server_answers_on_ipv6_loopback_when_asked() -> None:
    if not socket.has_ipv6:
        pytest.fail("this machine has no IPv6; the test needs ::1")
    with serve(host="::1") as server:
        assert server.url == f"http://[::1]:{server.port}"
        made = requests.post(
            f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"), data={}
        ).json()
    assert made["url"] == f"http://[::1]:{server.port}/v1/ConnectionPolicies/{made['sid']}"


def test_the_readme_python_example_runs() -> None:
    # The README's "Python" example under "Over real HTTP", verbatim.
    voice = fake_voice.mock(seed=1)
    with voice.serve() as server:  # a free port on 127.0.0.1, served from a thread
        client = Client("AC" + "1" * 32, "token")
        client.voice.base_url = server.url  # only the Voice domain moves
        policy = client.voice.v1.connection_policies.create(friendly_name="Primary carrier")
        assert policy.url == f"{server.url}/v1/ConnectionPolicies/{policy.sid}"
    assert voice.requests[0].operation == "CreateConnectionPolicy"  # one handle, one state

    with serve(seed=1) as server:  # no handle yet: the server makes one
        server.voice.create("ConnectionPolicies", FriendlyName="seeded")
        page = requests.get(
            f"{server.url}/v1/ConnectionPolicies", auth=(server.voice.options.account_sid, "t")
        )
        assert page.json()["connection_policies"][0]["friendly_name"] == "seeded"


# -- faults over HTTP -----------------------------------------------------------------------


def test_a_fault_set_through_the_control_api_answers_twilios_429(
    served: Client, server: Server
) -> None:
    set_fault = requests.post(
        f"{server.url}{CONTROL}/faults",
        json={"operation": "CreateConnectionPolicy", "status": 429, "retry_after": 3},
    )

    assert set_fault.status_code == 201
    assert set_fault.json()["operation"] == "CreateConnectionPolicy"
    with pytest.raises(TwilioRestException) as caught:
        served.voice.v1.connection_policies.create(friendly_name="edge")
    assert (caught.value.status, caught.value.code) == (429, 20429)
    assert served.voice.v1.connection_policies.create(friendly_name="edge").friendly_name == "edge"
    listed = requests.get(f"{server.url}{CONTROL}/faults").json()
    assert [(f["operation"], f["status"], f["fired"]) for f in listed] == [
        ("CreateConnectionPolicy", 429, 1)
    ]


def test_an_injected_connection_error_drops_the_connection_unanswered(server: Server) -> None:
    server.voice.fail("ListConnectionPolicy", error="connection")

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"))
    answered = requests.get(f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"))
    assert answered.status_code == 200
    assert [e.status for e in server.voice.requests] == [None, 200]


def raw_list_request() -> bytes:
    credentials = base64.b64encode(f"{ACCOUNT_SID}:t".encode()).decode()
    return (
        "GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Basic {credentials}\r\n\r\n"
    ).encode()


def test_an_injected_connection_error_closes_the_connection_without_waiting(
    server: Server,
) -> None:
    # The server's idle timeout is 10 s; the client waits 5 s: the close must come first.
    server.voice.fail("ListConnectionPolicy", error="connection")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(raw_list_request())
        assert sock.recv(1024) == b""
    assert [e.status for e in server.voice.requests] == [None]


def test_stopping_the_server_drops_a_connection_an_injected_timeout_holds() -> None:
    with serve(timeout=30.0) as server:
        server.voice.fail("ListConnectionPolicy", error="timeout")
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(raw_list_request())
        for _ in range(500):
            if server.voice.faults[0].fired:
                break
            time.sleep(0.01)
        assert server.voice.faults[0].fired == 1
    with sock:
        assert sock.recv(1024) == b""  # at once, not after the 30 s stall


def test_an_injected_timeout_stalls_until_the_client_gives_up() -> None:
    with serve(timeout=2.0) as server:
        server.voice.fail("ListConnectionPolicy", error="timeout")

        with pytest.raises(requests.ReadTimeout):
            requests.get(
                f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"), timeout=0.3
            )
        assert server.voice.faults[0].fired == 1


def test_control_requests_shows_the_fault_that_answered_as_json(
    server: Server, http: requests.Session
) -> None:
    fault = server.voice.fail("ListConnectionPolicy", status=503)
    http.get(f"{server.url}/v1/ConnectionPolicies")

    exchanges = requests.get(f"{server.url}{CONTROL}/requests").json()

    assert [e["status"] for e in exchanges] == [503]
    assert exchanges[0]["fault"] == fault.to_dict()
    assert exchanges[0]["fault"]["operation"] == "ListConnectionPolicy"


def test_control_faults_refuses_bad_keywords_and_clears(server: Server) -> None:
    unknown = requests.post(f"{server.url}{CONTROL}/faults", json={"operation": "Nope"})
    extra = requests.post(f"{server.url}{CONTROL}/faults", json={"colour": "red"})
    not_object = requests.post(f"{server.url}{CONTROL}/faults", json=[1])
    requests.post(f"{server.url}{CONTROL}/faults", json={"status": 503, "optional": True})
    cleared = requests.delete(f"{server.url}{CONTROL}/faults")

    assert [r.status_code for r in (unknown, extra, not_object, cleared)] == [400, 400, 400, 204]
    assert unknown.json()["message"].startswith("The fault was refused: ")
    assert server.voice.faults == []
