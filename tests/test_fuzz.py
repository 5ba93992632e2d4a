"""Random requests to every operation: a success or Twilio's envelope, and no stray change.

Hypothesis draws the method, path parameters (real SIDs, SIDs of another kind, junk,
unicode), parameter names (the operation's own and others) and values (numbers out of
range, booleans in odd spellings, unicode, empty strings), and raw bodies. Whatever it
draws, the fake must answer with its success status or a Twilio error envelope, every
success body must satisfy its schema (the fake's self-check raises otherwise), and an
error must leave the stored state exactly as it was. The runs are derandomized, so CI
sees the same examples every time.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fake_voice
from fake_voice import FakeVoice
from fake_voice.core.wire import Request
from fake_voice.resources import router
from tests.conftest import ACCOUNT_SID
from tests.voice_v2v3 import RECORDING, RECORDING_SID, TRANSCRIPTION

AUTH = {"Authorization": "Basic " + base64.b64encode(f"{ACCOUNT_SID}:t".encode()).decode()}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "errors"}
OPERATIONS = sorted(router().operations.values(), key=lambda op: op.name)
ERROR_CODES = {
    400: {20001, 21481},
    401: {20003},
    404: {20404},
    405: {20004},
    409: {20409},
    422: {20422},
}
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def world() -> tuple[FakeVoice, dict[str, str]]:
    """A fake holding one resource of each kind, and the SIDs to aim at."""
    voice = fake_voice.mock(seed=3, account_sid=ACCOUNT_SID)
    policy = voice.create("ConnectionPolicies", FriendlyName="p")["sid"]
    target = voice.create(f"ConnectionPolicies/{policy}/Targets", Target="sip:a@b.c")["sid"]
    trunk = voice.create("ByocTrunks", ConnectionPolicySid=policy)["sid"]
    record = voice.create("IpRecords", IpAddress="10.0.0.1")["sid"]
    mapping = voice.create("SourceIpMappings", IpRecordSid=record, SipDomainSid="SD" + "1" * 32)
    call = voice.add_archived_call("2024-02-29")
    setup = voice.create(
        "v2/Configurations/Transcription", unique_name="support", configuration=TRANSCRIPTION
    )["id"]
    recording = voice.create("v2/Configurations/Recording", configuration=RECORDING)["id"]
    voice.create("v2/AccountDefaultConfiguration/Recording", configuration=RECORDING)
    transcription = voice.create(
        "v3/Transcriptions", transcriptionConfigurationId=setup, sourceId=RECORDING_SID
    )["transcription"]["id"]
    sids = {
        "Transcription": setup,
        "Recording": recording,
        "Transcriptions": transcription,
        "NY": policy,
        "NE": target,
        "BY": trunk,
        "IL": record,
        "IB": mapping["sid"],
        "CA": call,
    }
    return voice, sids


junk = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)
values = st.one_of(
    junk,
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["true", "false", "True", "FALSE", "yes", "", "0", "1e3", "65535", "65536"]),
    st.sampled_from(["sip:a@b.c", "sips:a@b.c", "https://example.com/x", "ftp://x", "GET", "POST"]),
    st.sampled_from(["10.0.0.1", "256.1.1.1", "::1", "2024-02-29", "2023-02-29", "US", "GB", "CA"]),
    st.sampled_from(["2026-02-30T00:00:00Z", "2026-01-01T00:00:00+14:00", "RE" + "a" * 32]),
    st.sampled_from(['[{"iso_code":"GB","low_risk_numbers_enabled":"false"}]', "[]", "{", "null"]),
)


# Which SID a path parameter names, by the path segment before it.
PREFIX_AFTER = {
    "ConnectionPolicies": "NY",
    "Targets": "NE",
    "ByocTrunks": "BY",
    "IpRecords": "IL",
    "SourceIpMappings": "IB",
    "Calls": "CA",
    "Recording": "Recording",
    "Transcription": "Transcription",
    "Transcriptions": "Transcriptions",
}
RIGHT_VALUES = {"IsoCode": "GB", "Date": "2024-02-29", "Type": "Recording"}


def path_values(sids: dict[str, str], right: str) -> st.SearchStrategy[str]:
    """Mostly the value that names the world's resource, else anything else."""
    real = st.sampled_from(sorted(sids.values()))
    forged = st.sampled_from(["NY", "NE", "BY", "IL", "IB", "CA", "SD", "AC"]).map(
        lambda prefix: prefix + "f" * 32
    )
    dates = st.sampled_from(["2024-02-29", "2024-02-30", "24-1-1", "2024-13-01"])
    isos = st.sampled_from(["US", "GB", "CA", "us", "XX", "U", "Default", "Summary", "recording"])
    other = st.one_of(real, forged, dates, isos, junk.filter(lambda s: "/" not in s and s))
    return st.one_of(st.just(right), st.just(right), other)


