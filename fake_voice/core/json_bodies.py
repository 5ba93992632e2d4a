"""JSON request bodies (Voice v2 and v3): read, validated whole by the request schema.

A JSON body is taken as it is, with no coercion: its value must already have the type the
schema names. Unknown keys are refused at every level, so a snake_case key inside a v2
``configuration`` (where keys are camelCase) or a camelCase one outside it is a 400 naming
the key, not a setting silently dropped. Messages name a value by its place in the body
(``configuration.compositionPolicy.channels``, ``participants[1].type``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from fake_voice.core.errors import TwilioError
from fake_voice.core.schemas import ParamViolation, RequestSchema, default_reason
from fake_voice.core.wire import JSON, Request

WHERE = "request body"


class BodyError(TwilioError):
    """A 400 about one place in a JSON body; ``pointer`` is its RFC 6901 JSON pointer."""

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(400, 20001, message)
        self.pointer = pointer


def read(request: Request) -> JSON:
    """The body as JSON (an empty body is ``{}``); a 400 if it is not UTF-8 JSON."""
    if not request.body.strip():
        return {}
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BodyError("The request body is not valid JSON", "") from None


def _place(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _violation(schema: RequestSchema, error: ValidationError) -> tuple[ParamViolation, str]:
    path = list(error.absolute_path)
    keyword = str(error.validator)
    instance = error.instance
    if keyword == "required" and isinstance(instance, Mapping):
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        missing = next(n for n in required if n not in instance)
        path.append(missing)
        message = f"Missing required parameter {_place(path)} in the {WHERE}"
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(
        instance, Mapping
    ):
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extra = next((k for k in instance if k not in known), "")
        path.append(extra)
        message = f"Unknown parameter {_place(path)} in the {WHERE}"
    elif not path:
        message = "The request body must be a JSON object"
    else:
        holder = error.schema if isinstance(error.schema, Mapping) else {}
        top = schema.params.get(str(path[0]))
        reason = holder.get("x-error") or (
            top.schema.get("x-error") if top and len(path) == 1 else None
        )
        message = f"Invalid value for parameter {_place(path)}: {reason or default_reason(error)}"
    name = str(path[0]) if path else None
    return ParamViolation(name, message, keyword, tuple(error.schema_path)), _pointer(path)


def _errors(schema: RequestSchema, body: JSON) -> list[tuple[ParamViolation, str]]:
    if not isinstance(body, dict):
        return [(ParamViolation(None, "The request body must be a JSON object", "type", ()), "")]
    if schema.fast_check(body):
        return []
    errors = sorted(schema.check.iter_errors(body), key=lambda e: [str(p) for p in e.path])
    return [_violation(schema, error) for error in errors]


def parse(schema: RequestSchema, body: JSON) -> dict[str, Any]:
    """``body`` if ``schema`` accepts it; otherwise the 400 for its first fault."""
    found = _errors(schema, body)
    if found:
        violation, pointer = found[0]
        raise BodyError(violation.message, pointer)
    result: dict[str, Any] = body
    return result


def violations(schema: RequestSchema, body: JSON) -> list[ParamViolation]:
    """Every fault :func:`parse` would refuse ``body`` for (empty if it accepts it)."""
    return [violation for violation, _ in _errors(schema, body)]
