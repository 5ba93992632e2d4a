"""Reading recorded exchanges back: filters, and assertions whose failures show the traffic."""

from __future__ import annotations

import re

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import BASE

POLICIES = f"{BASE}/v1/ConnectionPolicies"


@pytest.fixture
def traffic(fake_voice: FakeVoice, client: Client) -> dict[str, str]:
    """A policy with two targets, a list of them, and a fetch of a missing policy."""
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")
    targets = client.voice.v1.connection_policies(policy.sid).targets
    first = targets.create(target="sip:a@b.c", priority=1, enabled=True)
    second = targets.create(target="sip:d@e.f", priority=2, enabled=False)
    targets.list(page_size=5)
    missing = "NY" + "0" * 32
    with pytest.raises(TwilioRestException):
        client.voice.v1.connection_policies(missing).fetch()
    return {"policy": policy.sid, "first": first.sid, "second": second.sid, "missing": missing}


def test_calls_filters_by_operation_and_form_parameters(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    found = fake_voice.calls("CreateConnectionPolicyTarget", form={"Priority": "1"})

    assert [e.json["sid"] for e in found] == [traffic["first"]]
    assert found[0].form["Target"] == "sip:a@b.c"


def test_python_values_in_a_filter_compare_as_the_form_strings_sent(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    assert [e.json["sid"] for e in fake_voice.calls(form={"Priority": 2, "Enabled": False})] == [
        traffic["second"]
    ]
    assert fake_voice.calls(form={"Priority": 2, "Enabled": True}) == []


def test_calls_filters_by_method_path_sid_query_and_status(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    policy = traffic["policy"]

    assert [e.operation for e in fake_voice.calls(method="GET")] == [
        "ListConnectionPolicyTarget",
        "FetchConnectionPolicy",
    ]
    assert len(fake_voice.calls(path=f"ConnectionPolicies/{policy}/Targets")) == 3
    assert len(fake_voice.calls(path="/v1/ConnectionPolicies/*")) == 1
    assert len(fake_voice.calls(path="/v1/ConnectionPolicies/**")) == 4
    assert len(fake_voice.calls(path=re.compile(r"/v1/ConnectionPolicies(/NY\w+)?"))) == 2
    assert [e.status for e in fake_voice.calls(sid=policy)] == [201, 201, 200]
    assert [e.path for e in fake_voice.calls(query={"PageSize": 5})] == [
        f"/v1/ConnectionPolicies/{policy}/Targets"
    ]
    assert [e.path for e in fake_voice.calls(status=404)] == [
        f"/v1/ConnectionPolicies/{traffic['missing']}"
    ]
    assert len(fake_voice.calls()) == 5


def test_a_repeated_parameter_matches_one_of_its_values_or_all_of_them_in_order(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    http.post(POLICIES, data=[("FriendlyName", "a"), ("FriendlyName", "b")])

    assert len(fake_voice.calls(form={"FriendlyName": "b"})) == 1
    assert len(fake_voice.calls(form={"FriendlyName": ["a", "b"]})) == 1
    assert fake_voice.calls(form={"FriendlyName": ["b", "a"]}) == []
    assert fake_voice.calls(form={"FriendlyName": ["a"]}) == []


def test_a_filter_naming_an_unrouted_operation_is_refused(fake_voice: FakeVoice) -> None:
    with pytest.raises(ValueError, match="did you mean CreateConnectionPolicyTarget"):
        fake_voice.calls("CreateConnectionPolicyTargets")
    with pytest.raises(ValueError, match="routes no operation 'Frobnicate'"):
        fake_voice.assert_not_called("Frobnicate")


def test_assert_called_once_returns_the_exchange(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    exchange = fake_voice.assert_called_once("CreateConnectionPolicy")

    assert exchange.json["sid"] == traffic["policy"]
    assert exchange.form == {"FriendlyName": "edge"}
    assert [e.status for e in fake_voice.assert_called(method="POST")] == [201, 201, 201]
    fake_voice.assert_not_called("DeleteConnectionPolicy")


def test_a_failed_assertion_lists_every_recorded_exchange(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    policy, missing = traffic["policy"], traffic["missing"]

    with pytest.raises(AssertionError) as caught:
        fake_voice.assert_called_once("CreateConnectionPolicyTarget", form={"Priority": 3})

    assert str(caught.value) == (
        "expected 1 request(s) matching operation='CreateConnectionPolicyTarget' "
        "form={'Priority': 3}, found 0; recorded (5):\n"
        "  POST /v1/ConnectionPolicies 201\n"
        f"  POST /v1/ConnectionPolicies/{policy}/Targets 201\n"
        f"  POST /v1/ConnectionPolicies/{policy}/Targets 201\n"
        f"  GET /v1/ConnectionPolicies/{policy}/Targets 200\n"
        f"  GET /v1/ConnectionPolicies/{missing} 404"
    )


def test_assert_called_once_fails_on_two_and_assert_not_called_on_one(
    fake_voice: FakeVoice, traffic: dict[str, str]
) -> None:
    with pytest.raises(AssertionError, match=r"^expected 1 request\(s\) matching .*, found 2;"):
        fake_voice.assert_called_once("CreateConnectionPolicyTarget")
    with pytest.raises(
        AssertionError, match=r"^expected 0 request\(s\) matching status=404, found 1;"
    ):
        fake_voice.assert_not_called(status=404)
    with pytest.raises(
        AssertionError, match=r"^expected at least one request matching method='DELETE'"
    ):
        fake_voice.assert_called(method="delete")


def test_injected_failures_are_marked_in_the_listing(fake_voice: FakeVoice, client: Client) -> None:
    fake_voice.fail("CreateConnectionPolicy", status=429)
    fake_voice.fail("ListConnectionPolicy", error="connection")
    with pytest.raises(TwilioRestException):
        client.voice.v1.connection_policies.create()
    with pytest.raises(requests.ConnectionError):
        client.voice.v1.connection_policies.list()

    with pytest.raises(AssertionError) as caught:
        fake_voice.assert_called(status=201)

    assert str(caught.value).endswith(
        "found 0; recorded (2):\n"
        "  POST /v1/ConnectionPolicies 429 (injected)\n"
        "  GET /v1/ConnectionPolicies connection error (injected)"
    )


def test_an_empty_record_says_so_and_a_long_one_is_cut_after_fifty(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    with pytest.raises(AssertionError, match=r"found 0; no requests were recorded$"):
        fake_voice.assert_called()

    for _ in range(53):
        http.get(POLICIES)
    with pytest.raises(AssertionError) as caught:
        fake_voice.assert_not_called("ListConnectionPolicy")

    lines = str(caught.value).splitlines()
    assert lines[0].endswith("found 53; recorded (53):")
    assert lines[1:51] == ["  GET /v1/ConnectionPolicies 200"] * 50
    assert lines[51:] == ["  ... and 3 more"]
