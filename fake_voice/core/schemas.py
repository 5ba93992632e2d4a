"""Loads ``schemas/``, compiles each validator once per process and coerces form strings.

Forms and query strings carry only strings; each request schema says which parameters an
operation takes and of what type, so values are coerced to those types first and then
validated, the way stripe-mock treats its API description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator as SchemaValidator
from referencing import Registry, Resource

from fake_voice.core.errors import bad_request
from fake_voice.core.schema_compiler import Check, Unsupported, compile_schema, ecma_regex
from fake_voice.core.wire import JSON, NO_PARAMS, MultiDict

BASE_URI = "https://schemas.fake-voice.invalid/"
# A whole number of at most 18 significant digits (any longer one stays a string, and fails
# validation as one): int() refuses strings over 4300 digits, and no parameter needs more.
_INTEGER = re.compile(r"([+-]?)0*([0-9]{1,18})\Z")


def schema_dir() -> Path:
    """Where ``schemas/`` is: inside the installed wheel, or beside the package in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "schemas", package.parent / "schemas"):
        if (candidate / "common.json").is_file():
            return candidate
    raise FileNotFoundError(f"fake_voice cannot find its schemas/ folder near {package}")


@cache
def registry() -> Registry[Any]:
    resources = []
    root = schema_dir()
    for path in sorted(root.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def load(name: str) -> dict[str, JSON]:
    """A schema by its path under ``schemas/``, e.g. ``resources/connection_policy.json``."""
    contents: dict[str, JSON] = registry().contents(BASE_URI + name)
    return contents


def _pattern(
    checker: Any, pattern: str, instance: Any, schema: Mapping[str, JSON]
) -> Iterator[ValidationError]:
    # jsonschema's own ``pattern`` uses Python's ``$``, which also matches before a final
    # newline; the compiled checks and this one both give ``$`` its JSON Schema meaning.
    if checker.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_extend: Any = validators.extend  # untyped in jsonschema
Validator: type[SchemaValidator] = _extend(Draft202012Validator, {"pattern": _pattern})
"""Draft 2020-12, with ``pattern`` read as JSON Schema (ECMA-262) reads it."""


@cache
def validator(name: str) -> SchemaValidator:
    return Validator(load(name), registry=registry())


@cache
def is_valid(name: str) -> Check:
    """A fast predicate for the schema ``name``; ``validator(name)`` explains failures."""
    try:
        return compile_schema(load(name), registry().resolver(BASE_URI + name))
    except Unsupported:
        return validator(name).is_valid


class SchemaViolation(AssertionError):
    """The fake built a response its own schemas refuse: a bug in fake_voice, never in you.

    ``pointer`` is the JSON pointer into the body, ``reason`` what the schema said.
    """

    def __init__(self, message: str, pointer: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer
        self.reason = reason


def check_response(schema: str, data: Any, where: str) -> None:
    """Raise :class:`SchemaViolation` unless ``data`` conforms to the schema ``schema``."""
    if is_valid(schema)(data):
        return
    error = next(iter(validator(schema).iter_errors(data)), None)
    if error is not None:
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        raise SchemaViolation(
            f"fake_voice answered {where} with a body that {schema} refuses at {pointer}: "
            f"{error.message}\nbody: {json.dumps(data)[:2000]}",
            pointer,
            error.message,
        )


_CHECKED_BODIES: set[tuple[str, bytes]] = set()
_MEMO_SIZE = 512


def check_body(schema: str, body: bytes, where: str) -> None:
    """:func:`check_response` for the JSON data of ``body``: the verdict on the same bytes
    is the same, so bodies that passed are remembered (an error answered again and again)."""
    if (schema, body) in _CHECKED_BODIES:
        return
    check_response(schema, json.loads(body) if body else None, where)
    if len(_CHECKED_BODIES) >= _MEMO_SIZE:
        _CHECKED_BODIES.clear()
    _CHECKED_BODIES.add((schema, body))


def _resolve(schema: Mapping[str, JSON], resolver: Any) -> tuple[Mapping[str, JSON], Any]:
    """Follow a chain of ``$ref`` to the schema that holds the keywords."""
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    return schema, resolver


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    schema: Mapping[str, JSON]


@dataclass(frozen=True)
class RequestSchema:
    """What one operation accepts: its parameters, which are required, and the validator."""

    name: str
    params: Mapping[str, Param]
    required: tuple[str, ...]
    check: SchemaValidator
    fast_check: Check

    def parse(self, given: MultiDict, where: str) -> dict[str, Any]:
        """Coerce and validate the parameters of a request; raise Twilio's 400 on any fault.

        Unknown parameters are ignored, as Twilio ignores them. ``where`` names the part of
        the request in messages ("post body", "query string").
        """
        if given is NO_PARAMS and self.takes_nothing:  # most fetches, deletes
            return {}
        values, faults = self.gather(given, where)
        if faults:
            raise bad_request(faults[0].message)
        if not self.fast_check(values):
            errors = sorted(self.check.iter_errors(values), key=_error_order)
            raise bad_request(self._message(errors[0]))
        return values

    @cached_property
    def takes_nothing(self) -> bool:
        """Whether a request that sends no parameters at all passes (none is required)."""
        return not self.required and self.fast_check({})

    def gather(self, given: MultiDict, where: str) -> tuple[dict[str, Any], list[ParamViolation]]:
        """The operation's parameters coerced to their types, and what the schema cannot
        see: a parameter sent more than once, a required one missing (in Twilio's words)."""
        values: dict[str, Any] = {}
        faults: list[ParamViolation] = []
        lists = given.lists  # read, never changed: no call per parameter
        for name, param in self.params.items():
            sent = lists.get(name)
            if not sent:
                continue
            if len(sent) > 1:
                message = f"Parameter {name} was given {len(sent)} times in the {where}"
                faults.append(ParamViolation(name, message, "repeated", ("properties", name)))
            values[name] = _coerce(sent[0], param.type)
        for name in self.required:
            if name not in values:
                message = f"Missing required parameter {name} in the {where}"
                faults.append(ParamViolation(name, message, "required", ("required",)))
        return values, faults

    def _message(self, error: ValidationError) -> str:
        name = str(error.absolute_path[0]) if error.absolute_path else ""
        param = self.params.get(name)
        if param is None:
            return f"Invalid request: {error.message}"
        reason = _case_reason(param.schema, error.instance) or param.schema.get("x-error")
        reason = reason or default_reason(error)
        return f"Invalid value for parameter {name}: {reason}"


def _case_reason(schema: Mapping[str, JSON], value: object) -> str | None:
    """The message of the first ``x-error-cases`` entry whose pattern the value matches:
    a refusal that names what the value got wrong, where one message would mislead."""
    if not isinstance(value, str):
        return None
    for case in schema.get("x-error-cases", ()):
        if ecma_regex(case["pattern"]).search(value):
            return str(case["x-error"])
    return None


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def default_reason(error: ValidationError) -> str:
    """Why a value failed, in Twilio's words, when its schema gives no ``x-error``."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "enum":
        values = [str(v) for v in schema.get("enum", []) if v is not None]
        return "must be one of " + ", ".join(values)
    if error.validator == "type":
        return f"must be of type {schema.get('type')}"
    if error.validator == "const":
        return f"must be {schema.get('const')}"
    return str(error.message)


def _coerce(raw: str, kind: str) -> Any:
    """Turn a form string into the type the schema wants; leave it a string if it is not one.

    A string left in place then fails validation with a type error that names the parameter.
    """
    if kind == "integer":
        if len(raw) <= 18 and raw.isdigit() and raw.isascii():  # what the pattern takes
            return int(raw)  # leading zeros and all, as the pattern's groups give it
        whole = _INTEGER.match(raw)
        if whole:
            return int(whole[1] + whole[2])
    if kind == "boolean" and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def _main_type(schema: Mapping[str, JSON]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return str(kind)


@cache
def request_schema(name: str) -> RequestSchema:
    top, resolver = _resolve(load(name), registry().resolver(BASE_URI + name))
    params: dict[str, Param] = {}
    for pname, pschema in top.get("properties", {}).items():
        resolved, _ = _resolve(pschema, resolver)
        merged = {**resolved, **{k: v for k, v in pschema.items() if k != "$ref"}}
        params[pname] = Param(pname, _main_type(merged), merged)
    return RequestSchema(
        name, params, tuple(top.get("required", ())), validator(name), is_valid(name)
    )


@cache
def operations() -> Mapping[str, Mapping[str, JSON]]:
    """The operation table from ``schemas/operations/*.json``, keyed by operationId."""
    table: dict[str, Mapping[str, JSON]] = {}
    for path in sorted((schema_dir() / "operations").glob("*.json")):
        for name, spec in json.loads(path.read_text(encoding="utf-8"))["operations"].items():
            if name in table:
                raise ValueError(f"operation {name} is declared twice in schemas/operations/")
            table[name] = spec
    return table


@dataclass(frozen=True)
class ParamViolation:
    """One fault in a request's parameters, as :func:`request_violations` lists them."""

    param: str | None
    """The parameter at fault (None when the fault is not about one parameter)."""
    message: str
    """Worded as the 400 that :meth:`RequestSchema.parse` raises for it."""
    keyword: str
    """The JSON Schema keyword that failed (``maximum``, ``required``), or ``repeated``."""
    schema_path: tuple[str | int, ...]
    """Where that keyword is, from the top of the request schema (``$ref`` steps included)."""


def request_violations(schema: RequestSchema, given: MultiDict, where: str) -> list[ParamViolation]:
    """Every fault in ``given`` that :meth:`RequestSchema.parse` would refuse, without raising.

    ``parse`` stops at the first fault; reading recorded traffic wants them all. An empty
    list means ``parse`` accepts ``given``.
    """
    values, found = schema.gather(given, where)
    for error in sorted(schema.check.iter_errors(values), key=_error_order):
        if error.validator == "required":
            continue  # reported above, in parse()'s words
        param_name = str(error.absolute_path[0]) if error.absolute_path else None
        path = tuple(error.schema_path)
        keyword = str(error.validator)
        found.append(ParamViolation(param_name, schema._message(error), keyword, path))
    return found
