"""Twilio's official OpenAPI descriptions of Voice v1, v2 and v3, as conformance tests read them.

The description is not in the repository: ``make openapi`` copies it into ``.cache/openapi/``
(``FAKE_VOICE_OPENAPI_DIR`` names another folder). Without it the tests that need it fail,
saying so; they never skip.

Its schemas are OpenAPI 3.0; they are converted to JSON Schema (2020-12) as OpenAPI defines
them: ``nullable: true`` adds ``"null"`` to ``type`` (and ``None`` to an ``enum``), a
``$ref`` replaces its siblings, a boolean ``exclusiveMinimum``/``exclusiveMaximum`` becomes
the numeric form; everything else is kept. ``format`` is checked for the two formats the
Voice responses use with a standard meaning, ``date-time`` (RFC 3339) and ``uri`` (has a
scheme); Twilio's own formats (``uri-map``, ``int64``...) are annotations.

The v1 description declares no error responses, so its error bodies are checked against
the envelope of TWILIO_FACTS.md: ``code``, ``message``, ``more_info`` (Twilio's error page for
that code) and ``status`` (the HTTP status), optionally ``detail`` and ``details``, and never
the ``type``/``title`` shape that makes twilio-python raise another exception. v2 and v3
declare theirs (v2 that envelope, v3 RFC 9457 problem documents): an error must be one of
the statuses the operation lists, with the body its schema gives, in that same shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from fake_voice.cli.coverage import (
    ENV_DIR,
    V1_FILE,
    DescriptionError,
    Operation,
    described_operations,
    environment_description_path,
    read_description,
)

_URI = "urn:fake-voice:twilio-voice-v1"
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
FILES = ("twilio_voice_v1.json", "twilio_voice_v2.json", "twilio_voice_v3.json")
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)
_URI_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")

ERROR_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "more_info", "status"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "more_info": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "details": {"type": "object"},
    },
}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    """``path``, ``query``, ``header``, ``form`` (the form-encoded request body) or ``json``
    (a top-level key of the JSON request body)."""
    required: bool


@dataclass(frozen=True)
class OfficialOperation:
    operation: Operation
    parameters: tuple[Parameter, ...]

    def names(self, *locations: str) -> set[str]:
        return {p.name for p in self.parameters if p.location in locations}


# -- OpenAPI 3.0 schema -> JSON Schema ---------------------------------------------------

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")


def to_json_schema(schema: Any) -> Any:
    """One OpenAPI 3.0 schema object as JSON Schema 2020-12 (see the module docstring)."""
    if not isinstance(schema, Mapping):
        return schema
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [to_json_schema(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = to_json_schema(value)
        elif key != "nullable":
            out[key] = value
    if schema.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # OpenAPI 3.0's boolean form qualifies minimum/maximum; JSON Schema's is a number.
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    return out


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        datetime.strptime(value[:19].upper(), "%Y-%m-%dT%H:%M:%S")  # a real day and time
        return True

    checker.checks("uri")(lambda value: not isinstance(value, str) or bool(_URI_FORM.match(value)))
    return checker


# -- the description ---------------------------------------------------------------------


class Description:
    """Operations, parameters and response validators of one official description."""

    def __init__(self, source: Path, document: Mapping[str, Any]) -> None:
        self.source = source
        self.operations: dict[str, OfficialOperation] = {}
        self._responses: dict[str, dict[str, Any]] = {}
        methods = {op.operation_id: op for op in described_operations(document)}
        for item in document["paths"].values():
            for spec in item.values():
                if not isinstance(spec, Mapping) or "operationId" not in spec:
                    continue
                name = spec["operationId"]
                self.operations[name] = OfficialOperation(
                    methods[name], _parameters(spec, document)
                )
                self._responses[name] = {
                    status: to_json_schema(_json_schema_of(response))
                    for status, response in spec.get("responses", {}).items()
                }
        converted = {
            "components": {
                "schemas": {
                    name: to_json_schema(schema)
                    for name, schema in document.get("components", {}).get("schemas", {}).items()
                }
            },
            "responses": self._responses,
        }
        resource = Resource.from_contents(converted, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self._checker = _format_checker()
        self._validators: dict[tuple[str, int], Draft202012Validator | None] = {}

    def by_route(self, method: str, path: str) -> OfficialOperation | None:
        """The operation with this method and path template (parameter names aside)."""
        key = Operation("", method, path, 0).key
        return next((o for o in self.operations.values() if o.operation.key == key), None)

    def validator(self, operation_id: str, status: int) -> Draft202012Validator | None:
        """The validator of the body of ``status`` answers, None if that status has no body.

        KeyError if the description does not declare that status for the operation.
        """
        key = (operation_id, status)
        if key not in self._validators:
            found = None
            if self._responses[operation_id][str(status)] is not None:
                found = Draft202012Validator(
                    {"$ref": f"{_URI}#/responses/{operation_id}/{status}"},
                    registry=self._registry,
                    format_checker=self._checker,
                )
            self._validators[key] = found
        return self._validators[key]

    def response_errors(self, operation_id: str, status: int, body: Any) -> list[str]:
        """Why ``body`` is not what the description says ``status`` answers with ([] if it is)."""
        responses = self._responses.get(operation_id)
        if responses is None:
            return [f"the description has no operation {operation_id}"]
        declares_errors = any(code[0] in "45" for code in responses)
        if status >= 400 and not declares_errors:  # v1
            return envelope_errors(status, body)
        if str(status) not in responses:
            return [f"the description declares no {status} answer for {operation_id}"]
        if status >= 400:
            validator = self.validator(operation_id, status)
            found = [] if validator is None else [_describe(e) for e in validator.iter_errors(body)]
            shape = problem_errors if isinstance(body, dict) and "type" in body else envelope_errors
            return found + shape(status, body)
        validator = self.validator(operation_id, status)
        if validator is None:
            return [] if body is None else [f"{status} has no body in the description: {body!r}"]
        return [_describe(error) for error in validator.iter_errors(body)]


def envelope_errors(status: int, body: Any) -> list[str]:
    """Why ``body`` is not Twilio's error envelope for an HTTP ``status`` ([] if it is)."""
    problems = [_describe(e) for e in Draft202012Validator(ERROR_ENVELOPE).iter_errors(body)]
    if problems:
        return problems
    if body["status"] != status:
        problems.append(f"status {body['status']} in the body, {status} on the wire")
    if body["more_info"] != f"https://www.twilio.com/docs/errors/{body['code']}":
        problems.append(f"more_info {body['more_info']} is not the page of code {body['code']}")
    return problems


PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "not": {"anyOf": [{"required": ["message"]}, {"required": ["more_info"]}]},
}


def problem_errors(status: int, body: Any) -> list[str]:
    """Why ``body`` is not an RFC 9457 problem document for ``status`` ([] if it is)."""
    problems = [_describe(e) for e in Draft202012Validator(PROBLEM).iter_errors(body)]
    if problems:
        return problems
    if body["status"] != status:
        problems.append(f"status {body['status']} in the body, {status} on the wire")
    if body["type"] != f"https://www.twilio.com/docs/api/errors/{body['code']}":
        problems.append(f"type {body['type']} is not the page of code {body['code']}")
    return problems


def _describe(error: Any) -> str:
    return f"/{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"


def _json_schema_of(response: Mapping[str, Any]) -> Any:
    content = response.get("content") or {}
    media = content.get("application/json")
    return None if media is None else media.get("schema", {})


def _resolved(schema: Mapping[str, Any], document: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _parameters(spec: Mapping[str, Any], document: Mapping[str, Any]) -> tuple[Parameter, ...]:
    found = [
        Parameter(p["name"], p["in"], bool(p.get("required", False)))
        for p in spec.get("parameters", [])
    ]
    content = (spec.get("requestBody") or {}).get("content") or {}
    for media, location in ((_FORM, "form"), (_JSON, "json")):
        schema = _resolved(content.get(media, {}).get("schema", {}), document)
        # A oneOf body (v3's two create bodies) takes the keys of every variant.
        variants = [_resolved(s, document) for s in schema.get("oneOf", [])] or [schema]
        for variant in variants:
            required = set(variant.get("required", ()))
            for name in variant.get("properties", {}):
                if all(p.name != name or p.location != location for p in found):
                    found.append(Parameter(name, location, name in required))
    return tuple(found)


@cache
def _load(path: Path) -> Description:
    return Description(path, read_description(path))


def load() -> Description:
    """The official Voice v1 description; fails the calling test if it is not there."""
    return _or_fail(lambda: _load(_v1_path()))


def _v1_path() -> Path:
    """Where Twilio's v1 description is: ``$FAKE_VOICE_OPENAPI_DIR`` or ``.cache/openapi/``
    (the shipped operation index holds no schemas, so the conformance tests need the file)."""
    return environment_description_path() or Path(".cache") / "openapi" / V1_FILE


@cache
def _load_all(folder: Path) -> Description:
    documents = [read_description(folder / name) for name in FILES]
    merged: dict[str, Any] = {"paths": {}, "components": {"schemas": {}}}
    for document in documents:
        merged["paths"].update(document["paths"])
        merged["components"]["schemas"].update(document.get("components", {}).get("schemas", {}))
    return Description(folder, merged)


def load_all() -> Description:
    """Voice v1, v2 and v3 as one description (their paths and schema names never clash);
    fails the calling test if one of them is not there."""
    return _or_fail(lambda: _load_all(_v1_path().parent))


def _or_fail(read: Any) -> Description:
    try:
        found: Description = read()
        return found
    except DescriptionError as error:
        problem = str(error)
    pytest.fail(
        f"{problem}\nRun `make openapi` to fetch Twilio's official descriptions "
        f"(or set {ENV_DIR} to the folder that holds twilio_voice_v1.json, v2 and v3).",
        pytrace=False,
    )
