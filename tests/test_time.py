"""The fake's clock: frozen, set and moved from the handle, and following freezegun and
time-machine; date_created / date_updated show it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
import time_machine
from freezegun import freeze_time
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import BASE

POLICIES = f"{BASE}/v1/ConnectionPolicies"
UTC = timezone.utc


def dates(client: Client, sid: str) -> tuple[datetime, datetime]:
    policy = client.voice.v1.connection_policies(sid).fetch()
    return policy.date_created, policy.date_updated


def test_a_frozen_clock_stamps_records_and_advance_moves_date_updated_only(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.freeze(datetime(2024, 1, 2, 3, 4, 5))
    policy = client.voice.v1.connection_policies.create(friendly_name="a")

    fake_voice.clock.advance(minutes=5, seconds=30)
    client.voice.v1.connection_policies(policy.sid).update(friendly_name="b")

    assert dates(client, policy.sid) == (
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 9, 35, tzinfo=UTC),
    )
    assert fake_voice.clock.now() == datetime(2024, 1, 2, 3, 9, 35, tzinfo=UTC)


def test_the_wire_shows_twilios_date_form(fake_voice: FakeVoice, http: requests.Session) -> None:
    fake_voice.clock.freeze(datetime(2024, 6, 30, 22, 0, 1, 999999, tzinfo=UTC))

    body = http.post(POLICIES).json()

    assert (body["date_created"], body["date_updated"]) == (
        "2024-06-30T22:00:01Z",
        "2024-06-30T22:00:01Z",
    )


def test_setting_a_running_clock_keeps_it_running_from_there(
    fake_voice: FakeVoice, client: Client
) -> None:
    start = datetime(2020, 2, 29, 12, 0, 0, tzinfo=UTC)
    fake_voice.clock.set(start)

    created = client.voice.v1.connection_policies.create().date_created

    assert start <= created <= start + timedelta(seconds=5)


def test_an_aware_time_in_another_zone_is_stored_as_utc(
    fake_voice: FakeVoice, client: Client
) -> None:
    paris = timezone(timedelta(hours=2))
    fake_voice.clock.freeze(datetime(2024, 7, 1, 9, 30, tzinfo=paris))

    assert client.voice.v1.connection_policies.create().date_created == datetime(
        2024, 7, 1, 7, 30, tzinfo=UTC
    )


def test_unfreezing_returns_to_real_time(fake_voice: FakeVoice, client: Client) -> None:
    fake_voice.clock.freeze(datetime(2001, 1, 1))
    fake_voice.clock.unfreeze()
    before = datetime.now(UTC).replace(microsecond=0)

    created = client.voice.v1.connection_policies.create().date_created

    assert before <= created <= datetime.now(UTC)


@pytest.mark.fake_voice(now=datetime(2025, 12, 31, 23, 59, 59))
def test_the_marker_can_start_the_clock_frozen(fake_voice: FakeVoice, client: Client) -> None:
    assert client.voice.v1.connection_policies.create().date_created == datetime(
        2025, 12, 31, 23, 59, 59, tzinfo=UTC
    )


def test_the_clock_follows_freezegun(fake_voice: FakeVoice, client: Client) -> None:
    with freeze_time("2030-05-06 07:08:09") as frozen:
        policy = client.voice.v1.connection_policies.create(friendly_name="a")
        frozen.tick(timedelta(hours=1))
        client.voice.v1.connection_policies(policy.sid).update(friendly_name="b")

    assert dates(client, policy.sid) == (
        datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC),
        datetime(2030, 5, 6, 8, 8, 9, tzinfo=UTC),
    )


@freeze_time("2029-03-04 05:06:07")
def test_freezegun_as_a_decorator_reaches_the_fixtures_fake(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.advance(days=1)

    assert client.voice.v1.connection_policies.create().date_created == datetime(
        2029, 3, 5, 5, 6, 7, tzinfo=UTC
    )


def test_the_clock_follows_time_machine(fake_voice: FakeVoice, client: Client) -> None:
    with time_machine.travel(datetime(2031, 8, 9, 10, 11, 12, tzinfo=UTC), tick=False) as trip:
        policy = client.voice.v1.connection_policies.create(friendly_name="a")
        trip.shift(timedelta(days=2))
        client.voice.v1.connection_policies(policy.sid).update(friendly_name="b")

    assert dates(client, policy.sid) == (
        datetime(2031, 8, 9, 10, 11, 12, tzinfo=UTC),
        datetime(2031, 8, 11, 10, 11, 12, tzinfo=UTC),
    )


def test_time_machine_travel_with_a_ticking_clock_runs_from_its_destination(
    fake_voice: FakeVoice, client: Client
) -> None:
    destination = datetime(2032, 1, 1, tzinfo=UTC)
    with time_machine.travel(destination):
        created = client.voice.v1.connection_policies.create().date_created

    assert destination <= created <= destination + timedelta(seconds=5)


def test_a_clock_frozen_on_the_handle_ignores_freezegun(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.freeze(datetime(2024, 1, 1))

    with freeze_time("2030-01-01"):
        created = client.voice.v1.connection_policies.create().date_created

    assert created == datetime(2024, 1, 1, tzinfo=UTC)
