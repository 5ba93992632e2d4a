"""Messages say what was wrong and how to fix it, in the README's words."""

from __future__ import annotations

import threading

import pytest
import requests

import fake_voice
from fake_voice import FakeVoice, TwilioError
from tests.conftest import ACCOUNT_SID


def test_a_twilio_error_reads_with_its_status_and_code() -> None:
    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    with pytest.raises(TwilioError) as caught:
        voice.create("ConnectionPolicies", FriendlyName="x" * 256)
    assert str(caught.value) == (
        "HTTP 400 error 20001: Invalid value for parameter FriendlyName: "
        "must be at most 255 characters long"
    )


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("pbx@example.com", "must be a sip: URI such as sip:pbx@example.com"),
        ("tel:+15551234567", "must be a sip: URI such as sip:pbx@example.com"),
        ("sips:pbx@example.com", "must be a sip: URI (sips: is not supported)"),
    ],
)
def test_a_bad_target_is_told_what_it_got_wrong(target: str, reason: str) -> None:
    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    policy = voice.create("ConnectionPolicies")
    with pytest.raises(TwilioError) as caught:
        voice.create(f"ConnectionPolicies/{policy['sid']}/Targets", Target=target)
    assert caught.value.message == f"Invalid value for parameter Target: {reason}"


def test_a_fault_keyword_typo_over_the_control_api_names_the_keyword_it_meant() -> None:
    with fake_voice.serve() as server:
        refused = requests.post(f"{server.url}/__fake_voice__/faults", json={"statu": 503})
        faults = requests.get(f"{server.url}/__fake_voice__/faults").json()
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "The fault was refused: 'statu' is not a fault keyword: did you mean status? the "
        "keywords are operation, method, path, sid, status, code, message, retry_after, error, "
        "times, optional"
    )
    assert faults == []


def test_concurrent_advances_of_the_clock_lose_no_step(fake_voice: FakeVoice) -> None:
    fake_voice.clock.freeze()
    start = fake_voice.clock.now()
    barrier = threading.Barrier(8)

    def advance() -> None:
        barrier.wait()
        for _ in range(500):
            fake_voice.clock.advance(1)

    threads = [threading.Thread(target=advance) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (fake_voice.clock.now() - start).total_seconds() == 8 * 500
