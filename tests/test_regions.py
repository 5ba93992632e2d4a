"""Regions as Twilio has them: each holds its own accounts' data, edges only pick the way in,
and credentials may be region-specific."""

from __future__ import annotations

import asyncio

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, StateError
from tests.conftest import ACCOUNT_SID


def provision(client: Client, name: str) -> tuple[str, str]:
    """A BYOC setup as a user writes it: policy, target, IP record and trunk."""
    voice = client.voice.v1
    policy = voice.connection_policies.create(friendly_name=name)
    voice.connection_policies(policy.sid).targets.create(target=f"sip:{name}@example.com")
    voice.ip_records.create(ip_address="203.0.113.7", friendly_name=name)
    trunk = voice.byoc_trunks.create(friendly_name=name, connection_policy_sid=policy.sid)
    return policy.sid, trunk.sid


def test_a_byoc_flow_in_two_regions_keeps_each_to_itself(fake_voice: FakeVoice) -> None:
    us = Client(ACCOUNT_SID, "t")
    au = Client(ACCOUNT_SID, "t", region="au1", edge="sydney")
    us_policy, us_trunk = provision(us, "us")
    au_policy, au_trunk = provision(au, "au")

    for client, policy, trunk, name in (
        (us, us_policy, us_trunk, "us"),
        (au, au_policy, au_trunk, "au"),
    ):
        voice = client.voice.v1
        assert [p.sid for p in voice.connection_policies.list()] == [policy]
        assert [t.target for t in voice.connection_policies(policy).targets.list()] == [
            f"sip:{name}@example.com"
        ]
        assert [r.friendly_name for r in voice.ip_records.list()] == [name]
        assert voice.byoc_trunks(trunk).fetch().connection_policy_sid == policy

    with pytest.raises(TwilioRestException) as caught:
        us.voice.v1.connection_policies(au_policy).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    with pytest.raises(
        TwilioRestException
    ) as refused:  # a trunk cannot name another region's policy
        au.voice.v1.byoc_trunks.create(connection_policy_sid=us_policy)
    assert refused.value.status == 400
    # Another edge of AU1 reaches the same data, and its URLs name the host it used.
    tokyo = Client(ACCOUNT_SID, "t", region="au1", edge="tokyo").voice.v1.connection_policies
    assert tokyo(au_policy).fetch().url == (
        f"https://voice.tokyo.au1.twilio.com/v1/ConnectionPolicies/{au_policy}"
    )
    assert [e.region for e in fake_voice.calls("CreateConnectionPolicy")] == ["us1", "au1"]


def test_an_exchange_names_its_region_once_routed(fake_voice: FakeVoice) -> None:
    auth = (ACCOUNT_SID, "t")
    requests.get("https://voice.au1.twilio.com/v1/NoSuchThing", auth=auth, timeout=5)
    requests.get("https://voice.au1.twilio.com/v1/ConnectionPolicies", timeout=5)  # no auth
    requests.get("https://voice.au1.twilio.com/v1/ConnectionPolicies", auth=auth, timeout=5)
    assert [(e.status, e.operation, e.region) for e in fake_voice.requests] == [
        (404, None, None),  # not routed: acted nowhere
        (401, "ListConnectionPolicy", "au1"),
        (200, "ListConnectionPolicy", "au1"),
    ]


def test_the_legacy_host_and_us1_hosts_are_one_region(fake_voice: FakeVoice) -> None:
    sid = Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create().sid
    for options in ({"region": "us1"}, {"region": "us1", "edge": "ashburn"}):
        listed = Client(ACCOUNT_SID, "t", **options).voice.v1.connection_policies.list()
        assert [p.sid for p in listed] == [sid]


def test_export_and_load_keep_regions() -> None:
    voice = fake_voice.mock(seed=3)
    us = voice.create("ConnectionPolicies", FriendlyName="us", account_sid=ACCOUNT_SID)
    au = voice.create(
        "ConnectionPolicies", FriendlyName="au", account_sid=ACCOUNT_SID, region="au1"
    )
    voice.set_high_risk_prefixes("LV", ["+37181"], account_sid=ACCOUNT_SID, region="ie1")

    state = voice.export_state()

    assert sorted(state) == [ACCOUNT_SID, "regions"]
    assert sorted(state["regions"]) == ["au1", "ie1"]
    assert [
        r["sid"] for r in state["regions"]["au1"][ACCOUNT_SID]["collections"]["connection_policies"]
    ] == [au["sid"]]
    assert [r["sid"] for r in state[ACCOUNT_SID]["collections"]["connection_policies"]] == [
        us["sid"]
    ]
    with fake_voice.mock(state=state) as again:
        au_client = Client(ACCOUNT_SID, "t", region="au1")
        assert [p.friendly_name for p in au_client.voice.v1.connection_policies.list()] == ["au"]
        assert [
            p.friendly_name for p in Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list()
        ] == ["us"]
        ie = Client(ACCOUNT_SID, "t", region="ie1").voice.v1.dialing_permissions
        assert [p.prefix for p in ie.countries("LV").highrisk_special_prefixes.list()] == ["+37181"]
        assert again.export_state() == state


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"regions": {"us1": {}}}, "'us1' is not a region other than us1"),
        ({"regions": {"AU 1": {}}}, "'AU 1' is not a region other than us1"),
        ({"regions": []}, "regions must be an object keyed by region"),
        ({"regions": {"au1": {"nope": {}}}}, "'nope' is not an account SID"),
    ],
)
def test_a_malformed_regions_entry_is_refused(state: dict[str, object], message: str) -> None:
    voice = fake_voice.mock()
    with pytest.raises(StateError, match=message):
        voice.load_state(state)
    assert voice.export_state() == {}


