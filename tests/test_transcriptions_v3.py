"""Voice v3 Transcriptions as a user drives them: status over the fake's clock, idempotency,
filters and token pages, problem documents (TwilioServiceException)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE
from tests.voice_v2v3 import RECORDING_SID, TRANSCRIPTION, configuration, v3_transcription

TRANSCRIPTIONS = f"{BASE}/v3/Transcriptions"
START = datetime(2026, 3, 10, 19, 42, 16, tzinfo=timezone.utc)


@pytest.fixture
def setup(client: Client, fake_voice: FakeVoice) -> str:
    """A v2 Transcription configuration, with the fake's clock frozen at START."""
    fake_voice.clock.freeze(START)
    made = client.voice.v2.configurations("Transcription").create(
        configuration(configuration=TRANSCRIPTION)
    )
    return str(made.id)


def create(client: Client, setup: str, key: str | None = None, **body: Any) -> Any:
    request = v3_transcription(
        transcriptionConfigurationId=setup, **(body or {"sourceId": RECORDING_SID})
    )
    if key is None:
        return client.voice.v3.transcriptions.create(request)
    return client.voice.v3.transcriptions.create(request, idempotency_key=key)


def problem(call: Any) -> TwilioServiceException:
    with pytest.raises(TwilioServiceException) as caught:
        call()
    return caught.value


def test_the_status_moves_with_the_fakes_clock(
    client: Client, fake_voice: FakeVoice, setup: str
) -> None:
    accepted = create(client, setup)
    transcription_id = accepted.transcription["id"]
    fetch = client.voice.v3.transcriptions(transcription_id).fetch

    seen = [accepted.status]
    for seconds in (4, 1, 9, 1):
        fake_voice.clock.advance(seconds)
        seen.append(fetch().status)

    assert seen == ["PENDING", "PENDING", "RUNNING", "RUNNING", "COMPLETED"]
    done = fetch()
    assert done.operation_id == transcription_id
    assert done.status_url == f"{TRANSCRIPTIONS}/{transcription_id}"
    assert done.transcription["updatedAt"] == "2026-03-10T19:42:31Z"
    assert done.transcription["createdAt"] == "2026-03-10T19:42:16Z"


def test_finish_transcription_settles_one_at_once(
    client: Client, fake_voice: FakeVoice, setup: str
) -> None:
    failed = create(client, setup).transcription["id"]
    completed = create(client, setup).transcription["id"]
    fake_voice.clock.advance(2)

    fake_voice.finish_transcription(failed, "FAILED", account_sid=ACCOUNT_SID)
    fake_voice.finish_transcription(completed, account_sid=ACCOUNT_SID)
    fake_voice.clock.advance(60)

    fetched = client.voice.v3.transcriptions(failed).fetch()
    assert (fetched.status, fetched.transcription["updatedAt"]) == (
        "FAILED",
        "2026-03-10T19:42:18Z",
    )
    assert client.voice.v3.transcriptions(completed).fetch().status == "COMPLETED"
    with pytest.raises(ValueError, match="COMPLETED or FAILED"):
        fake_voice.finish_transcription(failed, "RUNNING", account_sid=ACCOUNT_SID)
    with pytest.raises(KeyError):
        fake_voice.finish_transcription(failed)  # another account's


def test_create_answers_202_with_the_operation_headers(
    http: requests.Session, fake_voice: FakeVoice, setup: str
) -> None:
    response = http.post(
        TRANSCRIPTIONS,
        json={"transcriptionConfigurationId": setup, "mediaUrl": "https://example.com/a.wav"},
    )
    body = response.json()
    url = body["statusUrl"]

    assert response.status_code == 202
    assert response.headers["Location"] == url
    assert response.headers["Operation-Id"] == body["transcription"]["id"] == url.rsplit("/")[-1]
    assert response.headers["Retry-After"] == "5"
    assert body["transcription"]["participants"] == TRANSCRIPTION["participantDefaults"]
    assert body["transcription"]["resolvedConfiguration"] == {
        "transcriptionEngine": "deepgram",
        "speechModel": "nova-3",
        "language": "en-US",
        "transcriptionStatusCallback": {"url": "https://example.com/transcripts", "method": "POST"},
        "participantDefaults": TRANSCRIPTION["participantDefaults"],
    }
    fake_voice.clock.advance(20)
    assert "Retry-After" not in http.get(url).headers


