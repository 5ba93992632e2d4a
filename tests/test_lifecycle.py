"""The fake as context manager, decorator and start/stop; nesting; seeds; reset."""

from __future__ import annotations

import asyncio
import re

import pytest
import requests
from twilio.rest import Client

import fake_voice
from tests.conftest import ACCOUNT_SID

POLICIES = "https://voice.twilio.com/v1/ConnectionPolicies"


def sids_made_with(seed: int | None, count: int = 3) -> list[str]:
    with fake_voice.mock(seed=seed):
        client = Client(ACCOUNT_SID, "t")
        return [client.voice.v1.connection_policies.create().sid for _ in range(count)]


def test_a_seed_makes_sids_repeat_exactly() -> None:
    first = sids_made_with(7)

    assert sids_made_with(7) == first
    assert sids_made_with(8) != first
    assert len(set(first)) == 3
    assert all(re.fullmatch(r"NY[0-9a-f]{32}", sid) for sid in first)


def test_seed_7_gives_the_sids_it_has_always_given() -> None:
    # Pinned: a release must not change what a seed gives (these are what a Faker seeded
    # with 7 draws too; every request's Twilio-Request-Id draws in between).
    with fake_voice.mock(seed=7) as voice:
        client = Client(ACCOUNT_SID, "t")
        policies = [client.voice.v1.connection_policies.create().sid for _ in range(2)]
        target = client.voice.v1.connection_policies(policies[0]).targets.create(
            target="sip:a@example.com"
        )
        trunk = client.voice.v1.byoc_trunks.create()
        request_id = voice.requests[-1].response_headers["Twilio-Request-Id"]

    assert policies == ["NY6513270e269e0d37f2a74de452e6b438", "NY9531985d5d9dc9f81818e811892f902b"]
    assert (target.sid, trunk.sid) == (
        "NE6b0d549b6f03675a1600a35a099950d8",
        "BY90c192cfd3ac94af0f21ddb66cad4a26",
    )
    assert request_id == "RQa170b33839263059f28c105d1fb17c23"


def test_without_a_seed_sids_differ_between_runs() -> None:
    assert sids_made_with(None) != sids_made_with(None)


def test_a_drawn_seed_repeats_an_unseeded_run() -> None:
    with fake_voice.mock() as voice:
        client = Client(ACCOUNT_SID, "t")
        first = [client.voice.v1.connection_policies.create().sid for _ in range(3)]

    assert isinstance(voice.seed, int)
    assert sids_made_with(voice.seed) == first


def test_the_context_manager_gives_a_started_handle_and_stops() -> None:
    with fake_voice.mock() as voice:
        assert voice.active
        Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create(friendly_name="x")
        assert [e.status for e in voice.requests] == [201]
    assert not voice.active


def test_start_and_stop_by_hand() -> None:
    voice = fake_voice.mock().start()
    try:
        response = requests.post(POLICIES, auth=(ACCOUNT_SID, "t"))
        assert response.status_code == 201
    finally:
        voice.stop()
    assert not voice.active


def test_state_survives_a_stop_and_a_new_start_of_the_same_fake() -> None:
    voice = fake_voice.mock()
    with voice:
        sid = Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create().sid
    with voice:
        assert [p.sid for p in Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list()] == [
            sid
        ]


def test_reset_forgets_resources_and_exchanges() -> None:
    with fake_voice.mock() as voice:
        client = Client(ACCOUNT_SID, "t")
        client.voice.v1.connection_policies.create()
        voice.reset()
        assert voice.requests == []
        assert client.voice.v1.connection_policies.list() == []


def test_after_a_reset_the_same_calls_get_the_sids_a_new_fake_gives() -> None:
    fresh = sids_made_with(7)
    with fake_voice.mock(seed=7) as voice:
        client = Client(ACCOUNT_SID, "t")
        before = [client.voice.v1.connection_policies.create().sid for _ in range(3)]
        voice.reset()
        after = [client.voice.v1.connection_policies.create().sid for _ in range(3)]
        request_ids = [e.response_headers["Twilio-Request-Id"] for e in voice.requests]
        voice.reset()
        client.voice.v1.connection_policies.create()
        again = [e.response_headers["Twilio-Request-Id"] for e in voice.requests]

    assert before == after == fresh
    assert again == request_ids[:1]  # request IDs are drawn from the seed too


def test_a_reset_scoped_to_one_account_does_not_rewind_the_sids() -> None:
    with fake_voice.mock(seed=7) as voice:
        policies = Client(ACCOUNT_SID, "t").voice.v1.connection_policies
        first = policies.create().sid
        voice.reset(account_sid=ACCOUNT_SID)  # other accounts go on: their SIDs stay unique
        second = policies.create().sid

    assert first == sids_made_with(7, 1)[0]
    assert second == sids_made_with(7, 2)[1]


