"""Source IP Mappings through the official twilio client, and bad input over raw HTTP."""

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

SID = re.compile(r"IB[0-9a-f]{32}\Z")
START = datetime(2026, 3, 18, 23, 31, 36, tzinfo=timezone.utc)
MAPPINGS = f"{BASE}/v1/SourceIpMappings"
DOMAIN = "SD" + "5f1c" * 8
OTHER_DOMAIN = "SD" + "a0b1" * 8
UNKNOWN_RECORD = "IL" + "0" * 32
UNKNOWN_MAPPING = "IB" + "0" * 32
RECORD_SID_ERROR = (
    "Invalid value for parameter IpRecordSid: "
    "must be an IP Record SID (IL followed by 32 hexadecimal digits)"
)
DOMAIN_SID_ERROR = (
    "Invalid value for parameter SipDomainSid: "
    "must be a SIP Domain SID (SD followed by 32 hexadecimal digits)"
)


@pytest.fixture
def record_sid(client: Client) -> str:
    return str(client.voice.v1.ip_records.create(ip_address="203.0.113.10").sid)


def test_create_returns_the_mapping_without_an_account_sid(
    fake_voice: FakeVoice, client: Client, record_sid: str
) -> None:
    fake_voice.clock.freeze(START)

    mapping = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record_sid, sip_domain_sid=DOMAIN
    )

    assert SID.match(mapping.sid)
    assert fake_voice.requests[-1].status == 201
    body = fake_voice.requests[-1].json
    assert body == {
        "sid": mapping.sid,
        "ip_record_sid": record_sid,
        "sip_domain_sid": DOMAIN,
        "date_created": "2026-03-18T23:31:36Z",
        "date_updated": "2026-03-18T23:31:36Z",
        "url": f"{MAPPINGS}/{mapping.sid}",
    }
    assert list(body) == [
        "sid",
        "ip_record_sid",
        "sip_domain_sid",
        "date_created",
        "date_updated",
        "url",
    ]
    assert mapping.date_created == START


def test_fetch_returns_what_create_stored(client: Client, record_sid: str) -> None:
    created = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record_sid, sip_domain_sid=DOMAIN
    )

    fetched = client.voice.v1.source_ip_mappings(created.sid).fetch()

    assert (fetched.sid, fetched.ip_record_sid, fetched.sip_domain_sid) == (
        created.sid,
        record_sid,
        DOMAIN,
    )


def test_update_moves_the_mapping_to_another_domain_and_moves_date_updated(
    fake_voice: FakeVoice, client: Client, record_sid: str
) -> None:
    fake_voice.clock.freeze(START)
    mapping = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record_sid, sip_domain_sid=DOMAIN
    )
    fake_voice.clock.advance(5)

    updated = client.voice.v1.source_ip_mappings(mapping.sid).update(sip_domain_sid=OTHER_DOMAIN)

    assert (updated.ip_record_sid, updated.sip_domain_sid) == (record_sid, OTHER_DOMAIN)
    assert updated.date_created == START
    assert updated.date_updated == datetime(2026, 3, 18, 23, 31, 41, tzinfo=timezone.utc)
    assert client.voice.v1.source_ip_mappings(mapping.sid).fetch().sip_domain_sid == OTHER_DOMAIN


def test_update_ignores_an_ip_record_sid(
    fake_voice: FakeVoice, http: requests.Session, record_sid: str
) -> None:
    other_record = fake_voice.create("IpRecords", account_sid=ACCOUNT_SID, IpAddress="10.0.0.1")
    mapping = fake_voice.create(
        "SourceIpMappings", account_sid=ACCOUNT_SID, IpRecordSid=record_sid, SipDomainSid=DOMAIN
    )

    response = http.post(
        f"{MAPPINGS}/{mapping['sid']}",
        data={"SipDomainSid": OTHER_DOMAIN, "IpRecordSid": other_record["sid"]},
    )

    assert response.status_code == 200
    assert (response.json()["ip_record_sid"], response.json()["sip_domain_sid"]) == (
        record_sid,
        OTHER_DOMAIN,
    )