def test_participants_given_replace_the_defaults_of_their_channel(
    client: Client, setup: str
) -> None:
    agent = {"audioChannelIndex": 2, "type": "AI_AGENT", "name": "Bot"}

    made = create(client, setup, sourceId=RECORDING_SID, participants=[agent])

    assert made.transcription["participants"] == [
        {"audioChannelIndex": 1, "type": "CUSTOMER"},
        agent,
    ]
    assert made.transcription["sourceId"] == RECORDING_SID
    assert "audioStartedAt" not in made.transcription


def test_the_same_idempotency_key_and_body_get_the_original_answer(
    client: Client, fake_voice: FakeVoice, setup: str
) -> None:
    first = create(client, setup, key="01926e40-a5e2-7000-8000-2b2c5a4e5d7b")
    fake_voice.clock.advance(30)
    again = create(client, setup, key="01926e40-a5e2-7000-8000-2b2c5a4e5d7b")

    assert again.transcription == first.transcription  # as first answered: PENDING
    assert len(client.voice.v3.transcriptions.list()) == 1
    replayed = fake_voice.calls("CreateV3Transcriptions")[-1]
    assert replayed.response_headers["Idempotency-Key"] == "01926e40-a5e2-7000-8000-2b2c5a4e5d7b"

    fake_voice.clock.advance(hours=24)
    later = create(client, setup, key="01926e40-a5e2-7000-8000-2b2c5a4e5d7b")
    assert later.transcription["id"] != first.transcription["id"]


def test_a_used_key_with_another_body_is_422_unless_replay_is_chosen(
    client: Client, setup: str
) -> None:
    first = create(client, setup, key="k1")

    error = problem(lambda: create(client, setup, key="k1", mediaUrl="https://example.com/b.wav"))
    assert (error.status, error.code, error.title) == (422, 20422, "Request cannot be processed")
    assert error.detail == "Idempotency-Key k1 was already used with another request body"

    with fake_voice.mock(idempotency_key_reuse="replay") as voice:
        voice.clock.freeze(START)
        replaying = Client(ACCOUNT_SID, "token")
        setup_id = (
            replaying.voice.v2.configurations("Transcription")
            .create(configuration(configuration=TRANSCRIPTION))
            .id
        )
        original = create(replaying, setup_id, key="k1")
        other = create(replaying, setup_id, key="k1", mediaUrl="https://example.com/b.wav")
        assert other.transcription == original.transcription
    assert first.transcription["id"]


def test_filters_combine_and_pages_walk_newest_first(
    client: Client, fake_voice: FakeVoice, setup: str
) -> None:
    other_recording = "RE" + "0" * 32
    made = []
    for n in range(5):
        body = {"sourceId": other_recording if n == 2 else RECORDING_SID}
        made.append(create(client, setup, **body).transcription["id"])
        fake_voice.clock.advance(10)
    transcriptions = client.voice.v3.transcriptions

    assert [t.id for t in transcriptions.list(page_size=2)] == made[::-1]
    assert [t.id for t in transcriptions.list(source_id=other_recording)] == [made[2]]
    window = transcriptions.list(
        created_after=datetime(2026, 3, 10, 19, 42, 26, tzinfo=timezone.utc),
        created_before=datetime(2026, 3, 10, 19, 42, 56, tzinfo=timezone.utc),
    )
    assert [t.id for t in window] == [made[3], made[2], made[1]]  # after inclusive, before not
    assert [t.id for t in transcriptions.list(status="COMPLETED")] == made[3::-1]  # 15 s old
    assert transcriptions.list(language_code="en-us") == []
    assert len(transcriptions.list(language_code="en-US")) == 5

    first = transcriptions.page(page_size=2)
    second = first.next_page()
    back = second.previous_page()
    assert [t.id for t in second] == made[2:0:-1]
    assert [t.id for t in back] == [t.id for t in first]
    assert first.previous_token is None and back.previous_token is None


