"""HTTP Basic auth: accounts from AC SIDs, API keys mapped to accounts, optional token checks."""

from __future__ import annotations

import base64
import re

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice, mock
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID

LIST = f"{BASE}/v1/ConnectionPolicies"
API_KEY = "SK" + "a" * 32
UNAUTHORIZED = {
    "code": 20003,
    "message": "Authenticate",
    "more_info": "https://www.twilio.com/docs/errors/20003",
    "status": 401,
    "detail": "Your AccountSid or AuthToken was incorrect.",
}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer abc",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"ACnot-a-sid:token").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:token").decode(),
        "Basic " + base64.b64encode(f"{API_KEY}:secret".encode()).decode(),
        "Basic é",  # not even ASCII: a 401 too, never an exception in the fake
    ],
)
def test_missing_or_malformed_credentials_get_401(
    fake_voice: FakeVoice, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = requests.post(LIST, data={"FriendlyName": "x"}, headers=headers)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    assert fake_voice.export_state() == {}


def test_any_token_is_accepted_by_default(fake_voice: FakeVoice) -> None:
    client = Client(ACCOUNT_SID, "whatever")

    assert client.voice.v1.connection_policies.create(friendly_name="x").friendly_name == "x"


@pytest.mark.fake_voice(auth_tokens={ACCOUNT_SID: "right"})
def test_tokens_are_checked_when_configured(fake_voice: FakeVoice) -> None:
    good = Client(ACCOUNT_SID, "right")
    wrong = Client(ACCOUNT_SID, "wrong")
    unknown = Client(OTHER_ACCOUNT_SID, "right")

    good.voice.v1.connection_policies.create()
    for client in (wrong, unknown):
        with pytest.raises(TwilioRestException) as caught:
            client.voice.v1.connection_policies.create()
        assert (caught.value.status, caught.value.code) == (401, 20003)
        assert caught.value.msg == "Unable to create record: Authenticate"
    assert len(good.voice.v1.connection_policies.list()) == 1


@pytest.mark.fake_voice(api_keys={API_KEY: ACCOUNT_SID})
def test_an_api_key_acts_for_its_account(fake_voice: FakeVoice) -> None:
    with_key = Client(API_KEY, "secret", ACCOUNT_SID)
    with_account = Client(ACCOUNT_SID, "token")

    created = with_key.voice.v1.connection_policies.create(friendly_name="via key")

    assert created.account_sid == ACCOUNT_SID
    assert [p.sid for p in with_account.voice.v1.connection_policies.list()] == [created.sid]
    assert fake_voice.requests[0].account_sid == ACCOUNT_SID


@pytest.mark.fake_voice(api_keys={API_KEY: ACCOUNT_SID}, auth_tokens={API_KEY: "secret"})
def test_an_api_key_secret_is_checked_when_configured(fake_voice: FakeVoice) -> None:
    with pytest.raises(TwilioRestException) as caught:
        Client(API_KEY, "not-the-secret", ACCOUNT_SID).voice.v1.connection_policies.create()

    assert caught.value.status == 401
    assert Client(API_KEY, "secret", ACCOUNT_SID).voice.v1.connection_policies.list() == []


def test_credentials_never_appear_in_recorded_exchanges(fake_voice: FakeVoice) -> None:
    Client(ACCOUNT_SID, "super-secret-token").voice.v1.connection_policies.list()

    exchange = fake_voice.requests[-1]
    assert exchange.headers["Authorization"] == "[redacted]"
    assert "super-secret-token" not in repr(exchange)


@pytest.mark.parametrize(
    "api_keys", [{ACCOUNT_SID: API_KEY}, {API_KEY: "AC1"}, {API_KEY: ACCOUNT_SID + "0"}]
)
def test_api_keys_must_map_key_sids_to_account_sids(api_keys: dict[str, str]) -> None:
    # A key mapped to a malformed account would store records no schema accepts.
    with pytest.raises(ValueError, match="api_keys maps SK"):
        mock(api_keys=api_keys)


@pytest.mark.parametrize("account_sid", ["AC123", "nope", ACCOUNT_SID + "\n"])
def test_direct_calls_act_only_for_an_account_sid(account_sid: str) -> None:
    message = (
        f"account_sid must be an account SID (AC and 32 hexadecimal digits), not {account_sid!r}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        mock(account_sid=account_sid)
    voice = mock()
    with pytest.raises(ValueError, match=re.escape(message)):
        voice.create("ConnectionPolicies", account_sid=account_sid)
    with pytest.raises(ValueError, match=re.escape(message)):
        voice.add_archived_call("2024-01-02", account_sid=account_sid)

    assert voice.export_state() == {}
