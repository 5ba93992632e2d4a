"""Compiles the JSON Schema subset that ``schemas/`` uses into plain Python predicates.

jsonschema walks a schema anew for every instance and resolves every ``$ref`` on the way,
which costs more than the rest of a request. The fake checks every request and every
response, so the hot path asks a compiled predicate "is this valid?" and asks jsonschema
only to explain a failure. A schema using a keyword this compiler does not know raises
:class:`Unsupported` at compile time, and the caller then keeps jsonschema for it.
The test suite checks that both always agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only annotate: they never change whether an instance is valid here.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "format",  # jsonschema does not assert formats unless asked to
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: Mapping[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


_PLAIN_CLASSES: Mapping[str, type] = {
    "string": str,
    "null": type(None),
    "object": dict,
    "array": list,
}


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A JSON Schema ``pattern`` compiled for Python with its ECMA-262 meaning of ``$``.

    In ECMA-262 (JSON Schema's regex dialect) ``$`` matches only at the end of the input;
    Python's ``$`` also matches before a final newline, so ``^NY[0-9a-f]{32}$`` would take
    a SID followed by ``\\n``. Each ``$`` outside a character class becomes ``\\Z``.
    """
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def compile_schema(schema: Any, resolver: Any) -> Check:
    """A predicate for ``schema``; ``resolver`` (a ``referencing`` resolver) follows ``$ref``."""
    if schema is True:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, Mapping):
        raise Unsupported(f"schema of type {type(schema).__name__}")
    keywords = _keywords(schema)
    if keywords.get("type") == "object" and set(keywords) <= _OBJECT_KEYWORDS:
        return _strict_object(keywords, resolver)
    if keywords.get("type") in _STRING_TYPES and set(keywords) <= _STRING_KEYWORDS:
        return _string(keywords, nullable=keywords["type"] != "string")
    if keywords.get("type") == "integer" and set(keywords) <= _INTEGER_KEYWORDS:
        return _integer(keywords)
    checks: list[Check] = []
    for keyword, value in keywords.items():
        builder = _KEYWORDS.get(keyword)
        if builder is None:
            raise Unsupported(keyword)
        checks.append(builder(value, schema, resolver))
    if not checks:
        return lambda _: True
    if len(checks) == 1:
        return checks[0]
    ordered = tuple(checks)

    def every(v: Any) -> bool:
        for check in ordered:  # a plain loop: measurably faster than all() on a generator
            if not check(v):
                return False
        return True

    return every


Builder = Callable[[Any, Mapping[str, Any], Any], Check]

# Two shapes make up most of schemas/: an object with its properties, and a string with a
# pattern or a length. Each gets one closure instead of one per keyword.
_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})
_STRING_KEYWORDS = frozenset({"type", "pattern", "maxLength", "minLength"})
_STRING_TYPES = ("string", ["string", "null"], ["null", "string"])
_INTEGER_KEYWORDS = frozenset({"type", "minimum", "maximum"})
_MISSING = object()


def _strict_object(keywords: Mapping[str, Any], resolver: Any) -> Check:
    """One generated function for an object and every property it can check inline (a
    string, an integer, a boolean, another such object), calling compiled checks for the
    rest: a resource's whole schema without a call per property."""
    source = _Source()
    source.object(keywords, resolver, "v", "    ", 1)
    return source.function()


