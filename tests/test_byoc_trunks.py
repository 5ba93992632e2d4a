"""BYOC Trunks through the official twilio client, and bad input over raw HTTP."""

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

SID = re.compile(r"BY[0-9a-f]{32}\Z")
START = datetime(2026, 3, 18, 23, 31, 36, tzinfo=timezone.utc)
TRUNKS = f"{BASE}/v1/ByocTrunks"
DOMAIN = "SD" + "5f1c" * 8
OTHER_DOMAIN = "SD" + "a0b1" * 8
UNKNOWN_POLICY = "NY" + "0" * 32
UNKNOWN_TRUNK = "BY" + "0" * 32


@pytest.fixture
def policy_sid(client: Client) -> str:
    return str(client.voice.v1.connection_policies.create(friendly_name="carrier").sid)


def test_create_with_every_parameter_stores_and_returns_them_in_twilios_order(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    fake_voice.clock.freeze(START)

    trunk = client.voice.v1.byoc_trunks.create(
        friendly_name="Carrier A",
        voice_url="https://app.example.com/voice",
        voice_method="GET",
        voice_fallback_url="https://app.example.com/fallback",
        voice_fallback_method="GET",
        status_callback_url="http://app.example.com:8080/status?trunk=a",
        status_callback_method="GET",
        cnam_lookup_enabled=True,
        connection_policy_sid=policy_sid,
        from_domain_sid=DOMAIN,
    )

    assert SID.match(trunk.sid)
    assert fake_voice.requests[-1].status == 201
    body = fake_voice.requests[-1].json
    assert body == {
        "account_sid": ACCOUNT_SID,
        "sid": trunk.sid,
        "friendly_name": "Carrier A",
        "voice_url": "https://app.example.com/voice",
        "voice_method": "GET",
        "voice_fallback_url": "https://app.example.com/fallback",
        "voice_fallback_method": "GET",
        "status_callback_url": "http://app.example.com:8080/status?trunk=a",
        "status_callback_method": "GET",
        "cnam_lookup_enabled": True,
        "connection_policy_sid": policy_sid,
        "from_domain_sid": DOMAIN,
        "date_created": "2026-03-18T23:31:36Z",
        "date_updated": "2026-03-18T23:31:36Z",
        "url": f"{TRUNKS}/{trunk.sid}",
    }
    assert list(body) == [
        "account_sid",
        "sid",
        "friendly_name",
        "voice_url",
        "voice_method",
        "voice_fallback_url",
        "voice_fallback_method",
        "status_callback_url",
        "status_callback_method",
        "cnam_lookup_enabled",
        "connection_policy_sid",
        "from_domain_sid",
        "date_created",
        "date_updated",
        "url",
    ]
    assert trunk.date_created == START


def test_create_with_nothing_uses_post_methods_no_cnam_and_nulls(client: Client) -> None:
    trunk = client.voice.v1.byoc_trunks.create()

    assert (trunk.voice_method, trunk.voice_fallback_method, trunk.status_callback_method) == (
        "POST",
        "POST",
        "POST",
    )
    assert trunk.cnam_lookup_enabled is False
    assert [
        trunk.friendly_name,
        trunk.voice_url,
        trunk.voice_fallback_url,
        trunk.status_callback_url,
        trunk.connection_policy_sid,
        trunk.from_domain_sid,
    ] == [None] * 6


def test_fetch_returns_what_create_stored(client: Client, policy_sid: str) -> None:
    created = client.voice.v1.byoc_trunks.create(
        friendly_name="edge", voice_url="https://a.example.com", connection_policy_sid=policy_sid
    )

    fetched = client.voice.v1.byoc_trunks(created.sid).fetch()

    assert (fetched.sid, fetched.friendly_name, fetched.voice_url) == (
        created.sid,
        "edge",
        "https://a.example.com",
    )
    assert fetched.connection_policy_sid == policy_sid
    assert fetched.date_created == created.date_created


def test_update_changes_only_what_it_sends_and_moves_date_updated(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    fake_voice.clock.freeze(START)
    trunk = client.voice.v1.byoc_trunks.create(
        friendly_name="old", voice_url="https://a.example.com/voice", from_domain_sid=DOMAIN
    )
    fake_voice.clock.advance(5)

    updated = client.voice.v1.byoc_trunks(trunk.sid).update(
        friendly_name="new",
        voice_method="GET",
        cnam_lookup_enabled=True,
        connection_policy_sid=policy_sid,
        from_domain_sid=OTHER_DOMAIN,
    )

    assert (updated.friendly_name, updated.voice_method, updated.cnam_lookup_enabled) == (
        "new",
        "GET",
        True,
    )
    assert (updated.connection_policy_sid, updated.from_domain_sid) == (policy_sid, OTHER_DOMAIN)
    assert updated.voice_url == "https://a.example.com/voice"
    assert updated.voice_fallback_method == "POST"
    assert updated.date_created == START
    assert updated.date_updated == datetime(2026, 3, 18, 23, 31, 41, tzinfo=timezone.utc)
    assert client.voice.v1.byoc_trunks(trunk.sid).fetch().friendly_name == "new"


def test_sending_an_empty_url_or_sid_clears_it(client: Client, policy_sid: str) -> None:
    trunk = client.voice.v1.byoc_trunks.create(
        voice_url="https://a.example.com/voice",
        voice_fallback_url="https://a.example.com/fallback",
        status_callback_url="https://a.example.com/status",
        connection_policy_sid=policy_sid,
        from_domain_sid=DOMAIN,
    )

    cleared = client.voice.v1.byoc_trunks(trunk.sid).update(
        voice_url="",
        voice_fallback_url="",
        status_callback_url="",
        connection_policy_sid="",
        from_domain_sid="",
    )

    assert [
        cleared.voice_url,
        cleared.voice_fallback_url,
        cleared.status_callback_url,
        cleared.connection_policy_sid,
        cleared.from_domain_sid,
    ] == [None] * 5
    assert client.voice.v1.byoc_trunks(trunk.sid).fetch().voice_url is None


def test_a_direct_update_leaves_out_none_values_as_the_client_does(
    fake_voice: FakeVoice,
) -> None:
    trunk = fake_voice.create("ByocTrunks", VoiceUrl="https://a.example.com/voice")

    updated = fake_voice.update(f"ByocTrunks/{trunk['sid']}", VoiceUrl=None, FriendlyName="new")

    assert (updated["voice_url"], updated["friendly_name"]) == (
        "https://a.example.com/voice",
        "new",
    )
    assert fake_voice.create("ConnectionPolicies", FriendlyName=None)["friendly_name"] is None


def test_delete_returns_true_and_the_trunk_is_gone(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    trunk = client.voice.v1.byoc_trunks.create(connection_policy_sid=policy_sid)

    assert client.voice.v1.byoc_trunks(trunk.sid).delete() is True
    assert (fake_voice.requests[-1].status, fake_voice.requests[-1].json) == (204, None)
    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.byoc_trunks(trunk.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert caught.value.msg == (
        f"Unable to fetch record: The requested resource /ByocTrunks/{trunk.sid} was not found"
    )
    # The policy the trunk pointed at is not touched.
    assert client.voice.v1.connection_policies(policy_sid).fetch().friendly_name == "carrier"


def test_deleting_a_policy_clears_the_trunks_reference_and_leaves_date_updated(
    fake_voice: FakeVoice, client: Client, policy_sid: str
) -> None:
    fake_voice.clock.freeze(START)
    using = client.voice.v1.byoc_trunks.create(
        friendly_name="using", connection_policy_sid=policy_sid
    )
    other_policy = client.voice.v1.connection_policies.create().sid
    elsewhere = client.voice.v1.byoc_trunks.create(connection_policy_sid=other_policy)
    fake_voice.clock.advance(5)

    client.voice.v1.connection_policies(policy_sid).delete()

    detached = client.voice.v1.byoc_trunks(using.sid).fetch()
    assert (detached.friendly_name, detached.connection_policy_sid) == ("using", None)
    assert detached.date_updated == START
    assert client.voice.v1.byoc_trunks(elsewhere.sid).fetch().connection_policy_sid == other_policy


def test_list_returns_every_trunk_in_creation_order_across_pages(client: Client) -> None:
    created = [client.voice.v1.byoc_trunks.create(friendly_name=f"t{i}") for i in range(5)]

    listed = client.voice.v1.byoc_trunks.list(page_size=2)

    assert [t.sid for t in listed] == [t.sid for t in created]
    assert [t.friendly_name for t in listed] == ["t0", "t1", "t2", "t3", "t4"]


def test_a_list_page_has_twilios_meta(fake_voice: FakeVoice, http: requests.Session) -> None:
    sids = [fake_voice.create("ByocTrunks", account_sid=ACCOUNT_SID)["sid"] for _ in range(3)]

    body = http.get(TRUNKS, params={"PageSize": 2}).json()

    assert [t["sid"] for t in body["byoc_trunks"]] == sids[:2]
    assert body["meta"] == {
        "first_page_url": f"{TRUNKS}?PageSize=2&Page=0",
        "key": "byoc_trunks",
        "next_page_url": f"{TRUNKS}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
        "page": 0,
        "page_size": 2,
        "previous_page_url": None,
        "url": f"{TRUNKS}?PageSize=2&Page=0",
    }
    last = http.get(body["meta"]["next_page_url"]).json()
    assert [t["sid"] for t in last["byoc_trunks"]] == sids[2:]
    assert last["meta"]["next_page_url"] is None


def test_each_account_sees_only_its_own_trunks(client: Client) -> None:
    mine = client.voice.v1.byoc_trunks.create(friendly_name="mine")
    other = Client(OTHER_ACCOUNT_SID, "token")

    assert other.voice.v1.byoc_trunks.list() == []
    for attempt in (
        other.voice.v1.byoc_trunks(mine.sid).fetch,
        lambda: other.voice.v1.byoc_trunks(mine.sid).update(friendly_name="theirs"),
        other.voice.v1.byoc_trunks(mine.sid).delete,
    ):
        with pytest.raises(TwilioRestException) as caught:
            attempt()
        assert (caught.value.status, caught.value.code) == (404, 20404)
    assert client.voice.v1.byoc_trunks(mine.sid).fetch().friendly_name == "mine"


def test_a_policy_of_another_account_cannot_be_named(client: Client) -> None:
    theirs = Client(OTHER_ACCOUNT_SID, "token").voice.v1.connection_policies.create().sid

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.byoc_trunks.create(connection_policy_sid=theirs)

    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert caught.value.msg == (
        "Unable to create record: Invalid value for parameter ConnectionPolicySid: "
        f"Connection Policy {theirs} was not found"
    )


# -- bad input over raw HTTP: exact envelope, state unchanged -------------------------------

Form = dict[str, str] | list[tuple[str, str]]
URL_ERROR = "must be an absolute http or https URL"
BAD_FORMS: list[tuple[Form, str]] = [
    ({"VoiceUrl": "app.example.com/voice"}, f"Invalid value for parameter VoiceUrl: {URL_ERROR}"),
    (
        {"VoiceUrl": "ftp://app.example.com/voice"},
        f"Invalid value for parameter VoiceUrl: {URL_ERROR}",
    ),
    ({"VoiceUrl": "https://"}, f"Invalid value for parameter VoiceUrl: {URL_ERROR}"),
    (
        {"VoiceUrl": "https://a b.example.com/"},
        f"Invalid value for parameter VoiceUrl: {URL_ERROR}",
    ),
    (
        {"VoiceFallbackUrl": "/fallback"},
        f"Invalid value for parameter VoiceFallbackUrl: {URL_ERROR}",
    ),
    (
        {"StatusCallbackUrl": "mailto:ops@example.com"},
        f"Invalid value for parameter StatusCallbackUrl: {URL_ERROR}",
    ),
    ({"VoiceMethod": "PUT"}, "Invalid value for parameter VoiceMethod: must be GET or POST"),
    ({"VoiceMethod": "post"}, "Invalid value for parameter VoiceMethod: must be GET or POST"),
    (
        {"VoiceFallbackMethod": "DELETE"},
        "Invalid value for parameter VoiceFallbackMethod: must be GET or POST",
    ),
    (
        {"StatusCallbackMethod": ""},
        "Invalid value for parameter StatusCallbackMethod: must be GET or POST",
    ),
    (
        {"CnamLookupEnabled": "yes"},
        "Invalid value for parameter CnamLookupEnabled: must be true or false",
    ),
    (
        {"ConnectionPolicySid": "NY123"},
        "Invalid value for parameter ConnectionPolicySid: "
        "must be a Connection Policy SID (NY followed by 32 hexadecimal digits)",
    ),
    (
        {"ConnectionPolicySid": "NE" + "1" * 32},
        "Invalid value for parameter ConnectionPolicySid: "
        "must be a Connection Policy SID (NY followed by 32 hexadecimal digits)",
    ),
    (
        {"ConnectionPolicySid": UNKNOWN_POLICY},
        "Invalid value for parameter ConnectionPolicySid: "
        f"Connection Policy {UNKNOWN_POLICY} was not found",
    ),
    (
        {"FromDomainSid": "SD" + "g" * 32},
        "Invalid value for parameter FromDomainSid: "
        "must be a SIP Domain SID (SD followed by 32 hexadecimal digits)",
    ),
    (
        {"FromDomainSid": UNKNOWN_POLICY},
        "Invalid value for parameter FromDomainSid: "
        "must be a SIP Domain SID (SD followed by 32 hexadecimal digits)",
    ),
    (
        {"FriendlyName": "x" * 256},
        "Invalid value for parameter FriendlyName: must be at most 255 characters long",
    ),
    (
        [("VoiceMethod", "GET"), ("VoiceMethod", "POST")],
        "Parameter VoiceMethod was given 2 times in the post body",
    ),
]


@pytest.fixture
def trunk_sid(fake_voice: FakeVoice) -> str:
    policy = fake_voice.create("ConnectionPolicies", account_sid=ACCOUNT_SID)["sid"]
    trunk = fake_voice.create(
        "ByocTrunks",
        account_sid=ACCOUNT_SID,
        VoiceUrl="https://a.example.com/voice",
        ConnectionPolicySid=policy,
    )
    return str(trunk["sid"])


@pytest.mark.parametrize(("form", "message"), BAD_FORMS)
def test_create_with_a_bad_parameter_is_a_400(
    fake_voice: FakeVoice, http: requests.Session, trunk_sid: str, form: Form, message: str
) -> None:
    assert_refused(fake_voice, lambda: http.post(TRUNKS, data=form), 400, 20001, message)


@pytest.mark.parametrize(("form", "message"), BAD_FORMS)
def test_update_with_a_bad_parameter_is_a_400(
    fake_voice: FakeVoice, http: requests.Session, trunk_sid: str, form: Form, message: str
) -> None:
    url = f"{TRUNKS}/{trunk_sid}"
    assert_refused(fake_voice, lambda: http.post(url, data=form), 400, 20001, message)


def test_an_update_with_one_bad_parameter_applies_none(
    fake_voice: FakeVoice, http: requests.Session, trunk_sid: str
) -> None:
    form = {"FriendlyName": "ok", "VoiceUrl": "https://b.example.com", "VoiceMethod": "PATCH"}
    message = "Invalid value for parameter VoiceMethod: must be GET or POST"

    assert_refused(
        fake_voice, lambda: http.post(f"{TRUNKS}/{trunk_sid}", data=form), 400, 20001, message
    )


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("sid", [UNKNOWN_TRUNK, "BY123", "NY" + "0" * 32])
def test_an_unknown_or_malformed_trunk_sid_is_a_404(
    fake_voice: FakeVoice, http: requests.Session, trunk_sid: str, method: str, sid: str
) -> None:
    message = f"The requested resource /ByocTrunks/{sid} was not found"

    assert_refused(fake_voice, lambda: http.request(method, f"{TRUNKS}/{sid}"), 404, 20404, message)


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        (
            {"PageSize": "0"},
            20001,
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        (
            {"Page": "-1"},
            20001,
            "Invalid value for parameter Page: must be a whole number of at least 0",
        ),
        ({"PageToken": "PA" + UNKNOWN_TRUNK}, 21481, "Invalid PageToken"),
    ],
)
def test_list_with_bad_paging_is_a_400(
    fake_voice: FakeVoice,
    http: requests.Session,
    trunk_sid: str,
    query: dict[str, str],
    code: int,
    message: str,
) -> None:
    assert_refused(fake_voice, lambda: http.get(TRUNKS, params=query), 400, code, message)


def test_a_method_the_list_path_lacks_is_a_405(
    fake_voice: FakeVoice, http: requests.Session, trunk_sid: str
) -> None:
    assert_refused(fake_voice, lambda: http.delete(TRUNKS), 405, 20004, "Method not allowed")
