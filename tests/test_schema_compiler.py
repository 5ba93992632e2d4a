"""The compiled predicates agree with jsonschema on every schema in schemas/."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from twilio.rest import Client

import fake_voice
from fake_voice.core import schemas as _schemas
from fake_voice.core.schema_compiler import Unsupported, compile_schema
from tests.conftest import ACCOUNT_SID
from tests.scenarios import discover

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ODD_VALUES: list[Any] = [
    None,
    0,
    1,
    1.0,
    1.5,
    -1,
    70000,
    True,
    False,
    "",
    "x" * 300,
    [],
    {},
    "sip:",
]


def corpus() -> list[Any]:
    """Every body (and list item) the scenarios produce, some with a property dropped or retyped."""
    with fake_voice.mock(seed=5) as voice:
        client = Client(ACCOUNT_SID, "token")
        for scenario in discover():
            scenario.run(client, voice)
        bodies = [e.json for e in voice.requests if e.json is not None]
    items = [item for b in bodies if "meta" in b for item in b[b["meta"]["key"]]]
    bodies += items[:200]
    instances: list[Any] = [*bodies, *ODD_VALUES]
    for body in bodies[:60]:
        for key in list(body)[:12]:
            dropped = copy.deepcopy(body)
            del dropped[key]
            instances.append(dropped)
            for odd in ODD_VALUES[:9]:
                changed = copy.deepcopy(body)
                changed[key] = odd
                instances.append(changed)
        extra = copy.deepcopy(body)
        extra["unexpected"] = 1
        instances.append(extra)
    return instances


SCHEMAS = sorted(
    str(path.relative_to(_schemas.schema_dir()))
    for path in _schemas.schema_dir().rglob("*.json")
    if "operations" not in path.parts and path.name != "common.json"
)
CORPUS = corpus()


def test_the_corpus_is_large_and_mixed() -> None:
    assert len(CORPUS) > 2000
    verdicts = {_schemas.validator("error.json").is_valid(i) for i in CORPUS}
    assert verdicts == {True, False}


@pytest.mark.parametrize("name", SCHEMAS)
def test_compiled_check_agrees_with_jsonschema(name: str) -> None:
    fast = _schemas.is_valid(name)
    slow = _schemas.validator(name)
    disagreements = [i for i in CORPUS if fast(i) != slow.is_valid(i)]

    assert disagreements == []
    assert any(slow.is_valid(i) for i in CORPUS) or name.startswith("requests/")


def check(schema: dict[str, Any], instance: Any) -> tuple[bool, bool]:
    """(compiled verdict, jsonschema's verdict) for a small schema of its own."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:t", Resource.from_contents({"$schema": DRAFT, **schema})
    )
    compiled = compile_schema(schema, registry.resolver("urn:t"))
    return compiled(instance), Draft202012Validator(schema, registry=registry).is_valid(instance)


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"type": "integer"}, 1.0, True),
        ({"type": "integer"}, True, False),
        ({"type": "number"}, False, False),
        ({"type": ["string", "null"]}, None, True),
        ({"type": ["integer", "null"]}, False, False),
        ({"enum": [1, "a"]}, True, False),
        ({"enum": [1, "a"]}, 1.0, True),
        ({"const": False}, 0, False),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 3, False),
        ({"oneOf": [{"minimum": 0}, {"maximum": 10}]}, 5, False),
        ({"oneOf": [{"minimum": 0}, {"maximum": 10}]}, 50, True),
        ({"allOf": [{"minLength": 2}, {"maxLength": 3}]}, "abcd", False),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, {"a": "x"}, False),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, {"a": 2}, True),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1}, [], False),
        ({"type": "array", "maxItems": 1}, [1, 2], False),
        ({"type": "string", "pattern": "^a"}, "ba", False),
        ({"required": ["a"]}, "not an object", True),
        ({"properties": {"a": {"type": "string"}}}, {"a": 1}, False),
        ({"$ref": "#/$defs/x", "$defs": {"x": {"type": "boolean"}}}, True, True),
        (True, 1, True),
        (False, 1, False),
    ],
)
def test_each_keyword_agrees_with_jsonschema(schema: Any, instance: Any, valid: bool) -> None:
    if isinstance(schema, bool):
        assert compile_schema(schema, None)(instance) is valid
        return
    assert check(schema, instance) == (valid, valid)


def test_an_unknown_keyword_is_unsupported_and_jsonschema_takes_over() -> None:
    with pytest.raises(Unsupported, match="patternProperties"):
        compile_schema({"patternProperties": {"^a": {"type": "string"}}}, None)


@pytest.mark.parametrize(
    ("pattern", "instance", "valid"),
    [
        ("^a$", "a", True),
        ("^a$", "a\n", False),  # Python's $ would take it; JSON Schema's (ECMA-262) does not
        ("^[$]a$", "$a", True),  # a $ in a class or escaped is a literal dollar
        (r"^\$a$", "$a", True),
        (r"^\$a$", "$a\n", False),
    ],
)
def test_a_pattern_dollar_ends_the_value_as_json_schema_says(
    pattern: str, instance: str, valid: bool
) -> None:
    schema = {"$schema": DRAFT, "type": "string", "pattern": pattern}
    registry: Registry[Any] = Registry().with_resource("urn:t", Resource.from_contents(schema))

    compiled = compile_schema(schema, registry.resolver("urn:t"))

    assert compiled(instance) is valid
    assert _schemas.Validator(schema, registry=registry).is_valid(instance) is valid
    assert compile_schema({"pattern": pattern}, None)(instance) is valid
