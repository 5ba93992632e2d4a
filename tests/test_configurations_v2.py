"""Voice v2 Configurations as a user drives them: twilio-python sync and async, raw HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID
from tests.voice_v2v3 import (
    RECORDING,
    TRANSCRIPTION,
    configuration,
    default,
    transcription,
)

CONFIGURATIONS = f"{BASE}/v2/Configurations"


def refused(call: Any) -> tuple[int, int, str]:
    with pytest.raises(TwilioRestException) as caught:
        call()
    return caught.value.status, caught.value.code, caught.value.msg


def test_the_client_sends_json_and_a_configuration_is_found_by_id_and_by_unique_name(
    client: Client, fake_voice: FakeVoice
) -> None:
    fake_voice.clock.freeze()
    created = client.voice.v2.configurations("Recording").create(
        configuration(unique_name="calls", description="every call", configuration=RECORDING)
    )

    sent = fake_voice.assert_called_once("CreateRecordingConfiguration", status=201)
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.request_body) == {
        "unique_name": "calls",
        "description": "every call",
        "configuration": RECORDING,
    }
    assert created.id.startswith("voice_recordingconfiguration_") and len(created.id) == 55
    assert created.account_sid == ACCOUNT_SID
    by_id = client.voice.v2.recording(created.id).fetch()
    by_name = client.voice.v2.recording("calls").fetch()
    assert by_id.id == by_name.id == created.id
    assert by_name.configuration == RECORDING
    assert by_name.date_created == fake_voice.clock.now()


def test_put_replaces_the_whole_configuration(client: Client) -> None:
    created = client.voice.v2.configurations("Transcription").create(
        configuration(unique_name="support", description="desk", configuration=TRANSCRIPTION)
    )
    english = {**TRANSCRIPTION, "language": "en-GB"}

    updated = client.voice.v2.transcription("support").update(transcription(configuration=english))

    assert (updated.id, updated.unique_name, updated.description) == (created.id, None, None)
    assert updated.configuration == english
    assert refused(lambda: client.voice.v2.transcription("support").fetch())[:2] == (404, 20404)


def test_unique_names_are_unique_within_a_type_and_may_not_be_default(client: Client) -> None:
    create = client.voice.v2.configurations("Recording").create
    create(configuration(unique_name="calls", configuration=RECORDING))
    client.voice.v2.configurations("Transcription").create(
        configuration(unique_name="calls", configuration=TRANSCRIPTION)
    )

    assert refused(lambda: create(configuration(unique_name="calls", configuration=RECORDING))) == (
        400,
        20001,
        "Unable to create record: Invalid value for parameter unique_name: "
        "a Recording configuration named calls already exists",
    )
    status, code, message = refused(
        lambda: create(configuration(unique_name="Default", configuration=RECORDING))
    )
    assert (status, code) == (400, 20001)
    assert "Invalid value for parameter unique_name: must be a non-empty string other than" in (
        message
    )


def test_the_default_configuration_points_at_an_existing_one(
    client: Client, fake_voice: FakeVoice
) -> None:
    configurations = client.voice.v2.configurations("Recording")
    assert refused(lambda: configurations.default.fetch())[:2] == (404, 20404)
    first = configurations.create(configuration(unique_name="first", configuration=RECORDING))
    second = configurations.create(configuration(configuration=RECORDING))

    configurations.default.create(default("first"))
    assert configurations.default.fetch().id == first.id
    configurations.default.create(default(second.id))
    assert configurations.default.fetch().id == second.id
    assert fake_voice.calls("CreateOrUpdateDefaultConfiguration")[-1].status == 204

    assert refused(lambda: configurations.default.create(default("nothing"))) == (
        404,
        20404,
        "Unable to create record: The Recording configuration nothing was not found",
    )
    client.voice.v2.recording(second.id).delete()
    assert refused(lambda: configurations.default.fetch())[:2] == (404, 20404)


def test_keys_inside_configuration_are_camel_case_and_outside_snake_case(client: Client) -> None:
    create = client.voice.v2.configurations("Recording").create

    inside = {**RECORDING, "composition_policy": {"channels": "mono"}}
    assert refused(lambda: create(configuration(configuration=inside))) == (
        400,
        20001,
        "Unable to create record: Unknown parameter configuration.composition_policy "
        "in the request body",
    )
    assert refused(lambda: create(configuration(configuration={}))) == (
        400,
        20001,
        "Unable to create record: Missing required parameter configuration.configurationType "
        "in the request body",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"participantDefaults": [{"audioChannelIndex": 1, "type": "CUSTOMER"}] * 2},
            "configuration.participantDefaults: must map audioChannelIndex 1 and 2, once each",
        ),
        ({"speechModel": "chirp_2"}, "configuration.speechModel: deepgram takes nova-3, nova-2"),
        (
            {"transcriptionEngine": "google", "speechModel": None, "language": "multi"},
            "configuration.language: multi is for the deepgram engine only",
        ),
        (
            {"transcriptionStatusCallback": None},
            "configuration.transcriptionStatusCallback: give transcriptionStatusCallback.url or "
            "conversationConfigurationId (or both)",
        ),
        (
            {"language": "en-us"},
            "configuration.language: must be one of en-US, en-GB, en-AU, de-DE, fr-FR, it-IT, "
            "es-MX, es-ES, es-US, pt-BR, pt-PT, nl-NL, no-NO, pl-PL, sv-SE, da-DK, multi",
        ),
    ],
)
def test_a_transcription_configuration_must_make_sense(
    client: Client, fake_voice: FakeVoice, change: dict[str, Any], message: str
) -> None:
    body = {**TRANSCRIPTION, **change}
    create = client.voice.v2.configurations("Transcription").create

    assert refused(lambda: create(configuration(configuration=body))) == (
        400,
        20001,
        f"Unable to create record: Invalid value for parameter {message}",
    )
    assert fake_voice.export_state() == {}


def test_a_recording_feature_names_a_transcription_configuration_of_the_account(
    client: Client,
) -> None:
    setup = client.voice.v2.configurations("Transcription").create(
        configuration(configuration=TRANSCRIPTION)
    )
    feature = {"type": "transcriptionConfiguration", "featureId": setup.id}
    create = client.voice.v2.configurations("Recording").create

    made = create(configuration(configuration={**RECORDING, "features": [feature]}))

    assert made.configuration["features"] == [feature]
    other = Client(OTHER_ACCOUNT_SID, "token").voice.v2.configurations("Recording").create
    status, code, message = refused(
        lambda: other(configuration(configuration={**RECORDING, "features": [feature]}))
    )
    assert (status, code) == (400, 20001)
    assert message.endswith(
        f"features[0].featureId: Transcription configuration {setup.id} was not found"
    )


def test_accounts_do_not_see_each_others_configurations(client: Client) -> None:
    created = client.voice.v2.configurations("Recording").create(
        configuration(unique_name="calls", configuration=RECORDING)
    )
    other = Client(OTHER_ACCOUNT_SID, "token").voice.v2

    assert refused(lambda: other.recording(created.id).fetch())[:2] == (404, 20404)
    assert refused(lambda: other.recording("calls").delete())[:2] == (404, 20404)
    assert client.voice.v2.recording("calls").fetch().id == created.id


def test_a_type_differing_from_a_known_one_only_in_case_is_refused(client: Client) -> None:
    assert refused(
        lambda: client.voice.v2.configurations("recording").create(
            configuration(configuration=RECORDING)
        )
    ) == (
        400,
        20001,
        "Unable to create record: Invalid value for parameter Type: must be Recording",
    )


@pytest.mark.parametrize("body", [b"FriendlyName=x", b"{", b"[]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400_in_the_legacy_envelope(
    http: requests.Session, fake_voice: FakeVoice, body: bytes
) -> None:
    response = http.post(
        f"{CONFIGURATIONS}/Recording", data=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "more_info", "status"}
    assert response.json()["code"] == 20001
    assert fake_voice.export_state() == {}


def test_v2_has_no_patch_and_no_list(http: requests.Session) -> None:
    patched = http.patch(f"{CONFIGURATIONS}/Recording/x", json={})
    listed = http.get(f"{CONFIGURATIONS}/Recording")

    assert (patched.status_code, patched.headers["Allow"]) == (405, "DELETE, GET, PUT")
    assert (listed.status_code, listed.headers["Allow"]) == (405, "POST")
    assert listed.json()["more_info"] == "https://www.twilio.com/docs/errors/20004"


def test_the_direct_async_client_creates_what_the_sync_client_reads(
    fake_voice: FakeVoice, client: Client
) -> None:
    async def create() -> str:
        aclient = fake_voice.async_client(ACCOUNT_SID)
        made = await aclient.voice.v2.configurations("Recording").create_async(
            configuration(unique_name="calls", configuration=RECORDING)
        )
        return str(made.id)

    made = asyncio.run(create())

    assert client.voice.v2.recording("calls").fetch().id == made


def test_the_aiohttp_client_reads_and_deletes_but_sends_creates_as_forms(
    fake_voice: FakeVoice, client: Client
) -> None:
    created = client.voice.v2.configurations("Recording").create(
        configuration(unique_name="calls", configuration=RECORDING)
    )

    async def main() -> tuple[str, bool, int]:
        async with AsyncTwilioHttpClient() as http:
            v2 = Client(ACCOUNT_SID, "token", http_client=http).voice.v2
            fetched = await v2.recording("calls").fetch_async()
            deleted = await v2.recording(created.id).delete_async()
            with pytest.raises(TwilioRestException) as caught:
                await v2.configurations("Recording").create_async(
                    configuration(configuration=RECORDING)
                )
            return fetched.id, deleted, caught.value.status

    assert asyncio.run(main()) == (created.id, True, 400)
    # twilio-python 9.13's AsyncTwilioHttpClient hands aiohttp the body as a dict: a form,
    # under the JSON content type, with only the keys of a nested object.
    sent = fake_voice.calls("CreateRecordingConfiguration")[-1]
    assert (
        sent.request_body == b"configuration=configurationType&configuration=compositionPolicy"
        b"&configuration=callRecordingStatusCallback"
    )
    assert sent.json["message"] == "The request body is not valid JSON"


def test_a_fault_by_path_names_the_version_and_answers_the_legacy_envelope(
    client: Client, fake_voice: FakeVoice
) -> None:
    fake_voice.fail(path="v2/Configurations/*", method="POST", status=500)

    status, code, message = refused(
        lambda: client.voice.v2.configurations("Recording").create(
            configuration(configuration=RECORDING)
        )
    )

    assert (status, code, message) == (500, 20500, "Unable to create record: Internal Server Error")
    assert fake_voice.calls("CreateRecordingConfiguration")[-1].json["more_info"] == (
        "https://www.twilio.com/docs/errors/20500"
    )
    assert fake_voice.export_state() == {}
