"""Voice v3 Transcriptions: create (both bodies), fetch and list, and problem documents."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioServiceException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.voice_v2v3 import RECORDING_SID, TRANSCRIPTION, configuration, v3_transcription


def scenario_transcriptions_from_create_to_completed(client: Client, voice: FakeVoice) -> None:
    setup = client.voice.v2.configurations("Transcription").create(
        configuration(configuration=TRANSCRIPTION)
    )
    voice.clock.freeze()
    transcriptions = client.voice.v3.transcriptions
    from_recording = transcriptions.create(
        v3_transcription(
            transcriptionConfigurationId=setup.id,
            inputSource="SOURCE_ID",
            sourceId=RECORDING_SID,
            participants=[{"audioChannelIndex": 1, "type": "CUSTOMER", "address": "+15551234567"}],
        ),
        idempotency_key="01926e40-a5e2-7000-8000-2b2c5a4e5d7b",
    )
    assert from_recording.status == "PENDING"
    voice.clock.advance(seconds=6)
    from_url = transcriptions.create(
        v3_transcription(
            transcriptionConfigurationId=setup.id,
            mediaUrl="https://example.com/audio/recording.wav",
            audioStartedAt="2026-01-01T10:00:00Z",
        )
    )
    voice.clock.advance(seconds=10)

    first = from_recording.transcription["id"]
    assert transcriptions(first).fetch().status == "COMPLETED"
    newest_first = [t.id for t in transcriptions.list(page_size=1)]
    assert newest_first == [from_url.transcription["id"], first]
    assert [t.status for t in transcriptions.list(status="RUNNING")] == ["RUNNING"]

    with pytest.raises(TwilioServiceException) as both:
        transcriptions.create(
            v3_transcription(
                transcriptionConfigurationId=setup.id,
                sourceId=RECORDING_SID,
                mediaUrl="https://example.com/a.wav",
            )
        )
    assert (both.value.status, both.value.code) == (400, 20001)
    with pytest.raises(TwilioServiceException) as missing:
        transcriptions("voice_transcription_00000000000000000000000000").fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
