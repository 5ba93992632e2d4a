"""Loading large states: a collection is checked whole, yet a refusal still names the first
record at fault in the words a fetch of it gives, loading is all or nothing, and the loaded
fake answers every fetch, page and page token as the fake the state was exported from."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

import fake_voice
from fake_voice import FakeVoice, StateError
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

A = f"account {ACCOUNT_SID}"


def policies(count: int, account: str = ACCOUNT_SID) -> list[dict[str, Any]]:
    return [
        {
            "account_sid": account,
            "sid": f"NY{number:032x}",
            "friendly_name": f"policy {number}" if number % 7 else None,
            "date_created": f"2024-01-02T03:{number // 60 % 60:02d}:{number % 60:02d}Z",
            "date_updated": "2024-02-03T04:05:06Z",
            "url": f"/v1/ConnectionPolicies/NY{number:032x}",
        }
        for number in range(count)
    ]


def state_of(count: int) -> dict[str, Any]:
    return {ACCOUNT_SID: {"collections": {"connection_policies": policies(count)}, "extras": {}}}


def refusal(state: dict[str, Any], account_sid: str | None = None) -> str:
    voice = fake_voice.mock()
    voice.create("ConnectionPolicies", FriendlyName="kept", account_sid=ACCOUNT_SID)
    before = voice.export_state()
    with pytest.raises(StateError) as refused:
        voice.load_state(state, account_sid)
    assert voice.export_state() == before
    return str(refused.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"friendly_name": 5},
            "does not render by its schema at /friendly_name: 5 is not of type 'string', 'null'",
        ),
        (
            {"date_updated": "2024-02-30T25:00:00Z"},
            "does not render by its schema at /date_updated: '2024-02-30T25:00:00Z' does not match",
        ),
        ({"colour": "red"}, "does not render by its schema at /: Additional properties"),
        ({"account_sid": OTHER_ACCOUNT_SID}, f"belongs to account {OTHER_ACCOUNT_SID}"),
        (
            {"url": "/v1/ConnectionPolicies"},
            "has the sid NY00000000000000000000000000000601 but its url",
        ),
    ],
)
def test_a_bad_record_deep_in_a_large_collection_is_named_by_its_index(
    change: dict[str, Any], message: str
) -> None:
    state = state_of(3000)
    records = state[ACCOUNT_SID]["collections"]["connection_policies"]
    records[1537].update(change)
    records[2900].update(friendly_name=7)  # a later fault is not the one named

    said = refusal(state)

    assert said.startswith(f"{A}: connection_policies[1537] ")
    assert message in said


def test_a_sid_given_twice_far_apart_is_named_where_it_repeats() -> None:
    state = state_of(3000)
    records = state[ACCOUNT_SID]["collections"]["connection_policies"]
    records[2222] = {**records[10]}

    assert refusal(state) == f"{A}: connection_policies[2222] repeats the sid {records[10]['sid']}"


def test_a_record_missing_a_sid_deep_in_a_collection_is_named() -> None:
    state = state_of(2000)
    del state[ACCOUNT_SID]["collections"]["connection_policies"][1999]["sid"]

    assert refusal(state) == f"{A}: connection_policies[1999] must be an object with a string sid"


def test_a_value_only_the_fetch_takes_still_loads_and_exports_as_given() -> None:
    # A whole float is an integer to JSON Schema; the collection check wants ints, so this
    # target is fetched on its own, and loads.
    source = fake_voice.mock(account_sid=ACCOUNT_SID)
    policy = source.create("ConnectionPolicies")["sid"]
    for priority in range(40):
        source.create(f"ConnectionPolicies/{policy}/Targets", Target="sip:a@b.c", Priority=priority)
    state = source.export_state()
    state[ACCOUNT_SID]["collections"][f"targets/{policy}"][20]["priority"] = 20.0

    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    voice.load_state(state)

    assert voice.export_state() == state
    target = state[ACCOUNT_SID]["collections"][f"targets/{policy}"][20]["sid"]
    assert voice.fetch(f"ConnectionPolicies/{policy}/Targets/{target}")["priority"] == 20


def test_a_refused_load_of_a_large_state_leaves_the_loaded_one_whole() -> None:
    voice = fake_voice.mock()
    voice.load_state(state_of(2500))
    before = voice.export_state()
    bad = state_of(5000)
    bad[ACCOUNT_SID]["collections"]["connection_policies"][4999]["sid"] = "NY" + "0" * 32

    with pytest.raises(StateError, match=r"connection_policies\[4999\] repeats the sid"):
        voice.load_state(bad)

    assert voice.export_state() == before
    assert len(voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)) == 2500


def test_a_state_from_a_file_with_an_escaped_lone_surrogate_is_refused(tmp_path: Any) -> None:
    state = state_of(500)
    text = json.dumps(state).replace('"policy 321"', '"policy \\udc80"')
    path = tmp_path / "state.json"
    path.write_text(text, encoding="utf-8")

    said = refusal(path)  # type: ignore[arg-type]

    assert said.startswith(f"{A}: connection_policies[321] cannot be rendered: UnicodeEncodeError")


def world() -> FakeVoice:
    """Every v1 kind, in two accounts and two regions, with gaps left by deletes."""
    voice = fake_voice.mock(seed=8, account_sid=ACCOUNT_SID)
    made = [voice.create("ConnectionPolicies", FriendlyName=f"p{n}")["sid"] for n in range(45)]
    for sid in made[3:40:4]:
        voice.delete(f"ConnectionPolicies/{sid}")
    for n in range(12):
        voice.create(f"ConnectionPolicies/{made[0]}/Targets", Target=f"sip:t{n}@x.y", Weight=n + 1)
    record = voice.create("IpRecords", IpAddress="10.0.0.1", CidrPrefixLength=24)["sid"]
    for n in range(9):
        voice.create("SourceIpMappings", IpRecordSid=record, SipDomainSid=f"SD{n:032x}")
        voice.create("ByocTrunks", FriendlyName=f"t{n}", ConnectionPolicySid=made[1])
    for n in range(11):
        voice.create("ConnectionPolicies", FriendlyName=f"au{n}", region="au1")
        voice.create("ConnectionPolicies", FriendlyName=f"o{n}", account_sid=OTHER_ACCOUNT_SID)
    return voice


LISTS = [
    "ConnectionPolicies",
    "ByocTrunks",
    "IpRecords",
    "SourceIpMappings",
]


def pages(voice: FakeVoice, path: str, region: str, account: str) -> list[Any]:
    """Every page of a list at PageSize 4, by next_page_url, then page 2 by Page alone."""
    seen = [voice.call("GET", path, {"PageSize": 4}, account_sid=account, region=region)]
    while seen[-1]["meta"]["next_page_url"]:
        following = urlsplit(seen[-1]["meta"]["next_page_url"])
        seen.append(
            voice.call(
                "GET", f"{following.path}?{following.query}", account_sid=account, region=region
            )
        )
    seen.append(
        voice.call("GET", path, {"PageSize": 4, "Page": 2}, account_sid=account, region=region)
    )
    return seen


def answers(voice: FakeVoice) -> list[Any]:
    found: list[Any] = []
    for region, account in [("us1", ACCOUNT_SID), ("au1", ACCOUNT_SID), ("us1", OTHER_ACCOUNT_SID)]:
        policies = voice.list_all("ConnectionPolicies", account_sid=account, region=region)
        lists = [*LISTS, *(f"ConnectionPolicies/{p['sid']}/Targets" for p in policies[:2])]
        for path in lists:
            found += pages(voice, path, region, account)
            for item in voice.list_all(path, account_sid=account, region=region):
                fetched = urlsplit(item["url"]).path
                found.append(voice.call("GET", fetched, account_sid=account, region=region))
    return found


def test_a_loaded_fake_answers_every_fetch_and_page_as_the_fake_it_came_from() -> None:
    source = world()
    state = source.export_state()
    loaded = fake_voice.mock(seed=99, account_sid=ACCOUNT_SID)

    loaded.load_state(copy.deepcopy(state))

    assert loaded.export_state() == state
    expected = answers(source)
    assert len(expected) > 120
    assert answers(loaded) == expected


def test_a_page_token_from_before_the_export_positions_the_same_page_after_it() -> None:
    source = world()
    first = source.call("GET", "ConnectionPolicies", {"PageSize": 5})
    following = urlsplit(first["meta"]["next_page_url"])
    loaded = fake_voice.mock(account_sid=ACCOUNT_SID)
    loaded.load_state(source.export_state())

    after = loaded.call("GET", f"{following.path}?{following.query}")

    assert after == source.call("GET", f"{following.path}?{following.query}")
    assert "PageToken=PA" in following.query


def test_an_account_scoped_load_keeps_the_other_accounts_and_never_redraws_a_loaded_sid() -> None:
    source = world()
    mine, theirs = source.export_state(ACCOUNT_SID), source.export_state(OTHER_ACCOUNT_SID)
    voice = fake_voice.mock(seed=8, account_sid=ACCOUNT_SID)  # the seed that drew them
    voice.load_state(theirs)

    voice.load_state(mine, ACCOUNT_SID)

    assert voice.export_state() == source.export_state()
    loaded = {r["sid"] for r in mine[ACCOUNT_SID]["collections"]["connection_policies"]}
    assert voice.create("ConnectionPolicies")["sid"] not in loaded
    voice.load_state({}, ACCOUNT_SID)
    assert voice.export_state() == theirs


def test_an_account_scoped_load_is_refused_whole_for_a_sid_a_kept_account_uses() -> None:
    voice = fake_voice.mock(account_sid=ACCOUNT_SID)
    theirs = voice.create("ConnectionPolicies", account_sid=OTHER_ACCOUNT_SID)["sid"]
    voice.create("ConnectionPolicies", FriendlyName="mine")
    before = voice.export_state()
    state = state_of(1200)
    records = state[ACCOUNT_SID]["collections"]["connection_policies"]
    records[900] = {**records[900], "sid": theirs, "url": f"/v1/ConnectionPolicies/{theirs}"}

    with pytest.raises(StateError) as refused:
        voice.load_state(state, ACCOUNT_SID)

    assert str(refused.value) == (
        f"{A}: sid {theirs} is already used in account {OTHER_ACCOUNT_SID}"
    )
    assert voice.export_state() == before
    with pytest.raises(StateError, match=f"holds another account: {OTHER_ACCOUNT_SID}"):
        voice.load_state({**state, OTHER_ACCOUNT_SID: {"collections": {}}}, ACCOUNT_SID)
    assert voice.export_state() == before


@pytest.mark.parametrize("through_json", [True, False])
def test_loaded_records_share_one_account_sid_string(through_json: bool) -> None:
    """Each record parsed from a state file carries its own copy of the account SID; the
    store keeps one string for them all (a tenth of what a policy holds)."""
    state = json.loads(json.dumps(state_of(50))) if through_json else state_of(50)
    voice = fake_voice.mock()
    voice.load_state(state)
    records = voice._core.store.account(ACCOUNT_SID).collection("connection_policies").records
    assert len(records) == 50
    assert len({id(record["account_sid"]) for record in records.values()}) == 1
    assert voice.export_state() == state
