"""One interception lifecycle: fakes start and stop in any order, from any thread; the
patches are there while any fake is started and exactly what was there before once none is;
a stopped fake never answers or records again."""

from __future__ import annotations

import gc
import itertools
import threading

import aiohttp
import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

import fake_voice
from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID

URL = "https://voice.twilio.com/v1/ConnectionPolicies"


def patched() -> tuple[object, object, object]:
    """What interception replaces: requests' send, aiohttp's request, responses' matcher."""
    return (
        HTTPAdapter.__dict__["send"],
        aiohttp.ClientSession.__dict__["_request"],
        responses.RequestsMock.__dict__["_find_match"],
    )


ORIGINAL = patched()


def create(name: str) -> int:
    return requests.post(URL, data={"FriendlyName": name}, auth=(ACCOUNT_SID, "t")).status_code


def names(voice: FakeVoice) -> list[str]:
    return [exchange.form["FriendlyName"] for exchange in voice.requests]


def test_nothing_is_patched_while_no_fake_is_started() -> None:
    voice = fake_voice.mock()
    assert patched() == ORIGINAL and not voice.active
    voice.start()
    assert (
        all(now is not before for now, before in zip(patched(), ORIGINAL, strict=True))
        and voice.active
    )
    voice.stop()
    assert patched() == ORIGINAL and not voice.active


@pytest.mark.parametrize("order", list(itertools.permutations("ab")))
def test_two_fakes_stop_in_either_order(order: tuple[str, str]) -> None:
    fakes = {"a": fake_voice.mock(), "b": fake_voice.mock()}
    fakes["a"].start()
    fakes["b"].start()
    assert create("both") == 201  # the newest started fake answers

    first, second = order
    fakes[first].stop()
    assert create(f"{first} stopped") == 201  # the other one still answers
    assert patched() != ORIGINAL
    fakes[second].stop()
    assert patched() == ORIGINAL

    assert names(fakes[first]) == (["both"] if first == "b" else [])
    assert names(fakes[second]) == (["both"] if second == "b" else []) + [f"{first} stopped"]


def test_extra_stops_and_a_stop_without_a_start_change_nothing() -> None:
    unstarted = fake_voice.mock()
    unstarted.stop()
    with fake_voice.mock() as voice:
        unstarted.stop()
        voice.stop()  # the with block's own start is undone here...
        voice.stop()  # ...and this one has nothing left to undo
        assert patched() == ORIGINAL
    assert patched() == ORIGINAL


def test_nested_starts_of_one_fake_need_as_many_stops() -> None:
    outer = fake_voice.mock()
    inner = fake_voice.mock()
    outer.start()
    inner.start()
    outer.start()  # a nested start does not make it the newest
    assert create("x") == 201
    outer.stop()
    inner.stop()
    assert outer.active and create("y") == 201
    outer.stop()
    assert patched() == ORIGINAL
    assert (names(inner), names(outer)) == (["x"], ["y"])


def test_a_fake_started_in_one_thread_stops_in_another() -> None:
    voice = fake_voice.mock()
    starter = threading.Thread(target=voice.start)
    starter.start()
    starter.join()
    assert voice.active and create("from main") == 201
    stopper = threading.Thread(target=voice.stop)
    stopper.start()
    stopper.join()
    assert patched() == ORIGINAL and names(voice) == ["from main"]


def test_eight_threads_start_and_stop_fakes_at_once() -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []
    fakes = [fake_voice.mock() for _ in range(8)]

    def churn(voice: FakeVoice) -> None:
        try:
            barrier.wait()
            for _ in range(50):
                voice.start()
                voice.start()
                voice.stop()
                voice.stop()
        except BaseException as error:  # reported below, with the thread's traceback lost
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(voice,)) for voice in fakes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert patched() == ORIGINAL
    assert not any(voice.active for voice in fakes)


def test_a_patch_of_someone_else_laid_over_the_fake_is_left_in_place() -> None:
    voice = fake_voice.mock().start()

    async def theirs(*args: object, **kwargs: object) -> None:
        raise AssertionError("not called")

    aiohttp.ClientSession._request = theirs  # type: ignore[method-assign,assignment]
    try:
        voice.stop()
        assert aiohttp.ClientSession.__dict__["_request"] is theirs
    finally:
        aiohttp.ClientSession._request = ORIGINAL[1]  # type: ignore[method-assign,assignment]


def _live_prepared_requests() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is requests.PreparedRequest)


def test_requests_through_the_fake_are_not_kept_by_responses() -> None:
    """The fake records its own exchanges; the `responses` mock it runs on keeps none, in
    its own call list or in its matches', however often the fake is started again."""
    before = _live_prepared_requests()
    for round_ in range(3):
        with fake_voice.mock(seed=round_) as voice:
            statuses = {create(f"p{i}") for i in range(40)}
            assert statuses == {201}
            assert len(voice.requests) == 40
    assert _live_prepared_requests() - before < 5  # all 120 were kept before


def test_a_users_own_mock_still_keeps_its_calls_while_the_fake_answers() -> None:
    with fake_voice.mock(seed=1), responses.RequestsMock() as theirs:
        theirs.add("GET", "https://example.com/ping", body="pong")
        assert requests.get("https://example.com/ping").text == "pong"
        assert create("bridged") == 201  # to Twilio: not stubbed by theirs, so the fake's
        assert [call.request.url for call in theirs.calls] == [
            "https://example.com/ping",
            URL,
        ]
