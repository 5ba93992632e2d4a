"""Starting from a known world: mock(state=...) and the marker take an exported state (a dict
or a JSON file), and reset() returns to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, StateError
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

pytest_plugins = ["pytester"]


def build_world() -> dict[str, Any]:
    """Two accounts: a policy with two targets in one, a policy in the other."""
    voice = fake_voice.mock(seed=11)
    policy = voice.create("ConnectionPolicies", FriendlyName="edge", account_sid=ACCOUNT_SID)
    targets = f"ConnectionPolicies/{policy['sid']}/Targets"
    voice.create(targets, Target="sip:a@b.c", Priority=1, account_sid=ACCOUNT_SID)
    voice.create(targets, Target="sip:d@e.f", Priority=2, account_sid=ACCOUNT_SID)
    voice.create("ConnectionPolicies", FriendlyName="other", account_sid=OTHER_ACCOUNT_SID)
    return voice.export_state()


WORLD = build_world()
POLICY_SID = WORLD[ACCOUNT_SID]["collections"]["connection_policies"][0]["sid"]


def seen_by_client(account: str = ACCOUNT_SID) -> list[tuple[str, list[str]]]:
    client = Client(account, "token")
    return [
        (policy.friendly_name, [t.target for t in policy.targets.list()])
        for policy in client.voice.v1.connection_policies.list()
    ]


def test_a_fake_started_from_an_exported_state_serves_the_same_records() -> None:
    with fake_voice.mock(state=WORLD) as voice:
        assert seen_by_client() == [("edge", ["sip:a@b.c", "sip:d@e.f"])]
        assert seen_by_client(OTHER_ACCOUNT_SID) == [("other", [])]
        assert voice.export_state() == WORLD


@pytest.mark.parametrize("as_text", [True, False])
def test_the_state_can_come_from_a_json_file(tmp_path: Path, as_text: bool) -> None:
    path = tmp_path / "world.json"
    path.write_text(json.dumps(WORLD), encoding="utf-8")

    with fake_voice.mock(state=str(path) if as_text else path) as voice:
        assert voice.export_state() == WORLD
        assert seen_by_client()[0][0] == "edge"


@pytest.mark.fake_voice(state=WORLD)
def test_the_marker_starts_a_test_from_the_state(fake_voice: FakeVoice, client: Client) -> None:
    record = WORLD[ACCOUNT_SID]["collections"]["connection_policies"][0]

    fetched = client.voice.v1.connection_policies(POLICY_SID).fetch()

    assert fetched.friendly_name == "edge"
    assert fetched.date_created.strftime("%Y-%m-%dT%H:%M:%SZ") == record["date_created"]
    assert fake_voice.export_state() == WORLD


def test_what_a_test_changes_is_gone_after_reset_which_returns_to_the_state() -> None:
    with fake_voice.mock(state=WORLD) as voice:
        client = Client(ACCOUNT_SID, "token")
        client.voice.v1.connection_policies(POLICY_SID).delete()
        client.voice.v1.connection_policies.create(friendly_name="new")
        assert seen_by_client() == [("new", [])]

        voice.reset()

        assert voice.export_state() == WORLD
        assert voice.requests == []


def test_a_decorated_function_starts_every_call_from_the_state() -> None:
    seen: list[list[str]] = []

    @fake_voice.mock(state=WORLD)
    def add_a_policy(name: str) -> None:
        client = Client(ACCOUNT_SID, "token")
        client.voice.v1.connection_policies.create(friendly_name=name)
        seen.append([p.friendly_name for p in client.voice.v1.connection_policies.list()])

    add_a_policy("first")
    add_a_policy("second")

    assert seen == [["edge", "first"], ["edge", "second"]]


def test_changing_the_dict_after_mock_does_not_change_the_state() -> None:
    world = json.loads(json.dumps(WORLD))
    voice = fake_voice.mock(state=world)

    world[ACCOUNT_SID]["collections"]["connection_policies"][0]["friendly_name"] = "changed"
    voice.reset()

    assert (
        voice.fetch(f"ConnectionPolicies/{POLICY_SID}", account_sid=ACCOUNT_SID)["friendly_name"]
        == "edge"
    )


def test_new_sids_never_repeat_a_loaded_one_even_with_the_seed_that_made_them() -> None:
    loaded = {
        record["sid"]
        for account in WORLD.values()
        for records in account["collections"].values()
        for record in records
    }

    with fake_voice.mock(seed=11, state=WORLD):
        client = Client(ACCOUNT_SID, "token")
        made = {client.voice.v1.connection_policies.create().sid for _ in range(4)}

    assert len(made) == 4
    assert made.isdisjoint(loaded)


def test_an_export_written_to_a_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    with fake_voice.mock(state=WORLD) as voice:
        Client(ACCOUNT_SID, "token").voice.v1.connection_policies.create(friendly_name="more")
        path.write_text(json.dumps(voice.export_state()), encoding="utf-8")

    with fake_voice.mock(state=path):
        assert [name for name, _ in seen_by_client()] == ["edge", "more"]


def test_a_missing_state_file_is_refused_when_the_fake_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"

    with pytest.raises(StateError) as caught:
        fake_voice.mock(state=missing)

    assert str(caught.value) == f"cannot read the state file {missing}: No such file or directory"


def test_a_state_that_is_not_an_export_is_refused_when_the_fake_is_made() -> None:
    with pytest.raises(StateError, match=r"'ACnope' is not an account SID"):
        fake_voice.mock(state={"ACnope": {"collections": {}, "extras": {}}})


CONSUMER_TESTS = """
import json
import pathlib

import pytest
from twilio.rest import Client

WORLD = pathlib.Path(__file__).with_name("world.json")
ACCOUNT = "AC" + "1" * 32
pytestmark = pytest.mark.fake_voice(state=WORLD)


def test_one_deletes_everything(fake_voice):
    client = Client(ACCOUNT, "token")
    for policy in client.voice.v1.connection_policies.list():
        policy.delete()
    assert client.voice.v1.connection_policies.list() == []


def test_two_still_sees_the_world(fake_voice):
    names = [p.friendly_name for p in Client(ACCOUNT, "token").voice.v1.connection_policies.list()]
    assert names == ["edge"]


@pytest.mark.fake_voice(state={})
def test_a_closer_marker_wins(fake_voice):
    assert Client(ACCOUNT, "token").voice.v1.connection_policies.list() == []
"""


def test_a_module_marker_gives_every_test_of_a_suite_the_same_world(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "world.json").write_text(json.dumps(WORLD), encoding="utf-8")
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3)
