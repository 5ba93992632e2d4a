"""Voice v2 and v3 records in saved states: exported, loaded back, and refused when broken."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import fake_voice
from fake_voice import StateError
from tests.conftest import ACCOUNT_SID
from tests.voice_v2v3 import RECORDING, RECORDING_SID, TRANSCRIPTION


def seeded() -> tuple[fake_voice.FakeVoice, str, str]:
    voice = fake_voice.mock(seed=4, account_sid=ACCOUNT_SID)
    setup = voice.create(
        "v2/Configurations/Transcription", unique_name="support", configuration=TRANSCRIPTION
    )["id"]
    voice.create("v2/Configurations/Transcription/Default", configuration_id=setup)
    voice.create("v2/AccountDefaultConfiguration/Recording", configuration=RECORDING)
    accepted = voice.create(
        "v3/Transcriptions", transcriptionConfigurationId=setup, sourceId=RECORDING_SID
    )
    return voice, setup, accepted["transcription"]["id"]


def test_an_exported_state_loads_back_with_every_v2_and_v3_record() -> None:
    voice, setup, transcription = seeded()
    state = voice.export_state()

    loaded = fake_voice.mock(account_sid=ACCOUNT_SID)
    loaded.load_state(state)

    assert sorted(state[ACCOUNT_SID]["collections"]) == [
        "account_default_configurations",
        "configurations/Transcription",
        "transcriptions",
    ]
    assert state[ACCOUNT_SID]["extras"]["default_configurations"] == {"Transcription": setup}
    assert loaded.fetch("v2/Configurations/Transcription/Default")["id"] == setup
    assert loaded.fetch("v2/AccountDefaultConfiguration/Recording")["configuration"] == RECORDING
    assert loaded.fetch(f"v3/Transcriptions/{transcription}")["operationId"] == transcription
    assert loaded.export_state() == state


def _broken(change: Any) -> dict[str, Any]:
    voice, _, _ = seeded()
    state = copy.deepcopy(voice.export_state())
    change(state[ACCOUNT_SID])
    return state


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: a["collections"]["configurations/Transcription"][0]["configuration"].update(
                language="xx"
            ),
            "configurations/Transcription[0] does not render by its schema at /configuration",
        ),
        (
            lambda a: a["collections"]["transcriptions"][0].pop("createdAt"),
            "transcriptions[0] cannot be rendered: KeyError",
        ),
        (
            lambda a: a["extras"].update(default_configurations={"Transcription": "support"}),
            "extras/default_configurations/Transcription",
        ),
    ],
)
def test_a_broken_v2_or_v3_record_is_refused_and_changes_nothing(change: Any, message: str) -> None:
    target = fake_voice.mock(account_sid=ACCOUNT_SID)

    with pytest.raises(StateError) as refused:
        target.load_state(_broken(change))

    assert message in str(refused.value)
    assert target.export_state() == {}
