"""The copy a loaded state is made of is what a JSON round trip gives back: the same values
of the same classes in the same order, no container shared with the caller, and None (so
the loader names the value at fault) wherever JSON itself cannot hold the state."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from fake_voice.state.json_copy import json_copy


class Text(str):
    pass


class Level(enum.IntEnum):
    HIGH = 3


def alike(a: Any, b: Any) -> bool:
    """Equal, with every value of the same class, and dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(alike(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(alike(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def round_trip(data: Any) -> Any:
    try:
        return json.loads(json.dumps(data, allow_nan=False))
    except (TypeError, ValueError):
        return None


def containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in containers(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in containers(item))]
    return []


STATES: list[Any] = [
    {},
    {"a": {"collections": {"x": [{"sid": "NY1", "n": None, "t": True, "f": False, "i": 7}]}}},
    {"a": [1, -1, 0, 2**62, -(2**62), 2**63, 10**30, 1.5, -0.0, 1e308, 5e-324, 1.0]},
    {"a": ["", "caf\u00e9", "\U0001f600", "\x00\n", "a\ud800"], "\u00e9": 1},
    {"a": (1, 2), "b": [(3,)]},  # tuples come back as lists
    {1: "x", False: "y", None: "z", 2.5: "w"},  # keys JSON writes as strings
    {"a": Text("x"), Text("k"): 1, "b": Level.HIGH},  # subclasses come back as the base
    {"a": [[[[{"b": [[]]}]]]]},
    {"a": float("nan")},
    {"a": float("inf")},
    {"a": 10**5000},
    {"a": {1, 2}},
    {(1, 2): "tuple key"},
    {"a": b"bytes"},
]


@pytest.mark.parametrize("state", STATES)
def test_the_copy_is_what_a_json_round_trip_gives_back(state: dict[Any, Any]) -> None:
    copied, _ = json_copy(state)

    expected = round_trip(state)
    assert alike(copied, expected) if expected is not None else copied is None
    if copied is not None:
        assert set(containers(copied)).isdisjoint(containers(state))


def test_a_shared_list_is_copied_twice_and_a_cycle_is_left_to_json() -> None:
    shared = [{"sid": "NY1"}]
    copied, sendable = json_copy({"a": shared, "b": shared})
    assert copied == {"a": shared, "b": shared} and sendable
    assert copied["a"] is not copied["b"]
    looped: dict[str, Any] = {}
    looped["self"] = looped
    assert json_copy(looped) == (None, False)


def test_a_state_nested_deeper_than_python_recurses_is_left_to_json() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = [deep]
    try:  # json refuses this before Python 3.13, whose C code has a deeper limit
        json.dumps(deep)
    except RecursionError:
        assert json_copy({"a": deep}) == (None, False)
        return
    copied, sendable = json_copy({"a": deep})
    assert copied is not None and sendable
    level, original = copied["a"], deep
    for _ in range(5000):  # walked, not compared: == would recurse as deep
        assert type(level) is list and len(level) == 1 and level is not original
        level, original = level[0], original[0]
    assert level == "leaf"


@pytest.mark.parametrize(
    ("state", "sendable"),
    [
        ({"a": "plain"}, True),
        ({"a": ["caf\u00e9", "\U0001f600"]}, True),
        ({"a": ["ok", "lone \udc80"]}, False),
        ({"a": {"friendly_name": "lone \udc80"}}, False),
        ({"lone \ud800 key": 1}, False),
        ({"a": ("tuple", "lone \ud800")}, False),  # through JSON itself, told the same
        ({"a": ("tuple", "caf\u00e9")}, True),
    ],
)
def test_the_copy_says_whether_every_string_can_be_sent_as_utf8(
    state: dict[str, Any], sendable: bool
) -> None:
    copied, told = json_copy(state)

    assert copied is not None
    assert told is sendable