@pytest.mark.fake_voice(auth_tokens={ACCOUNT_SID: "us-token", "ie1": {ACCOUNT_SID: "ie-token"}})
def test_auth_tokens_may_be_region_specific(fake_voice: FakeVoice) -> None:
    def status(token: str, **where: str) -> int:
        try:
            Client(ACCOUNT_SID, token, **where).voice.v1.connection_policies.create()
        except TwilioRestException as error:
            return error.status
        return 200

    assert status("us-token") == 200
    assert status("us-token", region="au1") == 200  # no AU1 mapping: the general one applies
    assert status("us-token", region="ie1") == 401  # as on Twilio: a US1 token fails in IE1
    assert status("ie-token", region="ie1", edge="dublin") == 200
    assert status("ie-token") == 401


@pytest.mark.fake_voice(api_keys={"au1": {"SK" + "1" * 32: ACCOUNT_SID}})
def test_api_keys_may_be_region_specific(fake_voice: FakeVoice) -> None:
    key = "SK" + "1" * 32
    created = Client(key, "secret", ACCOUNT_SID, region="au1").voice.v1.connection_policies.create()
    assert fake_voice.requests[-1].account_sid == ACCOUNT_SID
    with pytest.raises(TwilioRestException) as caught:
        Client(key, "secret", ACCOUNT_SID).voice.v1.connection_policies(created.sid).fetch()
    assert caught.value.status == 401


def test_credential_options_refuse_what_is_neither_form() -> None:
    with pytest.raises(ValueError, match="a region's name"):
        fake_voice.mock(auth_tokens={ACCOUNT_SID: 7})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"api_keys\['au1'\] maps SK"):
        fake_voice.mock(api_keys={"au1": {"XX": ACCOUNT_SID}})


def test_direct_calls_and_clients_act_in_the_region_they_name() -> None:
    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    seeded = voice.create("ConnectionPolicies", FriendlyName="seeded", region="jp1")

    assert voice.list_all("ConnectionPolicies") == []
    assert [p["sid"] for p in voice.list_all("ConnectionPolicies", region="jp1")] == [seeded["sid"]]
    assert seeded["url"].startswith("https://voice.jp1.twilio.com/v1/ConnectionPolicies/NY")
    direct = voice.client(region="jp1", edge="tokyo").voice.v1.connection_policies
    assert [p.sid for p in direct.list()] == [seeded["sid"]]
    assert voice.client().voice.v1.connection_policies.list() == []
    with pytest.raises(ValueError, match="region must be a region's name"):
        voice.fetch("ConnectionPolicies", region="JP 1")


def test_the_async_client_follows_the_region(fake_voice: FakeVoice) -> None:
    async def run() -> tuple[list[str], list[str]]:
        async with AsyncTwilioHttpClient() as http:
            au = Client(ACCOUNT_SID, "t", region="au1", http_client=http).voice.v1
            await au.connection_policies.create_async(friendly_name="au")
            us = Client(ACCOUNT_SID, "t", http_client=http).voice.v1
            return (
                [p.friendly_name for p in await au.connection_policies.list_async()],
                [p.friendly_name for p in await us.connection_policies.list_async()],
            )

    assert asyncio.run(run()) == (["au"], [])


def test_the_server_follows_the_host_header_or_its_own_region() -> None:
    auth = (ACCOUNT_SID, "t")
    with fake_voice.serve(region="ie1") as server:
        created = requests.post(f"{server.url}/v1/ConnectionPolicies", auth=auth).json()
        named = requests.get(
            f"{server.url}/v1/ConnectionPolicies",
            auth=auth,
            headers={"Host": "voice.dublin.ie1.twilio.com"},
        ).json()
        other = requests.get(
            f"{server.url}/v1/ConnectionPolicies", auth=auth, headers={"Host": "voice.twilio.com"}
        ).json()
        state = server.voice.export_state()

    assert [p["sid"] for p in named["connection_policies"]] == [created["sid"]]
    assert named["meta"]["url"].startswith("http://voice.dublin.ie1.twilio.com/v1/")
    assert other["connection_policies"] == []
    assert list(state) == ["regions"] and list(state["regions"]) == ["ie1"]