def test_a_reset_to_a_state_draws_the_sids_a_new_fake_of_that_state_draws() -> None:
    seeder = fake_voice.mock(seed=1)
    seeder.create("ConnectionPolicies", FriendlyName="kept", account_sid=ACCOUNT_SID)
    world = seeder.export_state()

    def created() -> list[str]:
        policies = Client(ACCOUNT_SID, "t").voice.v1.connection_policies
        return [policies.create().sid for _ in range(2)]

    with fake_voice.mock(seed=1, state=world):
        new = created()
    with fake_voice.mock(seed=1, state=world) as voice:
        created()
        voice.reset()
        kept = Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list()
        after = created()

    assert [p.friendly_name for p in kept] == ["kept"]
    assert after == new
    assert kept[0].sid not in new  # a loaded SID is never drawn, after a reset too


def test_the_same_fake_nests_and_only_the_outer_exit_stops_it() -> None:
    voice = fake_voice.mock()
    with voice:
        with voice:
            pass
        assert voice.active
        assert requests.post(POLICIES, auth=(ACCOUNT_SID, "t")).status_code == 201
    assert not voice.active


def test_an_inner_fake_takes_over_and_the_outer_resumes() -> None:
    with fake_voice.mock() as outer:
        client = Client(ACCOUNT_SID, "t")
        client.voice.v1.connection_policies.create(friendly_name="outer")
        with fake_voice.mock() as inner:
            assert client.voice.v1.connection_policies.list() == []
            client.voice.v1.connection_policies.create(friendly_name="inner")
        names = [p.friendly_name for p in client.voice.v1.connection_policies.list()]
        assert names == ["outer"]
    assert [e.operation for e in inner.requests] == [
        "ListConnectionPolicy",
        "CreateConnectionPolicy",
    ]
    assert [e.operation for e in outer.requests] == [
        "CreateConnectionPolicy",
        "ListConnectionPolicy",
    ]


voice_for_decorators = fake_voice.mock(seed=3)


@voice_for_decorators
def decorated(name: str) -> int:
    Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create(friendly_name=name)
    return len(Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list())


def test_a_decorated_function_runs_inside_a_fresh_fake() -> None:
    assert decorated("a") == 1
    assert decorated("b") == 1  # state does not leak from the previous call
    assert not voice_for_decorators.active
    assert voice_for_decorators.requests[0].form == {"FriendlyName": "b"}


def test_a_decorated_coroutine_function_runs_inside_the_fake() -> None:
    voice = fake_voice.mock()

    @voice
    async def provision() -> str:
        await asyncio.sleep(0)
        assert voice.active
        sid: str = Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create().sid
        return sid

    sid = asyncio.run(provision())

    assert voice.requests[-1].json["sid"] == sid
    assert not voice.active


@fake_voice.mock()
class TestADecoratedClass:
    def test_each_method_is_inside_the_fake(self) -> None:
        assert requests.post(POLICIES, auth=(ACCOUNT_SID, "t")).status_code == 201

    def test_and_starts_from_a_fresh_state(self) -> None:
        assert Client(ACCOUNT_SID, "t").voice.v1.connection_policies.list() == []
        Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create()

    def helper_is_not_wrapped(self) -> bool:
        return True


def test_each_decorated_call_draws_the_sids_a_new_fake_draws() -> None:
    @fake_voice.mock(seed=7)
    def provision(count: int) -> list[str]:
        policies = Client(ACCOUNT_SID, "t").voice.v1.connection_policies
        return [policies.create().sid for _ in range(count)]

    first, second = provision(1), provision(2)

    assert first == sids_made_with(7, 1)
    assert second == sids_made_with(7, 2)  # whatever the call before it drew


def test_methods_not_named_test_are_left_alone() -> None:
    assert TestADecoratedClass().helper_is_not_wrapped() is True
    # functools.wraps keeps the name either way; only a wrapper has __wrapped__.
    assert not hasattr(TestADecoratedClass.helper_is_not_wrapped, "__wrapped__")
    assert hasattr(TestADecoratedClass.test_each_method_is_inside_the_fake, "__wrapped__")


def test_an_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        fake_voice.mock(sed=3)  # type: ignore[call-arg]


def test_page_size_over_limit_takes_only_its_two_values() -> None:
    with pytest.raises(ValueError, match="'cap' or 'reject'"):
        fake_voice.mock(page_size_over_limit="clamp")  # type: ignore[arg-type]
