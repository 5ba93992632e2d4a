"""What the live fake refuses, ``fake-voice validate`` refuses in a recording of it, in the
same words: rules beyond the schemas live where both see them (``CHECKS``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

import fake_voice
from fake_voice import TwilioError, traffic
from tests.conftest import ACCOUNT_SID, stateless_refusals


def recording(path: Path, method: str, url: str, body: str, status: int) -> Path:
    entry = {
        "request": {
            "method": method,
            "url": url,
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": body,
        },
        "response": {"status": status, "headers": {}, "body": ""},
    }
    data = {"format": "fake-voice-recording", "version": 1, "exchanges": [entry]}
    path.write_text(json.dumps(data))
    return path


BULK = "DialingPermissions/BulkCountryUpdates"
UNKNOWN_COUNTRY = '[{"iso_code": "ZZ", "low_risk_numbers_enabled": "true"}]'


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("POST", BULK, {"UpdateRequest": '{"iso_code": "GB"}'}),
        ("POST", BULK, {"UpdateRequest": UNKNOWN_COUNTRY}),
        ("DELETE", "Archives/2024-13-01/Calls/CA" + "0" * 32, {}),
    ],
)
def test_a_recorded_request_the_fake_refuses_is_a_violation_in_the_same_words(
    tmp_path: Path, method: str, path: str, params: dict[str, str]
) -> None:
    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    with pytest.raises(TwilioError) as refused:
        voice.call(method, path, params)
    assert refused.value.status == 400

    body = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"https://voice.twilio.com/v1/{path}"
    success = 201 if method == "POST" else 204
    report = traffic.validate(recording(tmp_path / "rec.json", method, url, body, success))

    assert [(v.part, v.message) for v in report.violations if v.part == "request"] == [
        ("request", refused.value.message)
    ]


def test_the_suites_refusals_are_collected_for_the_checker() -> None:
    # The autouse check in conftest.py sees what this collects; it must not come up empty.
    with fake_voice.mock() as voice:
        voice.fail("CreateConnectionPolicy", status=400)  # an injected 400 is not a rule
        auth = (ACCOUNT_SID, "t")
        url = "https://voice.twilio.com/v1/ConnectionPolicies"
        requests.post(url, data={"FriendlyName": "x"}, auth=auth)
        requests.post(url, data={"FriendlyName": "x" * 256}, auth=auth)
        requests.post(url + "/NY" + "0" * 32 + "/Targets", data={"Target": "tel:1"}, auth=auth)
        requests.post(
            "https://voice.twilio.com/v1/ByocTrunks",
            data={"ConnectionPolicySid": "NY" + "0" * 32},
            auth=auth,
        )
    assert [e.json["message"] for e in stateless_refusals(voice)] == [
        "Invalid value for parameter FriendlyName: must be at most 255 characters long",
        "Invalid value for parameter Target: must be a sip: URI such as sip:pbx@example.com",
    ]
