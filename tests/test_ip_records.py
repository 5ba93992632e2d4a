"""IP Records through the official twilio client, and bad input over raw HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID
from tests.refusals import assert_refused

SID = re.compile(r"IL[0-9a-f]{32}\Z")
START = datetime(2026, 3, 18, 23, 31, 36, tzinfo=timezone.utc)
RECORDS = f"{BASE}/v1/IpRecords"
DOMAIN = "SD" + "5f1c" * 8
UNKNOWN_RECORD = "IL" + "0" * 32
IP_ERROR = (
    "Invalid value for parameter IpAddress: must be an IPv4 address in dotted decimal notation"
)
CIDR_ERROR = "Invalid value for parameter CidrPrefixLength: must be a whole number from 1 to 32"


def test_create_returns_the_record_with_twilios_properties_in_order(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.clock.freeze(START)

    record = client.voice.v1.ip_records.create(
        ip_address="203.0.113.10", friendly_name="Carrier A SBC", cidr_prefix_length=30
    )

    assert SID.match(record.sid)
    assert fake_voice.requests[-1].status == 201
    body = fake_voice.requests[-1].json
    assert body == {
        "account_sid": ACCOUNT_SID,
        "sid": record.sid,
        "friendly_name": "Carrier A SBC",
        "ip_address": "203.0.113.10",
        "cidr_prefix_length": 30,
        "date_created": "2026-03-18T23:31:36Z",
        "date_updated": "2026-03-18T23:31:36Z",
        "url": f"{RECORDS}/{record.sid}",
    }
    assert list(body) == [
        "account_sid",
        "sid",
        "friendly_name",
        "ip_address",
        "cidr_prefix_length",
        "date_created",
        "date_updated",
        "url",
    ]


def test_the_prefix_defaults_to_the_whole_address_and_the_name_to_null(client: Client) -> None:
    record = client.voice.v1.ip_records.create(ip_address="198.51.100.7")

    assert (record.cidr_prefix_length, record.friendly_name) == (32, None)


def test_the_address_is_stored_as_sent_not_masked_to_its_network(client: Client) -> None:
    record = client.voice.v1.ip_records.create(ip_address="10.2.3.4", cidr_prefix_length=8)

    assert (record.ip_address, record.cidr_prefix_length) == ("10.2.3.4", 8)


@pytest.mark.parametrize(
    ("address", "prefix"), [("0.0.0.0", 1), ("255.255.255.255", 32), ("192.168.0.1", 24)]
)
def test_boundary_addresses_and_prefixes_are_accepted(
    client: Client, address: str, prefix: int
) -> None:
    record = client.voice.v1.ip_records.create(ip_address=address, cidr_prefix_length=prefix)

    fetched = client.voice.v1.ip_records(record.sid).fetch()
    assert (fetched.ip_address, fetched.cidr_prefix_length) == (address, prefix)


def test_fetch_returns_what_create_stored(client: Client) -> None:
    created = client.voice.v1.ip_records.create(ip_address="203.0.113.10", friendly_name="sbc")

    fetched = client.voice.v1.ip_records(created.sid).fetch()

    assert (fetched.sid, fetched.friendly_name, fetched.ip_address) == (
        created.sid,
        "sbc",
        "203.0.113.10",
    )
    assert fetched.date_created == created.date_created


def test_update_renames_and_moves_date_updated_only(fake_voice: FakeVoice, client: Client) -> None:
    fake_voice.clock.freeze(START)
    record = client.voice.v1.ip_records.create(
        ip_address="203.0.113.10", friendly_name="old", cidr_prefix_length=30
    )
    fake_voice.clock.advance(5)

    updated = client.voice.v1.ip_records(record.sid).update(friendly_name="new")

    assert (updated.friendly_name, updated.ip_address, updated.cidr_prefix_length) == (
        "new",
        "203.0.113.10",
        30,
    )
    assert updated.date_created == START
    assert updated.date_updated == datetime(2026, 3, 18, 23, 31, 41, tzinfo=timezone.utc)


def test_update_ignores_the_address_and_prefix_it_does_not_take(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    record = fake_voice.create("IpRecords", account_sid=ACCOUNT_SID, IpAddress="203.0.113.10")

    response = http.post(
        f"{RECORDS}/{record['sid']}",
        data={"IpAddress": "198.51.100.1", "CidrPrefixLength": "8", "FriendlyName": "renamed"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["friendly_name"], body["ip_address"], body["cidr_prefix_length"]) == (
        "renamed",
        "203.0.113.10",
        32,
    )


def test_delete_returns_true_and_the_record_is_gone(fake_voice: FakeVoice, client: Client) -> None:
    record = client.voice.v1.ip_records.create(ip_address="203.0.113.10")

    assert client.voice.v1.ip_records(record.sid).delete() is True
    assert (fake_voice.requests[-1].status, fake_voice.requests[-1].json) == (204, None)
    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.ip_records(record.sid).fetch()
    assert caught.value.msg == (
        f"Unable to fetch record: The requested resource /IpRecords/{record.sid} was not found"
    )


def test_deleting_a_record_deletes_its_mappings_and_no_others(client: Client) -> None:
    doomed = client.voice.v1.ip_records.create(ip_address="203.0.113.10")
    kept = client.voice.v1.ip_records.create(ip_address="203.0.113.11")
    mappings = client.voice.v1.source_ip_mappings
    first = mappings.create(ip_record_sid=doomed.sid, sip_domain_sid=DOMAIN)
    second = mappings.create(ip_record_sid=doomed.sid, sip_domain_sid="SD" + "a0b1" * 8)
    survivor = mappings.create(ip_record_sid=kept.sid, sip_domain_sid=DOMAIN)

    client.voice.v1.ip_records(doomed.sid).delete()

    assert [m.sid for m in mappings.list()] == [survivor.sid]
    for gone in (first, second):
        with pytest.raises(TwilioRestException) as caught:
            mappings(gone.sid).fetch()
        assert (caught.value.status, caught.value.code) == (404, 20404)
    assert [r.sid for r in client.voice.v1.ip_records.list()] == [kept.sid]


def test_list_returns_every_record_in_creation_order_across_pages(client: Client) -> None:
    created = [client.voice.v1.ip_records.create(ip_address=f"10.0.0.{i}") for i in range(5)]

    listed = client.voice.v1.ip_records.list(page_size=2)

    assert [r.sid for r in listed] == [r.sid for r in created]
    assert [r.ip_address for r in listed] == [f"10.0.0.{i}" for i in range(5)]


def test_a_list_page_has_twilios_meta(fake_voice: FakeVoice, http: requests.Session) -> None:
    sids = [
        fake_voice.create("IpRecords", account_sid=ACCOUNT_SID, IpAddress=f"10.0.0.{i}")["sid"]
        for i in range(3)
    ]

    body = http.get(RECORDS, params={"PageSize": 2, "Page": 0}).json()

    assert [r["sid"] for r in body["ip_records"]] == sids[:2]
    assert body["meta"] == {
        "first_page_url": f"{RECORDS}?PageSize=2&Page=0",
        "key": "ip_records",
        "next_page_url": f"{RECORDS}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
        "page": 0,
        "page_size": 2,
        "previous_page_url": None,
        "url": f"{RECORDS}?PageSize=2&Page=0",
    }


def test_each_account_sees_only_its_own_records(client: Client) -> None:
    mine = client.voice.v1.ip_records.create(ip_address="203.0.113.10", friendly_name="mine")
    other = Client(OTHER_ACCOUNT_SID, "token")

    assert other.voice.v1.ip_records.list() == []
    for attempt in (
        other.voice.v1.ip_records(mine.sid).fetch,
        lambda: other.voice.v1.ip_records(mine.sid).update(friendly_name="theirs"),
        other.voice.v1.ip_records(mine.sid).delete,
    ):
        with pytest.raises(TwilioRestException) as caught:
            attempt()
        assert (caught.value.status, caught.value.code) == (404, 20404)
    assert client.voice.v1.ip_records(mine.sid).fetch().friendly_name == "mine"


# -- bad input over raw HTTP: exact envelope, state unchanged -------------------------------


@pytest.fixture
def record_sid(fake_voice: FakeVoice) -> str:
    record = fake_voice.create("IpRecords", account_sid=ACCOUNT_SID, IpAddress="203.0.113.10")
    return str(record["sid"])


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Missing required parameter IpAddress in the post body"),
        ({"FriendlyName": "sbc"}, "Missing required parameter IpAddress in the post body"),
        ({"IpAddress": ""}, IP_ERROR),
        ({"IpAddress": "10.0.0"}, IP_ERROR),
        ({"IpAddress": "10.0.0.256"}, IP_ERROR),
        ({"IpAddress": "10.0.0.1.2"}, IP_ERROR),
        ({"IpAddress": "010.0.0.1"}, IP_ERROR),
        ({"IpAddress": "10.0.0.1/24"}, IP_ERROR),
        ({"IpAddress": " 10.0.0.1"}, IP_ERROR),
        ({"IpAddress": "2001:db8::1"}, IP_ERROR),
        ({"IpAddress": "sbc.example.com"}, IP_ERROR),
        ({"IpAddress": "10.0.0.1", "CidrPrefixLength": "0"}, CIDR_ERROR),
        ({"IpAddress": "10.0.0.1", "CidrPrefixLength": "33"}, CIDR_ERROR),
        ({"IpAddress": "10.0.0.1", "CidrPrefixLength": "-8"}, CIDR_ERROR),
        ({"IpAddress": "10.0.0.1", "CidrPrefixLength": "24.5"}, CIDR_ERROR),
        ({"IpAddress": "10.0.0.1", "CidrPrefixLength": "/24"}, CIDR_ERROR),
        (
            {"IpAddress": "10.0.0.1", "FriendlyName": "x" * 256},
            "Invalid value for parameter FriendlyName: must be at most 255 characters long",
        ),
        (
            [("IpAddress", "10.0.0.1"), ("IpAddress", "10.0.0.2")],
            "Parameter IpAddress was given 2 times in the post body",
        ),
    ],
)
def test_create_with_a_bad_parameter_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    record_sid: str,
    form: dict[str, str] | list[tuple[str, str]],
    message: str,
) -> None:
    assert_refused(fake_voice, lambda: http.post(RECORDS, data=form), 400, 20001, message)


def test_update_with_a_name_too_long_is_a_400(
    fake_voice: FakeVoice, http: requests.Session, record_sid: str
) -> None:
    message = "Invalid value for parameter FriendlyName: must be at most 255 characters long"

    assert_refused(
        fake_voice,
        lambda: http.post(f"{RECORDS}/{record_sid}", data={"FriendlyName": "é" * 256}),
        400,
        20001,
        message,
    )


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("sid", [UNKNOWN_RECORD, "IL-not-a-sid", "IB" + "0" * 32])
def test_an_unknown_or_malformed_record_sid_is_a_404(
    fake_voice: FakeVoice, http: requests.Session, record_sid: str, method: str, sid: str
) -> None:
    message = f"The requested resource /IpRecords/{sid} was not found"

    assert_refused(
        fake_voice, lambda: http.request(method, f"{RECORDS}/{sid}"), 404, 20404, message
    )


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        (
            {"PageSize": "many"},
            20001,
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        (
            {"Page": "first"},
            20001,
            "Invalid value for parameter Page: must be a whole number of at least 0",
        ),
        ({"PageToken": "PX" + UNKNOWN_RECORD}, 21481, "Invalid PageToken"),
    ],
)
def test_list_with_bad_paging_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    record_sid: str,
    query: dict[str, str],
    code: int,
    message: str,
) -> None:
    assert_refused(fake_voice, lambda: http.get(RECORDS, params=query), 400, code, message)
