"""Bodies for Voice v2 and v3 as a user builds them with twilio-python 9.13's request objects."""

from __future__ import annotations

from typing import Any

from twilio.rest.voice.v2.account_default_configuration import AccountDefaultConfigurationList
from twilio.rest.voice.v2.configuration import ConfigurationList
from twilio.rest.voice.v2.configuration.default import DefaultList
from twilio.rest.voice.v2.recording import RecordingList
from twilio.rest.voice.v2.recording_account_default_configuration import (
    RecordingAccountDefaultConfigurationList,
)
from twilio.rest.voice.v2.transcription import TranscriptionList
from twilio.rest.voice.v2.type import TypeList
from twilio.rest.voice.v3.transcription import TranscriptionList as V3TranscriptionList

RECORDING: dict[str, Any] = {
    "configurationType": "Recording",
    "compositionPolicy": {"channels": "dual", "trim": "trim-silence", "track": "both"},
    "callRecordingStatusCallback": {
        "url": "https://example.com/recordings",
        "method": "POST",
        "events": ["completed", "failed"],
    },
}
TRANSCRIPTION: dict[str, Any] = {
    "configurationType": "Transcription",
    "transcriptionEngine": "deepgram",
    "speechModel": "nova-3",
    "language": "en-US",
    "transcriptionStatusCallback": {"url": "https://example.com/transcripts", "method": "POST"},
    "participantDefaults": [
        {"audioChannelIndex": 1, "type": "CUSTOMER"},
        {"audioChannelIndex": 2, "type": "HUMAN_AGENT"},
    ],
}
RECORDING_SID = "RE" + "e3a2b046e52271b586425c61d84ca90e"


def configuration(**body: Any) -> Any:
    """The body of ``client.voice.v2.configurations(type).create()``."""
    return ConfigurationList.VoiceV2ConfigurationRequest(body)


def typed(**body: Any) -> Any:
    """The body of ``client.voice.v2.type(type, id).update()``."""
    return TypeList.VoiceV2ConfigurationRequest(body)


def recording(**body: Any) -> Any:
    """The body of ``client.voice.v2.recording(...)`` create and update."""
    return RecordingList.VoiceV2ConfigurationRecordingRequest(body)


def transcription(**body: Any) -> Any:
    """The body of ``client.voice.v2.transcription(...)`` create and update."""
    return TranscriptionList.VoiceV2ConfigurationTranscriptionRequest(body)


def default(configuration_id: str) -> Any:
    return DefaultList.DefaultConfigurationRequest({"configuration_id": configuration_id})


def account_default(**body: Any) -> Any:
    return AccountDefaultConfigurationList.VoiceV2AccountDefaultConfigurationRequest(body)


def recording_account_default(**body: Any) -> Any:
    """The body of ``client.voice.v2.recording_account_default_configuration()`` create and
    update. twilio-python 9.13 raises NameError (``RecordingList`` is not defined) when this
    request gets its configuration as a dict, so it gets the recording module's object."""
    body["configuration"] = RecordingList.VoiceV2ConfigurationRecordingConfiguration(
        body["configuration"]
    )
    request = (
        RecordingAccountDefaultConfigurationList.VoiceV2AccountDefaultConfigurationRecordingRequest
    )
    return request(body)


def v3_transcription(**body: Any) -> Any:
    """The body of ``client.voice.v3.transcriptions.create()``."""
    participants = body.pop("participants", None)
    if participants is not None:
        body["participants"] = [
            V3TranscriptionList.VoiceV3TranscriptionParticipant(p) for p in participants
        ]
    return V3TranscriptionList.CreateV3TranscriptionsRequest(body)
