"""Compiled checks over a column: is a schema true of every value of a list?

Loading a state checks many records against one schema. The compiled check of
``schema_compiler`` costs a few Python calls per value and keyword; over a column, most
keywords are one pass in C over every value at once (``set(map(type, ...))``,
``map(pattern.search, ...)``, ``max(map(len, ...))``), and an object's properties become
columns of their own. A column check is True exactly when the compiled check is true of
every value, but for one strictness: it types values by their exact class, so a value of a
subclass of ``str``, ``int`` or ``dict`` (which JSON never gives back) makes it False. A
False does not say which value fails: ask the compiled check of each.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from fake_voice.core.schema_compiler import _ANNOTATIONS, Unsupported, compile_schema, ecma_regex
from fake_voice.core.schemas import BASE_URI, load, registry, validator

ColumnCheck = Callable[[list[Any]], bool]

_CLASSES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}
_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})
_SCALAR_KEYWORDS = frozenset({"type", "pattern", "maxLength", "minLength", "minimum", "maximum"})
_NULL = {"type": "null"}


@cache
def all_valid(name: str) -> ColumnCheck:
    """A column check for the schema ``name`` under ``schemas/``; where the compiler cannot
    read the schema, jsonschema checks each value (as ``schemas.is_valid`` does)."""
    try:
        return column_check(load(name), registry().resolver(BASE_URI + name))
    except Unsupported:
        each = validator(name).is_valid
        return lambda values: all(map(each, values))


def column_check(schema: Any, resolver: Any) -> ColumnCheck:
    """A predicate true of a list when ``schema`` holds for each of its values; raises
    ``Unsupported`` where the compiled check does."""
    if isinstance(schema, Mapping):
        keywords = {k: v for k, v in schema.items() if k not in _ANNOTATIONS and k[:2] != "x-"}
        built = _built(keywords, resolver)
        if built is not None:
            return built
    check = compile_schema(schema, resolver)
    return lambda values: all(map(check, values))


def _built(keywords: dict[str, Any], resolver: Any) -> ColumnCheck | None:
    """A column form of the schema's keywords, for the shapes ``schemas/`` is made of."""
    names = set(keywords)
    if names == {"$ref"}:
        resolved = resolver.lookup(keywords["$ref"])
        return column_check(resolved.contents, resolved.resolver)
    if (
        keywords.get("type") == "object"
        and names <= _OBJECT_KEYWORDS
        and keywords.get("additionalProperties", True) in (True, False)
    ):
        return _object(keywords, resolver)
    branches = keywords.get("anyOf")
    if (
        names == {"anyOf"}
        and isinstance(branches, list)
        and len(branches) == 2
        and _NULL in branches
    ):
        # null, or the other branch: the column without its nulls must pass the other
        other = column_check(branches[1 - branches.index(_NULL)], resolver)
        return lambda values: other([v for v in values if v is not None])
    if names == {"type", "enum"} and all(type(option) is str for option in keywords["enum"]):
        typed, options = _typed(keywords["type"]), frozenset(keywords["enum"])
        # of the options, all strings: the values must be strings, each an option
        return lambda values: (
            typed(values) and set(map(type, values)) <= _STR and set(values) <= options
        )
    if names and names <= _SCALAR_KEYWORDS:
        return _scalar(keywords)
    return None


_STR = frozenset({str})


def _typed(names: str | list[str]) -> ColumnCheck:
    """Whether every value is of one of the JSON types ``names`` (by exact class)."""
    names = [names] if isinstance(names, str) else names
    classes = frozenset(cls for name in names for cls in _CLASSES[name])
    whole = "integer" in names and "number" not in names  # a float, if its value is whole
    if whole:
        classes |= {float}

    def check(values: list[Any]) -> bool:
        present = set(map(type, values))
        if not present <= classes:
            return False
        if whole and float in present:
            return all(v.is_integer() for v in values if type(v) is float)
        return True

    return check


def _object(keywords: Mapping[str, Any], resolver: Any) -> ColumnCheck:
    properties: Mapping[str, Any] = keywords.get("properties", {})
    required = frozenset(keywords.get("required", ()))
    closed = keywords.get("additionalProperties", True) is False
    known = frozenset(properties)
    dicts = _typed("object")
    columns = tuple(
        (name, name in required, operator.itemgetter(name), column_check(sub, resolver))
        for name, sub in properties.items()
    )

    def check(values: list[Any]) -> bool:
        if not dicts(values):
            return False
        if required and not all(map(required.issubset, values)):
            return False
        if closed and not all(map(known.issuperset, values)):
            return False
        for name, given_by_all, get, column in columns:
            present = (
                list(map(get, values)) if given_by_all else [v[name] for v in values if name in v]
            )
            if present and not column(present):
                return False
        return True

    return check


def _scalar(keywords: Mapping[str, Any]) -> ColumnCheck:
    """Type, string and number keywords: each holds of a value independently of the others."""
    typed = _typed(keywords["type"]) if "type" in keywords else None
    search = ecma_regex(keywords["pattern"]).search if "pattern" in keywords else None
    longest, shortest = keywords.get("maxLength"), keywords.get("minLength")
    low, high = keywords.get("minimum"), keywords.get("maximum")
    textual = search is not None or longest is not None or shortest is not None
    numeric = low is not None or high is not None
    only_strings = keywords.get("type") == "string"
    only_numbers = keywords.get("type") in ("integer", "number")

    def check(values: list[Any]) -> bool:
        if typed is not None and not typed(values):
            return False
        if textual:  # these keywords hold of any value that is not a string
            # Each distinct string once: a column often repeats one (an account, a date).
            strings = set(values) if only_strings else {v for v in values if isinstance(v, str)}
            if search is not None and not all(map(search, strings)):
                return False
            if longest is not None and max(map(len, strings), default=0) > longest:
                return False
            if shortest is not None and min(map(len, strings), default=shortest) < shortest:
                return False
        if numeric:  # and these of any value that is not a number (a boolean is not)
            numbers = values if only_numbers else [v for v in values if _is_number(v)]
            if low is not None and not all(v >= low for v in numbers):
                return False
            if high is not None and not all(v <= high for v in numbers):
                return False
        return True

    return check


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
