"""A column check is the compiled check of every value at once: on every schema in schemas/
and every keyword, it is true of a list exactly when the compiled check is true of each value
(and never true where one fails, whatever the values' classes)."""

from __future__ import annotations

from typing import Any

import pytest
from referencing import Registry, Resource

from fake_voice.core import schemas as _schemas
from fake_voice.core.column_checks import all_valid, column_check
from fake_voice.core.schema_compiler import Unsupported, compile_schema
from tests.test_schema_compiler import CORPUS, DRAFT, SCHEMAS


class Text(str):
    """A subclass of str: JSON never gives one back."""


class Whole(int):
    pass


def chunks(values: list[Any], size: int) -> list[list[Any]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def compiles(name: str) -> bool:
    try:
        compile_schema(_schemas.load(name), _schemas.registry().resolver(_schemas.BASE_URI + name))
    except Unsupported:
        return False
    return True


# The schemas the compiler reads; jsonschema checks the others (v2 and v3 bodies) value by value.
COMPILED = [name for name in SCHEMAS if compiles(name)]


def test_most_schemas_are_compiled_and_the_others_are_checked_by_jsonschema() -> None:
    uncompiled = sorted(set(SCHEMAS) - set(COMPILED))
    assert "resources/connection_policy.json" in COMPILED
    assert "resources/transcription.json" in uncompiled
    checked = 0
    for name in uncompiled:
        bodies = [i for i in CORPUS[:400] if _schemas.validator(name).is_valid(i)]
        assert all_valid(name)(bodies) is True
        assert all_valid(name)([*bodies, 5]) is False
        checked += len(bodies)
    assert checked > 30


@pytest.mark.parametrize("name", COMPILED)
def test_a_column_check_agrees_with_the_compiled_check_value_by_value(name: str) -> None:
    column, compiled = all_valid(name), _schemas.is_valid(name)

    assert [i for i in CORPUS if column([i]) != compiled(i)] == []
    assert [
        index
        for index, chunk in enumerate(chunks(CORPUS, 40))
        if column(chunk) != all(map(compiled, chunk))
    ] == []
    assert column([]) is True


# The compiled schemas some body of the corpus satisfies (bodies are answers, not requests).
ANSWERED = [name for name in COMPILED if any(map(_schemas.is_valid(name), CORPUS))]


def test_every_v1_resource_schema_has_valid_bodies_in_the_corpus() -> None:
    v1 = {"byoc_trunk", "connection_policy", "connection_policy_target", "ip_record"}
    assert {f"resources/{name}.json" for name in [*v1, "source_ip_mapping"]} <= set(ANSWERED)


@pytest.mark.parametrize("name", ANSWERED)
def test_a_column_of_valid_values_passes_whole_and_one_bad_value_fails_it(name: str) -> None:
    compiled = _schemas.is_valid(name)
    valid = [i for i in CORPUS if compiled(i)]
    invalid = [i for i in CORPUS if not compiled(i)]

    assert all_valid(name)(valid) is True
    assert [i for i in invalid if all_valid(name)([valid[0], i, valid[-1]])] == []


def column_and_compiled(schema: Any) -> tuple[Any, Any]:
    registry: Registry[Any] = Registry().with_resource(
        "urn:t", Resource.from_contents({"$schema": DRAFT, **schema})
    )
    resolver = registry.resolver("urn:t")
    return column_check(schema, resolver), compile_schema(schema, resolver)


VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    70000,
    float("nan"),
    "",
    "a",
    "ab",
    "abcd",
    "GET",
    "x" * 300,
    "ca\u00e9",
    [],
    ["a"],
    {},
    {"a": 1},
    {"a": "x"},
    {"a": "x", "b": 2},
]
SCHEMAS_OF_EACH_SHAPE: list[dict[str, Any]] = [
    {"type": "integer"},
    {"type": "integer", "minimum": 0, "maximum": 65535},
    {"type": "number", "maximum": 1},
    {"type": "boolean"},
    {"type": ["string", "null"], "maxLength": 3},
    {"type": ["integer", "null"]},
    {"type": "string", "minLength": 2},
    {"type": "string", "pattern": "^a"},
    {"pattern": "^a$", "maxLength": 2},
    {"minimum": 1},
    {"minLength": 1},
    {"type": "string", "enum": ["GET", "POST"]},
    {"type": ["string", "null"], "enum": ["a", None]},
    {"type": "integer", "enum": ["a"]},
    {"enum": [1, "a"]},
    {"const": 1},
    {"anyOf": [{"type": "string", "maxLength": 1}, {"type": "null"}]},
    {"anyOf": [{"type": "null"}, {"type": "integer"}]},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"oneOf": [{"minimum": 0}, {"maximum": 10}]},
    {"type": "object", "required": ["a"], "additionalProperties": False,
     "properties": {"a": {"type": "string"}}},
    {"type": "object", "properties": {"a": {"type": ["integer", "string"]}}},
    {"type": "object", "additionalProperties": {"type": "integer"}},
    {"required": ["a"]},
    {"$ref": "#/$defs/x", "$defs": {"x": {"type": "string", "maxLength": 1}}},
    {"type": "array", "items": {"type": "string"}},
]  # fmt: skip


@pytest.mark.parametrize("schema", SCHEMAS_OF_EACH_SHAPE)
def test_each_shape_agrees_with_the_compiled_check(schema: dict[str, Any]) -> None:
    column, compiled = column_and_compiled(schema)

    assert [v for v in VALUES if column([v]) != compiled(v)] == []
    assert column(VALUES) == all(map(compiled, VALUES))
    assert column([v for v in VALUES if compiled(v)]) is True


@pytest.mark.parametrize("schema", SCHEMAS_OF_EACH_SHAPE)
def test_subclasses_may_fail_a_column_but_never_pass_one_wrongly(schema: dict[str, Any]) -> None:
    column, compiled = column_and_compiled(schema)
    odd: list[Any] = [Text("a"), Text("x" * 9), Whole(3), Whole(70000), {"a": Text("x")}]

    assert [v for v in odd if column([v]) and not compiled(v)] == []


def test_the_exact_classes_are_strict_only_where_json_never_gives_a_value() -> None:
    column, compiled = column_and_compiled({"type": "string"})

    assert compiled(Text("a")) is True
    assert column([Text("a")]) is False  # the loader then asks the compiled check itself
    assert column(["a", "b"]) is True


def test_a_whole_float_is_an_integer_and_another_float_is_not() -> None:
    column, _ = column_and_compiled({"type": "integer", "maximum": 10})

    assert column([1, 2.0, 10]) is True
    assert column([1, 2.5]) is False
    assert column([1, 11.0]) is False
    assert column([True]) is False


def test_a_schema_the_compiler_cannot_read_is_refused_the_same_way() -> None:
    with pytest.raises(Unsupported, match="patternProperties"):
        column_check({"patternProperties": {"^a": {"type": "string"}}}, None)
