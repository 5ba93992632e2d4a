"""`fake-voice validate` on Voice v2 and v3 traffic: JSON request bodies and both error shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.rest import Client

from fake_voice import FakeVoice
from fake_voice.cli import main
from tests.conftest import ACCOUNT_SID
from tests.voice_v2v3 import (
    RECORDING,
    RECORDING_SID,
    TRANSCRIPTION,
    configuration,
    v3_transcription,
)

UNKNOWN = "voice_transcription_00000000000000000000000000"


@pytest.fixture
def recording(fake_voice: FakeVoice, tmp_path: Path) -> Path:
    """Six exchanges: two v2 creates, a v2 400, a v3 create, a v3 fetch and a v3 404."""
    client = Client(ACCOUNT_SID, "token")
    client.voice.v2.configurations("Recording").create(configuration(configuration=RECORDING))
    setup = client.voice.v2.configurations("Transcription").create(
        configuration(configuration=TRANSCRIPTION)
    )
    with pytest.raises(TwilioRestException):
        client.voice.v2.configurations("Recording").create(
            configuration(configuration={"configurationType": "Recording", "x": 1})
        )
    created = client.voice.v3.transcriptions.create(
        v3_transcription(transcriptionConfigurationId=setup.id, sourceId=RECORDING_SID)
    )
    client.voice.v3.transcriptions(created.transcription["id"]).fetch()
    with pytest.raises(TwilioServiceException):
        client.voice.v3.transcriptions(UNKNOWN).fetch()
    path = tmp_path / "v2v3.json"
    fake_voice.save_recording(path)
    return path


def edit(path: Path, number: int, part: str, change: Any) -> None:
    """Replace the JSON body of one exchange's request or response with ``change(body)``."""
    data = json.loads(path.read_text())
    holder = data["exchanges"][number - 1][part]
    holder["body"] = json.dumps(change(json.loads(holder["body"])))
    path.write_text(json.dumps(data))


def run(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[str]]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_v2_and_v3_traffic_of_the_fake_is_valid(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, recording)

    assert code == 0
    assert out[0] == f"{recording}: fake-voice recording, 6 entries, valid"


def test_an_accepted_json_body_the_schema_refuses_is_a_request_violation(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        recording,
        1,
        "request",
        lambda body: {**body, "configuration": {**RECORDING, "compositionPolicy": {"x": 1}}},
    )

    code, out = run(capsys, recording)

    assert code == 1
    assert out[1:3] == [
        "  #1 POST voice.twilio.com/v2/Configurations/Recording (CreateRecordingConfiguration)",
        "    request /configuration: Unknown parameter configuration.compositionPolicy.x in the "
        "request body",
    ]


def test_a_v3_error_in_the_legacy_envelope_and_a_v2_error_as_a_problem_are_violations(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = {
        "code": 20404,
        "message": "not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }
    edit(recording, 6, "response", lambda body: legacy)
    edit(recording, 3, "response", lambda body: {**body, "type": "about:blank", "title": "x"})

    code, out = run(capsys, recording)

    assert code == 1
    text = "\n".join(out)
    assert "#3 POST voice.twilio.com/v2/Configurations/Recording" in text
    assert "rule: additionalProperties at error.json#/additionalProperties" in text
    assert f"#6 GET voice.twilio.com/v3/Transcriptions/{UNKNOWN} (FetchTranscription)" in text
    assert "response: 'type' is a required property" in text
    assert "rule: required at problem.json#/required" in text
