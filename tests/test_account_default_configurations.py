"""Voice v2 Account Default Configurations: one per Type, 409, 412 with If-Match, 422."""

from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests import official
from tests.conftest import BASE
from tests.voice_v2v3 import RECORDING, TRANSCRIPTION, account_default, recording_account_default

DEFAULTS = f"{BASE}/v2/AccountDefaultConfiguration"


def test_create_answers_201_once_and_409_after(client: Client, fake_voice: FakeVoice) -> None:
    defaults = client.voice.v2.recording_account_default_configuration()
    created = defaults.create(recording_account_default(description="all", configuration=RECORDING))

    try:
        defaults.create(recording_account_default(configuration=RECORDING))
    except TwilioRestException as error:
        assert (error.status, error.code) == (409, 20409)
    else:
        raise AssertionError("a second account default was created")
    assert created.description == "all"
    assert [e.status for e in fake_voice.calls("CreateAccountDefaultConfiguration")] == [201, 409]
    assert defaults.fetch().configuration == RECORDING


def test_an_update_with_if_match_needs_the_current_etag(
    http: requests.Session, fake_voice: FakeVoice
) -> None:
    created = http.post(f"{DEFAULTS}/Transcription", json={"configuration": TRANSCRIPTION})
    etag = created.headers["ETag"]
    changed = {"configuration": {**TRANSCRIPTION, "language": "es-ES"}}

    stale = http.put(f"{DEFAULTS}/Transcription", json=changed, headers={"If-Match": '"old"'})
    fresh = http.put(f"{DEFAULTS}/Transcription", json=changed, headers={"If-Match": etag})

    assert (created.status_code, stale.status_code, fresh.status_code) == (201, 412, 200)
    assert stale.json()["code"] == 20412
    assert (
        official.load_all().response_errors("UpdateAccountDefaultConfiguration", 412, stale.json())
        == []
    )
    assert fresh.headers["ETag"] != etag
    assert http.get(f"{DEFAULTS}/Transcription").headers["ETag"] == fresh.headers["ETag"]
    assert fresh.json()["configuration"]["language"] == "es-ES"


def test_a_configuration_of_another_type_is_unprocessable_on_create_and_bad_on_update(
    client: Client, fake_voice: FakeVoice
) -> None:
    recording = client.voice.v2.account_default_configuration("Recording")
    try:
        recording.create(account_default(configuration=TRANSCRIPTION))
    except TwilioRestException as error:
        assert (error.status, error.code) == (422, 20422)
        assert "configuration.configurationType: must be Recording" in error.msg
    assert fake_voice.export_state() == {}

    recording.create(account_default(configuration=RECORDING))
    try:
        recording.update(account_default(configuration=TRANSCRIPTION))
    except TwilioRestException as error:
        assert (error.status, error.code) == (400, 20001)
    assert recording.fetch().configuration == RECORDING


def test_fetch_update_delete_without_one_are_404(client: Client) -> None:
    defaults = client.voice.v2.account_default_configuration("Recording")
    for call in (
        defaults.fetch,
        lambda: defaults.update(account_default(configuration=RECORDING)),
        defaults.delete,
    ):
        try:
            call()
        except TwilioRestException as error:
            assert (error.status, error.code) == (404, 20404)
        else:
            raise AssertionError("answered without an account default")
