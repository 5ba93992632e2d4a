"""Voice v2 Account Default Configurations: all 4 operations, 409, 422 and 404."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.voice_v2v3 import RECORDING, TRANSCRIPTION, account_default, recording_account_default


def scenario_the_account_default_recording_configuration(client: Client, voice: FakeVoice) -> None:
    defaults = client.voice.v2.recording_account_default_configuration()
    created = defaults.create(recording_account_default(configuration=RECORDING))
    assert created.configuration == RECORDING
    assert defaults.fetch().account_sid == created.account_sid
    mono = {**RECORDING, "compositionPolicy": {"channels": "mono"}}
    assert (
        defaults.update(
            recording_account_default(description="mono", configuration=mono)
        ).description
        == "mono"
    )

    with pytest.raises(TwilioRestException) as twice:
        defaults.create(recording_account_default(configuration=RECORDING))
    assert (twice.value.status, twice.value.code) == (409, 20409)
    assert defaults.delete() is True
    with pytest.raises(TwilioRestException) as gone:
        defaults.fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)


def scenario_account_defaults_of_any_type(client: Client, voice: FakeVoice) -> None:
    transcription = client.voice.v2.account_default_configuration("Transcription")
    created = transcription.create(account_default(configuration=TRANSCRIPTION))
    assert created.configuration["language"] == "en-US"
    french = {**TRANSCRIPTION, "language": "fr-FR"}
    assert transcription.update(account_default(configuration=french)).configuration == french
    assert transcription.fetch().configuration == french

    # A Recording configuration is no Transcription default: unprocessable on create.
    with pytest.raises(TwilioRestException) as wrong:
        client.voice.v2.account_default_configuration("Recording").create(
            account_default(configuration=TRANSCRIPTION)
        )
    assert (wrong.value.status, wrong.value.code) == (422, 20422)
    with pytest.raises(TwilioRestException) as bad:
        transcription.update(account_default(configuration={**french, "language": "xx"}))
    assert (bad.value.status, bad.value.code) == (400, 20001)
    assert transcription.delete() is True