@st.composite
def requests_for(draw: st.DrawFn, operation: Any, sids: dict[str, str]) -> Request:
    segments = operation.template.split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            name = segment[1:-1]
            prefix = PREFIX_AFTER.get(segments[index - 1], "")
            right = RIGHT_VALUES.get(name) or sids.get(prefix, "")
            segments[index] = quote(draw(path_values(sids, right)), safe="")
    path = "/".join(segments)
    names = [*sorted(operation.request.params), "Unknown", "friendlyname", "PageSize", "Page"]
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), values), max_size=6))
    method = draw(st.sampled_from([operation.method] * 6 + ["GET", "POST", "DELETE", "PUT"]))
    encoded = urlencode(pairs)
    if method in ("GET", "DELETE"):
        return Request(method, f"https://voice.twilio.com{path}?{encoded}", AUTH)
    if operation.dialect.version != "v1":  # JSON bodies: right ones, near misses and junk
        body = draw(st.one_of(json_bodies(operation), st.binary(max_size=40)))
        return Request(method, f"https://voice.twilio.com{path}", {**AUTH, **JSON}, body)
    return Request(method, f"https://voice.twilio.com{path}", {**AUTH, **FORM}, encoded.encode())


def json_bodies(operation: Any) -> st.SearchStrategy[bytes]:
    """Bodies built from a right one by dropping, changing or adding keys, at any depth."""
    right: dict[str, Any] = {
        "configuration": TRANSCRIPTION if "/Transcription" in operation.template else RECORDING,
        "unique_name": "calls",
        "configuration_id": "support",
        "transcriptionConfigurationId": "voice_transcriptionconfiguration_" + "0" * 26,
        "sourceId": RECORDING_SID,
    }
    leaves = st.one_of(values, st.integers(), st.booleans(), st.none(), st.just([]))

    def vary(value: Any, depth: int) -> st.SearchStrategy[Any]:
        if not (isinstance(value, dict) and value and depth):
            return leaves
        keys = sorted(value)
        nested = [
            vary(value[key], depth - 1).map(lambda v, key=key: {**value, key: v})
            for key in keys
            if isinstance(value[key], dict)
        ]
        return st.one_of(
            st.just(value),
            st.sampled_from(keys).map(lambda k: {n: v for n, v in value.items() if n != k}),
            st.tuples(st.sampled_from(keys), leaves).map(lambda kv: {**value, kv[0]: kv[1]}),
            st.just({**value, "unexpectedKey": 1}),
            *nested,
        )

    return vary(right, 3).map(lambda body: json.dumps(body).encode())


def success_status(method: str, path: str) -> int | None:
    """The status the operation table gives this method and path, if any operation has them."""
    for operation in OPERATIONS:
        pattern = re.sub(r"\{[A-Za-z]+\}", "[^/]+", operation.template)
        if operation.method == method and re.fullmatch(pattern, path):
            return operation.status
    return None


def assert_well_answered(voice: FakeVoice, request: Request) -> None:
    before = voice.export_state()

    response = voice.answer(request)

    if response.status < 400:
        assert response.status == success_status(request.method, request.path)
        return
    body = response.data
    if request.path.startswith("/v3/"):  # RFC 9457 problem documents
        assert {"type", "title", "status", "code"} <= set(body) <= PROBLEM_KEYS
        assert body["type"] == f"https://www.twilio.com/docs/api/errors/{body['code']}"
    else:
        assert set(body) == {"code", "message", "more_info", "status"}
    assert body["status"] == response.status
    assert body["code"] in ERROR_CODES[response.status], body
    assert voice.export_state() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_random_requests_get_a_success_or_twilios_envelope(operation: Any) -> None:
    voice, sids = world()

    @FUZZ
    @given(request=requests_for(operation, sids))
    def check(request: Request) -> None:
        assert_well_answered(voice, request)

    check()


@FUZZ
@given(
    body=st.binary(max_size=200),
    path=st.sampled_from(["/v1/ConnectionPolicies", "/v1/ByocTrunks", "/v1/Settings"]),
)
def test_random_bytes_as_a_form_body_never_crash(body: bytes, path: str) -> None:
    voice, _ = world()

    response = voice.answer(
        Request("POST", f"https://voice.twilio.com{path}", {**AUTH, **FORM}, body)
    )

    assert response.status in (200, 201, 202, 400)
