"""Connection Policies through the official twilio client: every operation and its rules."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

SID = re.compile(r"NY[0-9a-f]{32}\Z")
START = datetime(2026, 3, 18, 23, 31, 36, tzinfo=timezone.utc)


def test_create_returns_a_new_policy_with_twilio_shaped_fields(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.freeze(START)

    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    assert SID.match(policy.sid)
    assert policy.account_sid == ACCOUNT_SID
    assert policy.friendly_name == "edge"
    assert policy.date_created == START
    assert policy.date_updated == START
    assert policy.url == f"https://voice.twilio.com/v1/ConnectionPolicies/{policy.sid}"
    assert policy.links == {"targets": f"{policy.url}/Targets"}
    assert fake_voice.requests[-1].status == 201
    assert fake_voice.requests[-1].operation == "CreateConnectionPolicy"


def test_the_raw_body_has_exactly_twilios_properties_in_order(fake_voice: FakeVoice) -> None:
    fake_voice.clock.freeze(START)
    client = Client(ACCOUNT_SID, "token")
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    assert fake_voice.requests[-1].json == {
        "account_sid": ACCOUNT_SID,
        "sid": policy.sid,
        "friendly_name": "edge",
        "date_created": "2026-03-18T23:31:36Z",
        "date_updated": "2026-03-18T23:31:36Z",
        "url": f"https://voice.twilio.com/v1/ConnectionPolicies/{policy.sid}",
        "links": {
            "targets": f"https://voice.twilio.com/v1/ConnectionPolicies/{policy.sid}/Targets"
        },
    }
    assert list(fake_voice.requests[-1].json) == [
        "account_sid",
        "sid",
        "friendly_name",
        "date_created",
        "date_updated",
        "url",
        "links",
    ]


def test_create_without_a_name_stores_null(client: Client) -> None:
    policy = client.voice.v1.connection_policies.create()

    assert policy.friendly_name is None
    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name is None


def test_fetch_returns_what_create_stored(client: Client) -> None:
    created = client.voice.v1.connection_policies.create(friendly_name="edge")

    fetched = client.voice.v1.connection_policies(created.sid).fetch()

    assert (fetched.sid, fetched.friendly_name, fetched.date_created) == (
        created.sid,
        "edge",
        created.date_created,
    )


def test_update_changes_the_name_and_moves_date_updated_only(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.freeze(START)
    policy = client.voice.v1.connection_policies.create(friendly_name="old")
    fake_voice.clock.advance(90)

    updated = client.voice.v1.connection_policies(policy.sid).update(friendly_name="new")

    assert updated.friendly_name == "new"
    assert updated.date_created == START
    assert updated.date_updated == datetime(2026, 3, 18, 23, 33, 6, tzinfo=timezone.utc)
    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == "new"


def test_update_with_no_parameters_keeps_the_name(client: Client) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="keep")

    assert client.voice.v1.connection_policies(policy.sid).update().friendly_name == "keep"


def test_delete_returns_true_and_the_policy_is_gone(fake_voice: FakeVoice, client: Client) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    assert client.voice.v1.connection_policies(policy.sid).delete() is True
    assert fake_voice.requests[-1].status == 204
    assert fake_voice.requests[-1].json is None
    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies(policy.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert caught.value.msg == (
        f"Unable to fetch record: The requested resource /ConnectionPolicies/{policy.sid}"
        " was not found"
    )


def test_deleting_twice_is_a_404(client: Client) -> None:
    policy = client.voice.v1.connection_policies.create()
    client.voice.v1.connection_policies(policy.sid).delete()

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies(policy.sid).delete()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_deleting_a_policy_deletes_its_targets(fake_voice: FakeVoice, client: Client) -> None:
    policy = client.voice.v1.connection_policies.create()
    client.voice.v1.connection_policies(policy.sid).targets.create(target="sip:a@example.com")

    client.voice.v1.connection_policies(policy.sid).delete()

    assert fake_voice.export_state() == {}


def test_deleted_records_leave_no_cached_bodies_behind(
    fake_voice: FakeVoice, client: Client
) -> None:
    # Bodies are cached by SID for as long as their record lives; a cascade must drop them
    # too, or a long-running fake keeps every deleted Target and mapping in memory.
    policy = client.voice.v1.connection_policies.create()
    target = client.voice.v1.connection_policies(policy.sid).targets.create(target="sip:a@b.c")
    record = client.voice.v1.ip_records.create(ip_address="203.0.113.10")
    mapping = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record.sid, sip_domain_sid="SD" + "a" * 32
    )
    cached = fake_voice._core.store.encoded
    assert {policy.sid, target.sid, record.sid, mapping.sid} <= set(cached)

    client.voice.v1.connection_policies(policy.sid).delete()
    client.voice.v1.ip_records(record.sid).delete()

    assert not {policy.sid, target.sid, record.sid, mapping.sid} & set(cached)


def test_list_returns_every_policy_in_creation_order(client: Client) -> None:
    created = [client.voice.v1.connection_policies.create(friendly_name=f"p{i}") for i in range(5)]

    listed = client.voice.v1.connection_policies.list()

    assert [p.sid for p in listed] == [p.sid for p in created]
    assert [p.friendly_name for p in listed] == ["p0", "p1", "p2", "p3", "p4"]


def test_each_account_sees_only_its_own_policies(client: Client) -> None:
    mine = client.voice.v1.connection_policies.create(friendly_name="mine")
    other = Client(OTHER_ACCOUNT_SID, "token")

    assert other.voice.v1.connection_policies.list() == []
    with pytest.raises(TwilioRestException) as caught:
        other.voice.v1.connection_policies(mine.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException):
        other.voice.v1.connection_policies(mine.sid).delete()
    assert [p.sid for p in client.voice.v1.connection_policies.list()] == [mine.sid]


def test_unicode_names_round_trip(client: Client) -> None:
    name = "Zürich ☎ 東京 " + "é" * 243

    policy = client.voice.v1.connection_policies.create(friendly_name=name)

    assert len(name) == 255
    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == name


def test_changing_a_recorded_body_changes_nothing_the_fake_answers_later(
    fake_voice: FakeVoice, client: Client
) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")
    client.voice.v1.connection_policies.list()
    fake_voice.requests[-1].json["connection_policies"][0]["friendly_name"] = "tampered"
    fake_voice.requests[0].json["friendly_name"] = "tampered"

    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == "edge"
    assert client.voice.v1.connection_policies.list()[0].friendly_name == "edge"


def test_one_record_read_through_two_hosts_carries_each_hosts_urls(
    fake_voice: FakeVoice, client: Client
) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")
    regional = Client(ACCOUNT_SID, "token", edge="sydney", region="us1")  # US1, another edge

    far = regional.voice.v1.connection_policies(policy.sid).fetch()
    near = client.voice.v1.connection_policies(policy.sid).fetch()

    assert far.url == f"https://voice.sydney.us1.twilio.com/v1/ConnectionPolicies/{policy.sid}"
    assert near.url == f"https://voice.twilio.com/v1/ConnectionPolicies/{policy.sid}"
    assert [p.url for p in regional.voice.v1.connection_policies.list()] == [far.url]
