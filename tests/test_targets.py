"""Targets of a Connection Policy through the official twilio client."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture
def policy_sid(client: Client) -> str:
    sid: str = client.voice.v1.connection_policies.create(friendly_name="edge").sid
    return sid


def test_create_applies_twilios_defaults(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    fake_voice.clock.freeze(START)

    target = client.voice.v1.connection_policies(policy_sid).targets.create(
        target="sip:sip-box.com:1234"
    )

    assert re.fullmatch(r"NE[0-9a-f]{32}", target.sid)
    assert fake_voice.requests[-1].json == {
        "account_sid": ACCOUNT_SID,
        "connection_policy_sid": policy_sid,
        "sid": target.sid,
        "friendly_name": None,
        "target": "sip:sip-box.com:1234",
        "priority": 10,
        "weight": 10,
        "enabled": True,
        "date_created": "2026-01-02T03:04:05Z",
        "date_updated": "2026-01-02T03:04:05Z",
        "url": f"https://voice.twilio.com/v1/ConnectionPolicies/{policy_sid}/Targets/{target.sid}",
    }
    assert fake_voice.requests[-1].status == 201


def test_create_takes_every_parameter(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    target = client.voice.v1.connection_policies(policy_sid).targets.create(
        target="sip:backup@carrier.example.net",
        friendly_name="backup",
        priority=0,
        weight=65535,
        enabled=False,
    )

    assert (target.friendly_name, target.priority, target.weight, target.enabled) == (
        "backup",
        0,
        65535,
        False,
    )
    assert fake_voice.requests[-1].form == {
        "Target": "sip:backup@carrier.example.net",
        "FriendlyName": "backup",
        "Priority": "0",
        "Weight": "65535",
        "Enabled": "false",
    }


def test_fetch_update_and_delete_a_target(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    fake_voice.clock.freeze(START)
    targets = client.voice.v1.connection_policies(policy_sid).targets
    target = targets.create(target="sip:a@example.com", priority=5)
    fake_voice.clock.advance(minutes=2)

    updated = targets(target.sid).update(enabled=False, weight=3, target="sip:b@example.com")

    assert (updated.target, updated.priority, updated.weight, updated.enabled) == (
        "sip:b@example.com",
        5,
        3,
        False,
    )
    assert updated.date_created == START
    assert updated.date_updated == datetime(2026, 1, 2, 3, 6, 5, tzinfo=timezone.utc)
    assert targets(target.sid).fetch().weight == 3
    assert targets(target.sid).delete() is True
    assert targets.list() == []


def test_list_returns_only_the_targets_of_that_policy(client: Client, policy_sid: str) -> None:
    other_policy = client.voice.v1.connection_policies.create().sid
    mine = [
        client.voice.v1.connection_policies(policy_sid).targets.create(target=f"sip:{i}@a.example")
        for i in range(3)
    ]
    client.voice.v1.connection_policies(other_policy).targets.create(target="sip:x@b.example")

    listed = client.voice.v1.connection_policies(policy_sid).targets.list()

    assert [t.sid for t in listed] == [t.sid for t in mine]


def test_a_target_under_an_unknown_policy_is_a_404(client: Client) -> None:
    unknown = "NY" + "0" * 32

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies(unknown).targets.create(target="sip:a@example.com")

    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert caught.value.msg == (
        f"Unable to create record: The requested resource /ConnectionPolicies/{unknown}/Targets"
        " was not found"
    )


def test_a_target_fetched_through_another_policy_is_a_404(client: Client, policy_sid: str) -> None:
    target = client.voice.v1.connection_policies(policy_sid).targets.create(target="sip:a@b.c")
    other_policy = client.voice.v1.connection_policies.create().sid

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies(other_policy).targets(target.sid).fetch()

    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_another_account_cannot_see_or_add_targets(client: Client, policy_sid: str) -> None:
    client.voice.v1.connection_policies(policy_sid).targets.create(target="sip:a@b.c")
    other = Client(OTHER_ACCOUNT_SID, "token")

    with pytest.raises(TwilioRestException) as listing:
        other.voice.v1.connection_policies(policy_sid).targets.create(target="sip:x@y.z")
    assert listing.value.status == 404
    assert len(client.voice.v1.connection_policies(policy_sid).targets.list()) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"target": "sips:secure@example.com"},
            "Invalid value for parameter Target: must be a sip: URI (sips: is not supported)",
        ),
        (
            {"target": "tel:+15551234567"},
            "Invalid value for parameter Target: must be a sip: URI such as sip:pbx@example.com",
        ),
        (
            {"target": "sip:a@b.c", "priority": 65536},
            "Invalid value for parameter Priority: must be a whole number from 0 to 65535",
        ),
        (
            {"target": "sip:a@b.c", "priority": -1},
            "Invalid value for parameter Priority: must be a whole number from 0 to 65535",
        ),
        (
            {"target": "sip:a@b.c", "weight": 0},
            "Invalid value for parameter Weight: must be a whole number from 1 to 65535",
        ),
        (
            {"target": "sip:a@b.c", "friendly_name": "x" * 256},
            "Invalid value for parameter FriendlyName: must be at most 255 characters long",
        ),
    ],
)
def test_the_official_client_gets_a_400_for_invalid_values(
    fake_voice: FakeVoice, client: Client, policy_sid: str, kwargs: dict[str, object], message: str
) -> None:
    before = fake_voice.export_state()

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies(policy_sid).targets.create(**kwargs)

    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert caught.value.msg == f"Unable to create record: {message}"
    assert fake_voice.export_state() == before


def test_boundary_values_are_accepted(client: Client, policy_sid: str) -> None:
    targets = client.voice.v1.connection_policies(policy_sid).targets
    low = targets.create(target="sip:a@b.c", priority=0, weight=1)
    high = targets.create(target="sip:a@b.c", priority=65535, weight=65535)

    assert (low.priority, low.weight, high.priority, high.weight) == (0, 1, 65535, 65535)
