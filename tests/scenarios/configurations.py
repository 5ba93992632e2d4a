"""Voice v2 Configurations: all 14 operations through twilio-python, and their errors."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.voice_v2v3 import (
    RECORDING,
    TRANSCRIPTION,
    configuration,
    default,
    recording,
    transcription,
    typed,
)


def scenario_recording_configurations(client: Client, voice: FakeVoice) -> None:
    v2 = client.voice.v2
    created = v2.configurations("Recording").create(
        configuration(unique_name="calls", configuration=RECORDING)
    )
    assert created.id.startswith("voice_recordingconfiguration_")
    # twilio-python 9.13 cannot build the instance it got back: the fake answered 201.
    with pytest.raises(AttributeError, match="id_or_unique_name"):
        v2.recording.create(recording(unique_name="spare", configuration=RECORDING))

    assert v2.recording("calls").fetch().configuration == RECORDING
    updated = v2.recording(created.id).update(
        recording(unique_name="calls", description="all calls", configuration=RECORDING)
    )
    assert updated.description == "all calls"
    assert v2.recording("spare").delete() is True

    with pytest.raises(TwilioRestException) as missing:
        v2.recording("spare").fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as bad:
        v2.configurations("Recording").create(
            configuration(configuration={**RECORDING, "compositionPolicy": {"channels": "4"}})
        )
    assert (bad.value.status, bad.value.code) == (400, 20001)


def scenario_transcription_configurations_and_the_default(client: Client, voice: FakeVoice) -> None:
    v2 = client.voice.v2
    created = v2.configurations("Transcription").create(
        configuration(unique_name="support", configuration=TRANSCRIPTION)
    )
    with pytest.raises(AttributeError, match="id_or_unique_name"):
        v2.transcription.create(transcription(unique_name="sales", configuration=TRANSCRIPTION))

    assert v2.transcription("support").fetch().id == created.id
    german = {**TRANSCRIPTION, "language": "de-DE"}
    assert (
        v2.transcription("sales")
        .update(transcription(unique_name="sales", configuration=german))
        .configuration
        == german
    )
    v2.configurations("Transcription").default.create(default("support"))
    assert v2.configurations("Transcription").default.fetch().id == created.id
    assert v2.transcription("sales").delete() is True

    with pytest.raises(TwilioRestException) as unknown:
        v2.configurations("Transcription").default.create(default("sales"))
    assert (unknown.value.status, unknown.value.code) == (404, 20404)


def scenario_configurations_of_another_type(client: Client, voice: FakeVoice) -> None:
    v2 = client.voice.v2
    summary = {"configurationType": "Summary", "length": "short"}
    created = v2.configurations("Summary").create(configuration(configuration=summary))
    assert created.id.startswith("voice_summaryconfiguration_")
    assert v2.type("Summary", created.id).fetch().configuration == summary
    longer = {**summary, "length": "long"}
    assert (
        v2.type("Summary", created.id)
        .update(typed(unique_name="brief", configuration=longer))
        .unique_name
        == "brief"
    )
    assert v2.type("Summary", "brief").delete() is True

    with pytest.raises(TwilioRestException) as gone:
        v2.type("Summary", created.id).fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as mismatch:
        v2.configurations("Summary").create(configuration(configuration=RECORDING))
    assert (mismatch.value.status, mismatch.value.code) == (400, 20001)