def test_bad_queries_and_tokens_are_400_problems(http: requests.Session, setup: str) -> None:
    page = http.get(TRANSCRIPTIONS, params={"pageSize": 1, "status": "PENDING"})

    bad_source = http.get(TRANSCRIPTIONS, params={"sourceId": "RE" + "A" * 32})
    forged = http.get(TRANSCRIPTIONS, params={"pageToken": "bm90LWEtdG9rZW4"})
    assert page.status_code == 200
    assert bad_source.status_code == forged.status_code == 400
    assert bad_source.headers["Content-Type"] == "application/problem+json"
    assert bad_source.json() == {
        "type": "https://www.twilio.com/docs/api/errors/20001",
        "title": "Invalid request parameters",
        "status": 400,
        "code": 20001,
        "detail": "Invalid value for parameter sourceId: must be a Recording SID "
        "(RE and 32 lowercase hexadecimal digits)",
    }
    assert forged.json()["code"] == 21481


def test_a_token_is_only_valid_for_the_filters_that_made_it(
    client: Client, http: requests.Session, setup: str
) -> None:
    for _ in range(3):
        create(client, setup)
    token = http.get(TRANSCRIPTIONS, params={"pageSize": 1}).json()["meta"]["nextToken"]

    same = http.get(TRANSCRIPTIONS, params={"pageSize": 1, "pageToken": token})
    other = http.get(TRANSCRIPTIONS, params={"status": "PENDING", "pageToken": token})

    assert same.status_code == 200 and same.json()["meta"]["pageSize"] == 1
    assert (other.status_code, other.json()["code"], other.json()["detail"]) == (
        400,
        21481,
        "Invalid PageToken",
    )


def test_page_size_over_100_is_capped_or_refused_as_chosen(http: requests.Session) -> None:
    capped = http.get(TRANSCRIPTIONS, params={"pageSize": 500})
    with fake_voice.mock(page_size_over_limit="reject"):
        refused = requests.get(TRANSCRIPTIONS, params={"pageSize": 500}, auth=(ACCOUNT_SID, "t"))

    assert capped.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "Invalid value for parameter pageSize: must be a whole number from 1 to 100"
    )


@pytest.mark.parametrize(
    ("body", "detail", "pointer"),
    [
        (
            {"sourceId": RECORDING_SID, "mediaUrl": "https://x.example/a.wav"},
            "Invalid value for parameter mediaUrl: give sourceId or mediaUrl, not both",
            "/mediaUrl",
        ),
        ({}, "Missing required parameter mediaUrl in the request body", "/mediaUrl"),
        (
            {"sourceId": RECORDING_SID, "inputSource": "MEDIA_URL"},
            "Invalid value for parameter inputSource: must be SOURCE_ID",
            "/inputSource",
        ),
        (
            {"mediaUrl": "https://x.example/a.wav", "participants": [{"audioChannelIndex": 3}]},
            "Invalid value for parameter participants[0].audioChannelIndex: "
            "3 is greater than the maximum of 2",
            "/participants/0/audioChannelIndex",
        ),
    ],
)
def test_a_bad_create_body_is_a_problem_naming_its_place(
    http: requests.Session,
    fake_voice: FakeVoice,
    setup: str,
    body: dict[str, Any],
    detail: str,
    pointer: str,
) -> None:
    before = fake_voice.export_state()

    response = http.post(TRANSCRIPTIONS, json={"transcriptionConfigurationId": setup, **body})

    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert response.json()["errors"] == [{"detail": detail, "pointer": pointer}]
    assert fake_voice.export_state() == before


def test_an_unknown_configuration_is_404_and_auth_errors_are_problems_too(
    client: Client, http: requests.Session
) -> None:
    unknown = "voice_transcriptionconfiguration_" + "0" * 26
    error = problem(lambda: create(client, unknown))
    anonymous = requests.get(TRANSCRIPTIONS)

    assert (error.status, error.code) == (404, 20404)
    assert error.detail == f"The Transcription configuration {unknown} was not found"
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    assert anonymous.json()["title"] == "Authentication required"
    assert http.put(TRANSCRIPTIONS, json={}).json()["code"] == 20004


def test_the_aiohttp_client_fetches_and_lists_a_first_page(client: Client, setup: str) -> None:
    made = create(client, setup).transcription["id"]

    async def main() -> tuple[str, list[str]]:
        async with AsyncTwilioHttpClient() as http:
            v3 = Client(ACCOUNT_SID, "token", http_client=http).voice.v3
            fetched = await v3.transcriptions(made).fetch_async()
            page = await v3.transcriptions.page_async(page_size=10)
            return fetched.operation_id, [t.id for t in page]

    assert asyncio.run(main()) == (made, [made])