def test_delete_returns_true_and_leaves_the_ip_record(
    fake_voice: FakeVoice, client: Client, record_sid: str
) -> None:
    mapping = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record_sid, sip_domain_sid=DOMAIN
    )

    assert client.voice.v1.source_ip_mappings(mapping.sid).delete() is True
    assert (fake_voice.requests[-1].status, fake_voice.requests[-1].json) == (204, None)
    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.source_ip_mappings(mapping.sid).fetch()
    assert caught.value.msg == (
        "Unable to fetch record: The requested resource "
        f"/SourceIpMappings/{mapping.sid} was not found"
    )
    assert client.voice.v1.ip_records(record_sid).fetch().ip_address == "203.0.113.10"


def test_list_returns_every_mapping_in_creation_order_across_pages(
    client: Client, record_sid: str
) -> None:
    domains = [f"SD{i:032x}" for i in range(5)]
    created = [
        client.voice.v1.source_ip_mappings.create(ip_record_sid=record_sid, sip_domain_sid=d)
        for d in domains
    ]

    listed = client.voice.v1.source_ip_mappings.list(page_size=2)

    assert [m.sid for m in listed] == [m.sid for m in created]
    assert [m.sip_domain_sid for m in listed] == domains


def test_a_list_page_has_twilios_meta(
    fake_voice: FakeVoice, http: requests.Session, record_sid: str
) -> None:
    sids = [
        fake_voice.create(
            "SourceIpMappings", account_sid=ACCOUNT_SID, IpRecordSid=record_sid, SipDomainSid=DOMAIN
        )["sid"]
        for _ in range(3)
    ]
    first = http.get(MAPPINGS, params={"PageSize": 2}).json()

    body = http.get(first["meta"]["next_page_url"]).json()

    assert [m["sid"] for m in body["source_ip_mappings"]] == sids[2:]
    assert body["meta"] == {
        "first_page_url": f"{MAPPINGS}?PageSize=2&Page=0",
        "key": "source_ip_mappings",
        "next_page_url": None,
        "page": 1,
        "page_size": 2,
        "previous_page_url": f"{MAPPINGS}?PageSize=2&Page=0&PageToken=PB{sids[2]}",
        "url": f"{MAPPINGS}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
    }


def test_each_account_sees_only_its_own_mappings(client: Client, record_sid: str) -> None:
    mine = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=record_sid, sip_domain_sid=DOMAIN
    )
    other = Client(OTHER_ACCOUNT_SID, "token")

    assert other.voice.v1.source_ip_mappings.list() == []
    for attempt in (
        other.voice.v1.source_ip_mappings(mine.sid).fetch,
        lambda: other.voice.v1.source_ip_mappings(mine.sid).update(sip_domain_sid=OTHER_DOMAIN),
        other.voice.v1.source_ip_mappings(mine.sid).delete,
    ):
        with pytest.raises(TwilioRestException) as caught:
            attempt()
        assert (caught.value.status, caught.value.code) == (404, 20404)
    assert client.voice.v1.source_ip_mappings(mine.sid).fetch().sip_domain_sid == DOMAIN


def test_an_ip_record_of_another_account_cannot_be_mapped(client: Client) -> None:
    theirs = Client(OTHER_ACCOUNT_SID, "token").voice.v1.ip_records.create(ip_address="10.0.0.1")

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.source_ip_mappings.create(ip_record_sid=theirs.sid, sip_domain_sid=DOMAIN)

    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert caught.value.msg == (
        "Unable to create record: Invalid value for parameter IpRecordSid: "
        f"IP Record {theirs.sid} was not found"
    )


# -- bad input over raw HTTP: exact envelope, state unchanged -------------------------------