class _Source:
    """The source of one generated check, and the values its code names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"_MISSING": _MISSING, "_is_integer": _is_integer}
        self.variables = 0

    def function(self) -> Check:
        code = "def check(v):\n" + "\n".join(self.lines) + "\n    return True\n"
        exec(compile(code, "<fake_voice compiled check>", "exec"), self.names)
        check: Check = self.names["check"]
        return check

    def name(self, value: Any) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def emit(self, indent: str, line: str) -> None:
        self.lines.append(indent + line)

    def object(
        self, keywords: Mapping[str, Any], resolver: Any, var: str, indent: str, depth: int
    ) -> None:
        properties = keywords.get("properties", {})
        required = frozenset(keywords.get("required", ()))
        additional = keywords.get("additionalProperties", True)
        known = self.name(frozenset(properties))
        self.emit(indent, f"if not isinstance({var}, dict): return False")
        if required:
            self.emit(indent, f"if not {self.name(required)}.issubset({var}): return False")
        if additional is False:
            self.emit(indent, f"if not {known}.issuperset({var}): return False")
        for prop, sub in properties.items():
            self.variables += 1
            value = f"x{self.variables}"
            self.emit(indent, f"{value} = {var}.get({prop!r}, _MISSING)")
            self.emit(indent, f"if {value} is not _MISSING:")
            self.schema(sub, resolver, value, indent + "    ", depth)
        if additional not in (True, False):
            extra = self.name(compile_schema(additional, resolver))
            self.emit(indent, f"for k in {var}:")
            self.emit(indent, f"    if k not in {known} and not {extra}({var}[k]): return False")

    def schema(self, schema: Any, resolver: Any, var: str, indent: str, depth: int) -> None:
        """Lines that return False unless ``var`` is valid under ``schema``."""
        schema, resolver = _through_refs(schema, resolver)
        keywords = _keywords(schema) if isinstance(schema, Mapping) else None
        kind = keywords.get("type") if keywords is not None else None
        if keywords is None or depth > 4:
            pass
        elif kind == "object" and set(keywords) <= _OBJECT_KEYWORDS:
            return self.object(keywords, resolver, var, indent, depth + 1)
        elif kind in _STRING_TYPES and set(keywords) <= _STRING_KEYWORDS:
            return self.string(keywords, var, indent, nullable=kind != "string")
        elif kind == "integer" and set(keywords) <= _INTEGER_KEYWORDS:
            self.emit(indent, f"if type({var}) is not int and not _is_integer({var}):")
            self.emit(indent, "    return False")
            if "minimum" in keywords:
                self.emit(indent, f"if {var} < {self.name(keywords['minimum'])}: return False")
            if "maximum" in keywords:
                self.emit(indent, f"if {var} > {self.name(keywords['maximum'])}: return False")
            return None
        elif keywords == {"type": "boolean"}:
            return self.emit(indent, f"if type({var}) is not bool: return False")
        check = self.name(compile_schema(schema, resolver))
        self.emit(indent, f"if not {check}({var}): return False")
        return None

    def string(self, keywords: Mapping[str, Any], var: str, indent: str, nullable: bool) -> None:
        """What _string checks, inline, with its memo of accepted strings for a pattern."""
        refusal = f"if {var} is not None: return False" if nullable else "return False"
        lengths = []
        if "maxLength" in keywords:
            lengths.append(f"len({var}) > {self.name(keywords['maxLength'])}")
        if keywords.get("minLength", 0):
            lengths.append(f"len({var}) < {self.name(keywords['minLength'])}")
        if "pattern" not in keywords:
            self.emit(indent, f"if not isinstance({var}, str):")
            self.emit(indent, f"    {refusal}")
            for length in lengths:
                self.emit(indent, f"elif {length}: return False")
            return
        accepted = self.name(set())
        search = self.name(ecma_regex(keywords["pattern"]).search)
        self.emit(indent, f"if type({var}) is not str or {var} not in {accepted}:")
        self.emit(indent, f"    if not isinstance({var}, str):")
        self.emit(indent, f"        {refusal}")
        inner = indent + "    "
        for length in lengths:
            self.emit(inner, f"elif {length}: return False")
        self.emit(inner, f"elif {search}({var}) is None: return False")
        self.emit(inner, f"elif type({var}) is str:")
        self.emit(inner, f"    if len({accepted}) >= {_MEMO_SIZE}: {accepted}.clear()")
        self.emit(inner, f"    {accepted}.add({var})")


def _keywords(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The keywords of ``schema`` that decide validity (no annotations, no ``x-``)."""
    return {k: v for k, v in schema.items() if k not in _ANNOTATIONS and not k.startswith("x-")}


def _through_refs(schema: Any, resolver: Any) -> tuple[Any, Any]:
    """The schema a chain of bare ``$ref`` schemas ends in, and its resolver."""
    for _ in range(16):
        if not (isinstance(schema, Mapping) and set(_keywords(schema)) == {"$ref"}):
            break
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    return schema, resolver


_MEMO_SIZE = 1024
"""How many accepted strings a pattern remembers (an account's SID, today's dates)."""


