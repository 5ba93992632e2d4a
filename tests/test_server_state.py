"""Loading state: ``voice.load_state()`` is the inverse of ``export_state()``, all or nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

import fake_voice
from fake_voice import FakeVoice, StateError
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

State = dict[str, Any]


def populated(seed: int = 1) -> FakeVoice:
    """Two policies (one with two targets) in ACCOUNT_SID, one in OTHER_ACCOUNT_SID."""
    voice = fake_voice.mock(seed=seed)
    edge = voice.create("ConnectionPolicies", FriendlyName="edge", account_sid=ACCOUNT_SID)
    voice.create("ConnectionPolicies", FriendlyName="core", account_sid=ACCOUNT_SID)
    for target in ("sip:a@example.com", "sip:b@example.com"):
        voice.create(
            f"ConnectionPolicies/{edge['sid']}/Targets", Target=target, account_sid=ACCOUNT_SID
        )
    voice.create("ConnectionPolicies", FriendlyName="other", account_sid=OTHER_ACCOUNT_SID)
    return voice


def test_a_loaded_state_exports_exactly_as_it_was_exported() -> None:
    state = populated().export_state()
    voice = fake_voice.mock(seed=2)
    voice.load_state(state)
    assert voice.export_state() == state


def test_loaded_records_are_served_in_their_order_on_the_callers_host() -> None:
    source = populated()
    voice = fake_voice.mock()
    voice.load_state(source.export_state())
    policies = voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)
    assert [p["friendly_name"] for p in policies] == ["edge", "core"]
    edge = policies[0]
    assert edge["url"] == f"https://voice.twilio.com/v1/ConnectionPolicies/{edge['sid']}"
    targets = voice.list_all(f"ConnectionPolicies/{edge['sid']}/Targets", account_sid=ACCOUNT_SID)
    assert [t["target"] for t in targets] == ["sip:a@example.com", "sip:b@example.com"]
    other = voice.list_all("ConnectionPolicies", account_sid=OTHER_ACCOUNT_SID)
    assert [p["friendly_name"] for p in other] == ["other"]


def test_loading_replaces_everything_that_was_there() -> None:
    voice = fake_voice.mock()
    voice.create("ConnectionPolicies", FriendlyName="gone", account_sid=ACCOUNT_SID)
    voice.load_state({})
    assert voice.export_state() == {}
    assert voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID) == []


def test_new_records_never_reuse_a_loaded_sid() -> None:
    # The same seed draws the same SIDs: without the loaded SIDs counted as issued, the
    # first create after loading would repeat the first loaded SID.
    state = populated(seed=5).export_state()
    voice = fake_voice.mock(seed=5)
    voice.load_state(state)
    created = voice.create("ConnectionPolicies", FriendlyName="new", account_sid=ACCOUNT_SID)
    loaded = {
        record["sid"]
        for account in state.values()
        for records in account["collections"].values()
        for record in records
    }
    assert created["sid"] not in loaded
    assert len(voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)) == 3


def test_loading_deletes_by_the_same_rules_afterwards() -> None:
    voice = fake_voice.mock()
    voice.load_state(populated().export_state())
    edge = voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)[0]
    voice.delete(f"ConnectionPolicies/{edge['sid']}", account_sid=ACCOUNT_SID)
    assert list(voice.export_state()[ACCOUNT_SID]["collections"]) == ["connection_policies"]


def test_state_loads_from_a_json_file(tmp_path: Path) -> None:
    state = populated().export_state()
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    voice = fake_voice.mock()
    voice.load_state(path)
    assert voice.export_state() == state
    other = fake_voice.mock()
    other.load_state(str(path))
    assert other.export_state() == state


def test_a_loaded_state_is_a_copy_of_what_was_given() -> None:
    state = populated().export_state()
    voice = fake_voice.mock()
    voice.load_state(state)
    state[ACCOUNT_SID]["collections"]["connection_policies"][0]["friendly_name"] = "changed"
    policies = voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)
    assert policies[0]["friendly_name"] == "edge"


def test_loading_keeps_recorded_exchanges_and_the_clock() -> None:
    voice = fake_voice.mock(now=datetime(2024, 5, 1, 12, tzinfo=timezone.utc))
    with voice:
        requests.get("https://voice.twilio.com/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"))
    voice.load_state(populated().export_state())
    assert [exchange.operation for exchange in voice.requests] == ["ListConnectionPolicy"]
    assert voice.clock.now() == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


def _policy(state: State) -> dict[str, Any]:
    policy: dict[str, Any] = state[ACCOUNT_SID]["collections"]["connection_policies"][0]
    return policy


def _targets_key(state: State) -> str:
    return next(k for k in state[ACCOUNT_SID]["collections"] if k.startswith("targets/"))


def _set(key: str, value: object) -> Callable[[State], None]:
    return lambda state: _policy(state).update({key: value})


A = f"account {ACCOUNT_SID}"
BAD_STATES: list[tuple[str, Callable[[State], object], str]] = [
    (
        "not an account sid",
        lambda s: s.update({"AC123": {}}),
        "'AC123' is not an account SID (AC and 32 hexadecimal digits)",
    ),
    (
        "an account that is not an object",
        lambda s: s.update({ACCOUNT_SID: []}),
        f"{A} must be an object with collections and extras",
    ),
    (
        "an unknown key in an account",
        lambda s: s[ACCOUNT_SID].update(colections={}),
        f"{A} has the unknown key 'colections'",
    ),
    (
        "extras that are not an object",
        lambda s: s[ACCOUNT_SID].update(extras=[]),
        f"{A}: collections and extras must be objects",
    ),
    (
        "a collection name with a space",
        lambda s: s[ACCOUNT_SID]["collections"].update({"connection policies": []}),
        f"{A}: 'connection policies' is not a collection name (kind or kind/parent)",
    ),
    (
        "records that are not a list",
        lambda s: s[ACCOUNT_SID]["collections"].update(connection_policies={}),
        f"{A}: connection_policies must be a list of records",
    ),
    (
        "a record without a sid",
        lambda s: _policy(s).pop("sid"),
        f"{A}: connection_policies[0] must be an object with a string sid",
    ),
    (
        "a record given twice",
        lambda s: s[ACCOUNT_SID]["collections"]["connection_policies"].append(_policy(s)),
        f"{A}: connection_policies[2] repeats the sid {{sid}}",
    ),
    (
        "a record of another account",
        _set("account_sid", OTHER_ACCOUNT_SID),
        f"{A}: connection_policies[0] belongs to account {OTHER_ACCOUNT_SID}",
    ),
    (
        "a value JSON cannot hold",
        lambda s: s[ACCOUNT_SID]["extras"].update(seen={1, 2}),
        f"{A}: extras.seen holds a set, which JSON cannot hold",
    ),
    (
        "a record without a url",
        lambda s: _policy(s).pop("url"),
        f"{A}: connection_policies[0] needs a url: the /vN/... path it is fetched at",
    ),
    (
        "a wrong type",
        _set("friendly_name", 5),
        f"{A}: connection_policies[0] does not render by its schema at /friendly_name: "
        "5 is not of type 'string', 'null'",
    ),
    (
        "a property the resource does not have",
        _set("colour", "red"),
        f"{A}: connection_policies[0] does not render by its schema at /: "
        "Additional properties are not allowed ('colour' was unexpected)",
    ),
    (
        "a property missing",
        lambda s: _policy(s).pop("date_created"),
        f"{A}: connection_policies[0] does not render by its schema at /: "
        "'date_created' is a required property",
    ),
    (
        "a sid of another kind",
        lambda s: _policy(s).update(
            sid="NE" + _policy(s)["sid"][2:],
            url=f"/v1/ConnectionPolicies/NE{_policy(s)['sid'][2:]}",
        ),
        f"{A}: connection_policies[0] does not render by its schema at /sid: "
        "'NE{hex}' does not match '^NY[0-9a-fA-F]{{32}}$'",
    ),
    (
        "a url naming another record",
        _set("url", "/v1/ConnectionPolicies/NY" + "f" * 32),
        f"{A}: connection_policies[0] cannot be fetched at /v1/ConnectionPolicies/NY{'f' * 32}: "
        f"The requested resource /ConnectionPolicies/NY{'f' * 32} was not found",
    ),
    (
        "a date that does not parse",
        _set("date_created", "2024-13-01T00:00:00Z"),
        f"{A}: connection_policies[0] does not render by its schema at /date_created: "
        "'2024-13-01T00:00:00Z' does not match '^[0-9]{{4}}-(0[1-9]|1[0-2])-"
        "(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$'",
    ),
    (
        "a string UTF-8 cannot hold",
        _set("friendly_name", "a\ud800"),
        f"{A}: connection_policies[0] cannot be rendered: UnicodeEncodeError 'utf-8' codec "
        "can't encode character '\\ud800' in position 113: surrogates not allowed",
    ),
    (
        "a sid given in two accounts",
        lambda s: s[OTHER_ACCOUNT_SID]["collections"]["connection_policies"].append(
            {**_policy(s), "account_sid": OTHER_ACCOUNT_SID}
        ),
        f"account {OTHER_ACCOUNT_SID}: sid {{sid}} is already used in account {ACCOUNT_SID}",
    ),
    (
        "a region that is not a region's name",
        lambda s: s.update(regions={"AU 1": {}}),
        "'AU 1' is not a region other than us1 (whose accounts stand at the top level)",
    ),
    (
        "a target's priority out of range",
        lambda s: s[ACCOUNT_SID]["collections"][_targets_key(s)][1].update(priority=70000),
        f"{A}: {{targets}}[1] does not render by its schema at /priority: "
        "70000 is greater than the maximum of 65535",
    ),
    (
        "targets of a policy that is missing",
        lambda s: s[ACCOUNT_SID]["collections"].pop("connection_policies"),
        f"{A}: {{targets}}[0] cannot be fetched at {{target_url}}: "
        "The requested resource {target_path} was not found",
    ),
    (
        "a kind the fake does not have",
        lambda s: s[ACCOUNT_SID]["collections"].update(
            widgets=[{"sid": "WI1", "url": "/v1/Widgets/WI1"}]
        ),
        f"{A}: widgets[0] cannot be fetched at /v1/Widgets/WI1: "
        "The requested resource /Widgets/WI1 was not found",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in BAD_STATES],
)
def test_bad_state_is_refused_whole_and_changes_nothing(
    change: Callable[[State], object], message: str
) -> None:
    good = populated().export_state()
    bad = copy.deepcopy(good)
    change(bad)
    voice = fake_voice.mock()
    voice.create("ConnectionPolicies", FriendlyName="kept", account_sid=ACCOUNT_SID)
    before = voice.export_state()

    with pytest.raises(StateError) as refused:
        voice.load_state(bad)

    targets = _targets_key(good)
    target_url = good[ACCOUNT_SID]["collections"][targets][0]["url"]
    expected = message.format(
        sid=_policy(good)["sid"],
        hex=_policy(good)["sid"][2:],
        targets=targets,
        target_url=target_url,
        target_path=target_url[3:],
    )
    assert str(refused.value) == expected
    assert voice.export_state() == before


def test_state_errors_are_value_errors() -> None:
    assert issubclass(StateError, ValueError)


def test_a_state_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    voice = fake_voice.mock()
    with pytest.raises(StateError) as refused:
        voice.load_state(path)
    assert str(refused.value) == (
        f"the state file {path} is not JSON: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )


def test_a_missing_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    with pytest.raises(StateError) as refused:
        fake_voice.mock().load_state(path)
    assert str(refused.value) == f"cannot read the state file {path}: No such file or directory"


def extras_world() -> FakeVoice:
    voice = fake_voice.mock(seed=4, account_sid=ACCOUNT_SID)
    voice.add_archived_call("2024-02-29")
    voice.set_high_risk_prefixes("GB", ["+4470"])
    voice.update("Settings", DialingPermissionsInheritance=False)
    voice.create(
        "DialingPermissions/BulkCountryUpdates",
        UpdateRequest='[{"iso_code": "FR", "high_risk_special_numbers_enabled": "true"}]',
    )
    return voice


def test_extras_round_trip_and_are_served_after_a_load() -> None:
    state = extras_world().export_state()
    voice = fake_voice.mock(seed=9, account_sid=ACCOUNT_SID)

    voice.load_state(state)

    assert voice.export_state() == state
    assert voice.fetch("Settings")["dialing_permissions_inheritance"] is False
    assert voice.list_all("DialingPermissions/Countries/GB/HighRiskSpecialPrefixes") == [
        {"prefix": "+4470"}
    ]
    assert voice.fetch("DialingPermissions/Countries/FR")["high_risk_special_numbers_enabled"]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("archived_calls", [], "extras/archived_calls: [] is not of type 'object'"),
        ("archived_calls", {"2024-02-29": ["XX1"]}, "extras/archived_calls/2024-02-29/0:"),
        ("high_risk_special_prefixes", 5, "extras/high_risk_special_prefixes: 5 is not of type"),
        ("high_risk_special_prefixes", {"gb": ["+44"]}, "extras/high_risk_special_prefixes:"),
        ("dialing_permissions", {"FR": {"low_risk_numbers_enabled": "yes"}}, "extras/dialing"),
        ("settings", {"dialing_permissions_inheritance": 1}, "extras/settings/dialing_perm"),
        ("colour", "red", "extras/: Additional properties are not allowed ('colour' was unexp"),
    ],
)
def test_extras_that_the_fake_could_not_serve_are_refused(
    key: str, value: object, message: str
) -> None:
    state = extras_world().export_state()
    state[ACCOUNT_SID]["extras"][key] = value
    voice = extras_world()
    before = voice.export_state()

    with pytest.raises(StateError) as refused:
        voice.load_state(state)

    assert str(refused.value).startswith(f"account {ACCOUNT_SID}: {message}")
    assert voice.export_state() == before