@pytest.fixture
def mapping_sid(fake_voice: FakeVoice, record_sid: str) -> str:
    mapping = fake_voice.create(
        "SourceIpMappings", account_sid=ACCOUNT_SID, IpRecordSid=record_sid, SipDomainSid=DOMAIN
    )
    return str(mapping["sid"])


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Missing required parameter IpRecordSid in the post body"),
        ({"SipDomainSid": DOMAIN}, "Missing required parameter IpRecordSid in the post body"),
        ({"IpRecordSid": "RECORD"}, "Missing required parameter SipDomainSid in the post body"),
        ({"IpRecordSid": "IL123", "SipDomainSid": DOMAIN}, RECORD_SID_ERROR),
        ({"IpRecordSid": "IB" + "0" * 32, "SipDomainSid": DOMAIN}, RECORD_SID_ERROR),
        ({"IpRecordSid": "", "SipDomainSid": DOMAIN}, RECORD_SID_ERROR),
        ({"IpRecordSid": "RECORD", "SipDomainSid": "SD123"}, DOMAIN_SID_ERROR),
        ({"IpRecordSid": "RECORD", "SipDomainSid": "sip.example.com"}, DOMAIN_SID_ERROR),
        ({"IpRecordSid": "RECORD", "SipDomainSid": ""}, DOMAIN_SID_ERROR),
        (
            {"IpRecordSid": UNKNOWN_RECORD, "SipDomainSid": DOMAIN},
            f"Invalid value for parameter IpRecordSid: IP Record {UNKNOWN_RECORD} was not found",
        ),
        (
            [("IpRecordSid", "RECORD"), ("SipDomainSid", DOMAIN), ("SipDomainSid", DOMAIN)],
            "Parameter SipDomainSid was given 2 times in the post body",
        ),
    ],
)
def test_create_with_a_bad_parameter_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    mapping_sid: str,
    record_sid: str,
    form: dict[str, str] | list[tuple[str, str]],
    message: str,
) -> None:
    # "RECORD" stands for the real IP Record, so each form has exactly one fault.
    if isinstance(form, dict):
        form = {k: record_sid if v == "RECORD" else v for k, v in form.items()}
    else:
        form = [(k, record_sid if v == "RECORD" else v) for k, v in form]

    assert_refused(fake_voice, lambda: http.post(MAPPINGS, data=form), 400, 20001, message)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Missing required parameter SipDomainSid in the post body"),
        (
            {"IpRecordSid": UNKNOWN_RECORD},
            "Missing required parameter SipDomainSid in the post body",
        ),
        ({"SipDomainSid": "SD" + "z" * 32}, DOMAIN_SID_ERROR),
        ({"SipDomainSid": ""}, DOMAIN_SID_ERROR),
    ],
)
def test_update_with_a_bad_parameter_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    mapping_sid: str,
    form: dict[str, str],
    message: str,
) -> None:
    url = f"{MAPPINGS}/{mapping_sid}"
    assert_refused(fake_voice, lambda: http.post(url, data=form), 400, 20001, message)


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("sid", [UNKNOWN_MAPPING, "IBxyz", "IL" + "0" * 32])
def test_an_unknown_or_malformed_mapping_sid_is_a_404(
    fake_voice: FakeVoice, http: requests.Session, mapping_sid: str, method: str, sid: str
) -> None:
    # An update of a missing mapping with a valid form: the lookup is what fails.
    form = {"SipDomainSid": OTHER_DOMAIN} if method == "POST" else None
    message = f"The requested resource /SourceIpMappings/{sid} was not found"

    assert_refused(
        fake_voice,
        lambda: http.request(method, f"{MAPPINGS}/{sid}", data=form),
        404,
        20404,
        message,
    )


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        (
            {"PageSize": "1.5"},
            20001,
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        (
            {"Page": "-3"},
            20001,
            "Invalid value for parameter Page: must be a whole number of at least 0",
        ),
        ({"PageToken": "PA" + UNKNOWN_MAPPING}, 21481, "Invalid PageToken"),
    ],
)
def test_list_with_bad_paging_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    mapping_sid: str,
    query: dict[str, str],
    code: int,
    message: str,
) -> None:
    assert_refused(fake_voice, lambda: http.get(MAPPINGS, params=query), 400, code, message)