def _string(keywords: Mapping[str, Any], nullable: bool) -> Check:
    search = ecma_regex(keywords["pattern"]).search if "pattern" in keywords else None
    longest = keywords.get("maxLength")
    shortest = keywords.get("minLength", 0)
    # Whether a string passes is a function of the string alone, and the same few (the
    # account SID, the date of this second) come back in every body: a set lookup is
    # cheaper than the pattern. Only exact str instances are remembered.
    accepted: set[str] = set()

    def check(v: Any) -> bool:
        if type(v) is str and v in accepted:
            return True
        if not isinstance(v, str):
            return nullable and v is None
        if longest is not None and len(v) > longest:
            return False
        if shortest and len(v) < shortest:
            return False
        if search is None:
            return True
        if search(v) is None:
            return False
        if type(v) is str:
            if len(accepted) >= _MEMO_SIZE:
                accepted.clear()
            accepted.add(v)
        return True

    return check


def _integer(keywords: Mapping[str, Any]) -> Check:
    lowest = keywords.get("minimum")
    highest = keywords.get("maximum")

    def check(v: Any) -> bool:
        if type(v) is not int and not _is_integer(v):  # bool is no int here; 1.0 is one
            return False
        if lowest is not None and v < lowest:
            return False
        return highest is None or v <= highest

    return check


def _type(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    names = [value] if isinstance(value, str) else list(value)
    if len(names) == 1:
        return _TYPES[names[0]]
    if set(names) <= _PLAIN_CLASSES.keys():  # no int/bool subtleties: one isinstance call
        classes = tuple(_PLAIN_CLASSES[name] for name in names)
        return lambda v: isinstance(v, classes)
    tests = tuple(_TYPES[name] for name in names)
    return lambda v: any(test(v) for test in tests)


def _ref(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    resolved = resolver.lookup(value)
    return compile_schema(resolved.contents, resolved.resolver)


def _properties(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    compiled = tuple((name, compile_schema(sub, resolver)) for name, sub in value.items())

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for name, sub in compiled:
            if name in v and not sub(v[name]):
                return False
        return True

    return check


def _additional(value: Any, schema: Mapping[str, Any], resolver: Any) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", {}))
    if value is False:
        return lambda v: not isinstance(v, dict) or known.issuperset(v)
    extra = compile_schema(value, resolver)
    return lambda v: not isinstance(v, dict) or all(extra(v[k]) for k in v if k not in known)


def _required(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    names = frozenset(value)
    return lambda v: not isinstance(v, dict) or names.issubset(v)


def _items(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    item = compile_schema(value, resolver)

    def check(v: Any) -> bool:
        if isinstance(v, list):
            for x in v:
                if not item(x):
                    return False
        return True

    return check


def _pattern(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    search = ecma_regex(value).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _max_length(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not isinstance(v, str) or len(v) <= value


def _min_length(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not isinstance(v, str) or len(v) >= value


def _minimum(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not _is_number(v) or v >= value


def _maximum(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not _is_number(v) or v <= value


def _enum(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    options = tuple(value)
    return lambda v: any(_same(v, option) for option in options)


def _const(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: _same(v, value)


def _any_of(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    options = tuple(compile_schema(sub, resolver) for sub in value)

    def check(v: Any) -> bool:
        for option in options:  # plain loops: cheaper than any() and all() on generators
            if option(v):
                return True
        return False

    return check


def _all_of(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    parts = tuple(compile_schema(sub, resolver) for sub in value)

    def check(v: Any) -> bool:
        for part in parts:
            if not part(v):
                return False
        return True

    return check


def _one_of(value: Any, _: Mapping[str, Any], resolver: Any) -> Check:
    options = tuple(compile_schema(sub, resolver) for sub in value)
    return lambda v: sum(1 for option in options if option(v)) == 1


def _min_items(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not isinstance(v, list) or len(v) >= value


def _max_items(value: Any, _: Mapping[str, Any], __: Any) -> Check:
    return lambda v: not isinstance(v, list) or len(v) <= value


_KEYWORDS: Mapping[str, Builder] = {
    "type": _type,
    "$ref": _ref,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "pattern": _pattern,
    "maxLength": _max_length,
    "minLength": _min_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "enum": _enum,
    "const": _const,
    "anyOf": _any_of,
    "allOf": _all_of,
    "oneOf": _one_of,
    "minItems": _min_items,
    "maxItems": _max_items,
}