def test_the_direct_async_client_creates_with_an_idempotency_key(
    fake_voice: FakeVoice, setup: str
) -> None:
    async def main() -> tuple[str, str]:
        v3 = fake_voice.async_client(ACCOUNT_SID).voice.v3
        request = v3_transcription(transcriptionConfigurationId=setup, sourceId=RECORDING_SID)
        first = await v3.transcriptions.create_async(request, idempotency_key="a")
        again = await v3.transcriptions.create_async(request, idempotency_key="a")
        return first.transcription["id"], again.transcription["id"]

    first, again = asyncio.run(main())

    assert first == again
    listed = fake_voice.list_all("v3/Transcriptions", account_sid=ACCOUNT_SID)
    assert [t["id"] for t in listed] == [first]


def test_an_injected_fault_on_v3_is_a_problem_document(
    client: Client, fake_voice: FakeVoice, setup: str
) -> None:
    fake_voice.fail("ListV3Transcriptions", status=429)
    fake_voice.fail("CreateV3Transcriptions", status=503, message="Transcription is unavailable")

    with pytest.raises(Exception, match="Unable to fetch page"):
        client.voice.v3.transcriptions.list()
    error = problem(lambda: create(client, setup))
    listed = fake_voice.calls("ListV3Transcriptions")[-1]

    assert (listed.status, listed.response_headers["Retry-After"]) == (429, "1")
    assert listed.json["title"] == "Too many requests were sent"
    assert (error.status, error.code, error.detail) == (503, 20503, "Transcription is unavailable")
    assert client.voice.v3.transcriptions.list() == []


def test_the_same_body_with_its_keys_in_another_order_is_the_same_request(
    http: requests.Session, setup: str
) -> None:
    body = {"transcriptionConfigurationId": setup, "sourceId": RECORDING_SID}
    first = http.post(TRANSCRIPTIONS, json=body, headers={"Idempotency-Key": "order"})

    again = http.post(
        TRANSCRIPTIONS,
        json=dict(reversed(list(body.items()))),
        headers={"Idempotency-Key": "order"},
    )

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        ("2026-01-01T10:00:00.25+01:30", "2026-01-01T08:30:00Z"),
        ("2026-01-01t10:00:00z", "2026-01-01T10:00:00Z"),
        ("2025-12-31T23:00:00-01:00", "2026-01-01T00:00:00Z"),
    ],
)
def test_audio_started_at_takes_any_rfc_3339_form_and_is_written_in_utc(
    http: requests.Session, setup: str, moment: str, written: str
) -> None:
    body = {"transcriptionConfigurationId": setup, "mediaUrl": "https://example.com/a.wav"}

    response = http.post(TRANSCRIPTIONS, json={**body, "audioStartedAt": moment})

    assert response.status_code == 202
    assert response.json()["transcription"]["audioStartedAt"] == written


def test_a_date_that_is_no_real_day_is_a_400_and_stores_nothing(
    http: requests.Session, fake_voice: FakeVoice, setup: str
) -> None:
    before = fake_voice.export_state()
    body = {"transcriptionConfigurationId": setup, "mediaUrl": "https://example.com/a.wav"}

    created = http.post(TRANSCRIPTIONS, json={**body, "audioStartedAt": "2026-02-30T00:00:00Z"})
    listed = http.get(TRANSCRIPTIONS, params={"createdAfter": "2026-02-29T00:00:00Z"})
    malformed = http.get(TRANSCRIPTIONS, params={"createdBefore": "yesterday"})

    assert (created.status_code, listed.status_code, malformed.status_code) == (400, 400, 400)
    assert created.json()["detail"] == (
        "Invalid value for parameter audioStartedAt: 2026-02-30T00:00:00Z is not a real date "
        "and time"
    )
    assert malformed.json()["detail"] == (
        "Invalid value for parameter createdBefore: must be an RFC 3339 date and time, "
        "e.g. 2026-01-01T00:00:00Z"
    )
    assert fake_voice.export_state() == before
