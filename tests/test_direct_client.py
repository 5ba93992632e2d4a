"""The direct client: the official client on the fake without HTTP, answering as over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
import responses
from twilio.base.exceptions import TwilioRestException
from twilio.http import AsyncHttpClient, HttpClient
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

MISSING = "NY" + "0" * 32
START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def failure(action: Callable[[], object]) -> tuple[int, int, str]:
    with pytest.raises(TwilioRestException) as caught:
        action()
    return caught.value.status, caught.value.code, caught.value.msg


def scenario(client: Client) -> list[Any]:
    """Every operation on policies and targets, with pages and errors, as a user sees them."""
    seen: list[Any] = []
    policies = client.voice.v1.connection_policies
    policy = policies.create(friendly_name="edge")
    seen.append((policy.sid, policy.friendly_name, policy.url, policy.links, policy.date_created))
    targets = policies(policy.sid).targets
    target_sids = []
    for i, uri in enumerate(["sip:a@example.com", "sip:b@example.com:5061", "sip:c@example.com"]):
        target = targets.create(target=uri, friendly_name=f"t{i}", priority=i, enabled=i != 1)
        target_sids.append(target.sid)
        seen.append((target.sid, target.target, target.priority, target.weight, target.enabled))
    seen.append(policies(policy.sid).update(friendly_name="renamed").friendly_name)
    seen.append(policies(policy.sid).fetch().date_updated)
    seen.append([(t.sid, t.friendly_name) for t in targets.list(page_size=2)])
    first = targets.page(page_size=2)
    seen.append((first.next_page_url, [t.sid for t in first.next_page()]))
    seen.append(failure(lambda: policies(MISSING).fetch()))
    seen.append(failure(lambda: targets.create(target="sips:a@example.com")))
    seen.append(targets(target_sids[0]).delete())
    seen.append(policies(policy.sid).delete())
    seen.append(failure(lambda: targets(target_sids[1]).fetch()))
    seen.append(policies.list())
    return seen


def exchanges(voice: FakeVoice) -> list[tuple[Any, ...]]:
    return [
        (e.method, e.url, e.query, e.form, e.status, e.json, e.operation, e.account_sid)
        for e in voice.requests
    ]


def test_the_direct_client_answers_exactly_as_the_responses_path() -> None:
    over_http = fake_voice.mock(seed=11, now=START)
    with over_http:
        http_seen = scenario(Client(ACCOUNT_SID, "token"))
    direct = fake_voice.mock(seed=11, now=START)

    direct_seen = scenario(direct.client(ACCOUNT_SID))

    assert direct_seen == http_seen
    missing = f"/ConnectionPolicies/{MISSING}"
    sips = "Invalid value for parameter Target: must be a sip: URI (sips: is not supported)"
    assert direct_seen[8:10] == [
        (404, 20404, f"Unable to fetch record: The requested resource {missing} was not found"),
        (400, 20001, f"Unable to create record: {sips}"),
    ]
    assert exchanges(direct) == exchanges(over_http)
    assert len(direct.requests) == 16
    assert [e.response_headers for e in direct.requests] == [
        e.response_headers for e in over_http.requests
    ]
    assert direct.export_state() == over_http.export_state()


def test_the_direct_client_needs_neither_http_nor_a_started_fake() -> None:
    voice = fake_voice.mock()
    client = voice.client(ACCOUNT_SID)

    # A strict responses mock refuses every request that reaches requests' transport.
    with responses.RequestsMock() as transport:
        sid = client.voice.v1.connection_policies.create(friendly_name="direct").sid
        listed = [p.sid for p in client.voice.v1.connection_policies.list()]

    assert len(transport.calls) == 0
    assert listed == [sid]
    assert not voice.active
    assert isinstance(client.http_client, HttpClient)
    assert [e.operation for e in voice.requests] == [
        "CreateConnectionPolicy",
        "ListConnectionPolicy",
    ]


def test_the_direct_client_shares_state_with_http_clients(
    fake_voice: FakeVoice, client: Client
) -> None:
    sid = fake_voice.client(ACCOUNT_SID).voice.v1.connection_policies.create().sid

    assert client.voice.v1.connection_policies(sid).fetch().sid == sid
    assert [e.operation for e in fake_voice.requests] == [
        "CreateConnectionPolicy",
        "FetchConnectionPolicy",
    ]


def test_the_direct_client_acts_for_the_fakes_account_unless_told_otherwise() -> None:
    voice = fake_voice.mock(account_sid=OTHER_ACCOUNT_SID)

    voice.client().voice.v1.connection_policies.create(friendly_name="default")
    voice.client(ACCOUNT_SID).voice.v1.connection_policies.create(friendly_name="named")

    assert [e.account_sid for e in voice.requests] == [OTHER_ACCOUNT_SID, ACCOUNT_SID]


@pytest.mark.fake_voice(auth_tokens={ACCOUNT_SID: "right"})
def test_the_direct_client_is_authenticated_like_http(fake_voice: FakeVoice) -> None:
    wrong = fake_voice.client(ACCOUNT_SID, "wrong").voice.v1.connection_policies

    assert failure(lambda: wrong.create()) == (401, 20003, "Unable to create record: Authenticate")
    assert fake_voice.export_state() == {}
    right = fake_voice.client(ACCOUNT_SID, "right").voice.v1.connection_policies
    assert right.create().account_sid == ACCOUNT_SID


def test_regions_and_edges_are_echoed_in_urls() -> None:
    voice = fake_voice.mock()

    policy = voice.client(
        ACCOUNT_SID, region="ie1", edge="dublin"
    ).voice.v1.connection_policies.create()

    assert policy.url == f"https://voice.dublin.ie1.twilio.com/v1/ConnectionPolicies/{policy.sid}"


def test_other_twilio_hosts_are_refused_as_over_http() -> None:
    voice = fake_voice.mock()

    with pytest.raises(requests.ConnectionError) as refused:
        voice.client(ACCOUNT_SID).api.v2010.accounts.list()

    assert str(refused.value).startswith(
        "fake_voice refused GET https://api.twilio.com/2010-04-01/Accounts.json"
    )
    assert voice.requests == []


def test_a_refusal_never_repeats_the_credentials_of_a_url() -> None:
    http = fake_voice.mock().http_client()

    with pytest.raises(requests.ConnectionError) as refused:
        http.request("GET", f"https://{ACCOUNT_SID}:s3cret-token@api.twilio.com/v1/Accounts")

    assert str(refused.value).startswith(
        "fake_voice refused GET https://api.twilio.com/v1/Accounts:"
    )
    assert "s3cret-token" not in str(refused.value)


def test_injected_faults_reach_the_direct_client_as_they_reach_requests() -> None:
    voice = fake_voice.mock()
    voice.fail("CreateConnectionPolicy", status=429, times=1)
    voice.fail("CreateConnectionPolicy", error="timeout", times=1)
    policies = voice.client(ACCOUNT_SID).voice.v1.connection_policies

    assert failure(lambda: policies.create())[:2] == (429, 20429)
    with pytest.raises(requests.ReadTimeout):
        policies.create()
    policies.create()

    assert [e.status for e in voice.requests] == [429, None, 201]
    assert voice.requests[0].response_headers["Retry-After"] == "1"


def test_a_timeout_of_zero_is_refused_as_by_twilio_http_client() -> None:
    http = fake_voice.mock().http_client()

    with pytest.raises(ValueError):
        http.request("GET", "https://voice.twilio.com/v1/ConnectionPolicies", timeout=0)


def test_the_async_direct_client_runs_the_async_methods_without_aiohttp() -> None:
    voice = fake_voice.mock(seed=3)
    client = voice.async_client(ACCOUNT_SID)

    async def provision() -> tuple[str, list[str], bool]:
        policies = client.voice.v1.connection_policies
        policy = await policies.create_async(friendly_name="a")
        await policies(policy.sid).targets.create_async(target="sip:a@example.com")
        listed = [t.target async for t in await policies(policy.sid).targets.stream_async()]
        return policy.sid, listed, await policies(policy.sid).delete_async()

    sid, targets, deleted = asyncio.run(provision())

    assert isinstance(client.http_client, AsyncHttpClient)
    assert not voice.active
    assert (targets, deleted) == (["sip:a@example.com"], True)
    assert [(e.operation, e.status) for e in voice.requests] == [
        ("CreateConnectionPolicy", 201),
        ("CreateConnectionPolicyTarget", 201),
        ("ListConnectionPolicyTarget", 200),
        ("DeleteConnectionPolicy", 204),
    ]
    assert voice.requests[0].json["sid"] == sid
