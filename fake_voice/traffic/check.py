"""Checking one recorded exchange against ``schemas/``, through the fake's own route table.

The operation is found by the same :class:`Router` that serves requests; request
parameters (a form, a query string or a JSON body, as the operation's API version reads
them) are checked by the same request schemas (all faults, not just the first), and
responses by the operation's success status and response schema, or by the version's error
shape (Twilio's envelope for v1 and v2, an RFC 9457 problem document for v3).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from fake_voice.core import schemas
from fake_voice.core.errors import TwilioError
from fake_voice.core.hosts import VOICE_HOST
from fake_voice.core.operations import Operation
from fake_voice.core.unknown import unknown_messages
from fake_voice.core.wire import Request
from fake_voice.resources import router
from fake_voice.traffic.entries import Recorded

_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Finding:
    """One fault of an exchange; ``part`` is request, status or response."""

    part: str
    pointer: str
    message: str
    keyword: str
    schema: str


@dataclass
class Outcome:
    kind: str
    """checked, uncovered or skipped (another host)."""
    host: str
    path: str
    operation: str | None = None
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""
    """Why an exchange is not covered."""
    request_unchecked: bool = False
    """The recording kept no request body, so POST parameters were not checked."""


def is_voice_host(host: str, extra_hosts: Iterable[str]) -> bool:
    return bool(VOICE_HOST.match(host)) or host in extra_hosts


def check(recorded: Recorded, extra_hosts: frozenset[str], unknown: bool = False) -> Outcome:
    """Check one exchange; ``unknown`` also lists parameters its operation does not take."""
    parts = urlsplit(recorded.url)
    host = parts.netloc.rpartition("@")[2].lower()  # never the credentials before an @
    outcome = Outcome("checked", host, parts.path or "/")
    if not is_voice_host(host, extra_hosts):
        outcome.kind = "skipped"
        return outcome
    method = recorded.method.upper()
    try:
        operation, path_params = router().match(method, outcome.path)
    except TwilioError as error:
        outcome.kind = "uncovered"
        allowed = error.headers.get("Allow")
        outcome.reason = (
            f"schemas/ have no {method} on this path (only {allowed})"
            if allowed
            else "no operation in schemas/ matches this path"
        )
        return outcome
    outcome.operation = operation.name
    # A recorded refusal shows Twilio rejecting the request, which agrees with a request
    # the schemas reject; only a request that the recording shows accepted must be valid.
    if recorded.status < 400:
        outcome.findings += _request_findings(recorded, operation, path_params, outcome, unknown)
    outcome.findings += _response_findings(recorded, operation)
    return outcome


def _request_findings(
    recorded: Recorded,
    operation: Operation,
    path_params: dict[str, str],
    outcome: Outcome,
    unknown: bool,
) -> list[Finding]:
    """What the live fake would refuse in this request, in its words: unknown parameters if
    asked, the schema's faults (all of them) and, if there are none, the operation's own
    stateless rule."""
    if operation.method not in ("GET", "DELETE") and recorded.request_body is None:
        outcome.request_unchecked = True
        return []
    parts = urlsplit(recorded.url)
    url = urlunsplit(("https", outcome.host, parts.path, parts.query, ""))
    headers = dict(recorded.request_headers)
    try:
        request = Request(recorded.method, url, headers, recorded.request_body or b"")
        given = operation.dialect.read(request, operation.method)
    except TwilioError as error:
        return [Finding("request", "", error.message, "format", "")]
    request_schema = operation.request
    extra: list[Finding] = []
    if unknown:
        schema_at = request_schema.name + "#"
        found = unknown_messages(
            request, operation.dialect, operation.method, operation.name, request_schema, given
        )
        extra = [
            Finding("request", _pointer([name] if name else []), message, "unknown", schema_at)
            for name, message in found
        ]
    findings = extra + [
        Finding(
            part="request",
            pointer=_pointer([violation.param] if violation.param else []),
            message=violation.message,
            keyword=violation.keyword,
            schema=location(request_schema.name, violation.schema_path),
        )
        for violation in operation.dialect.violations(given, request_schema, operation.method)
    ]
    if len(findings) == len(extra) and operation.check is not None:
        try:
            values = operation.dialect.parse(given, request_schema, operation.method)
            operation.check(values, path_params)
        except TwilioError as error:
            rule = f"operations#/{operation.name}/check"
            findings.append(Finding("request", "", error.message, "check", rule))
    return findings


def _response_findings(recorded: Recorded, operation: Operation) -> list[Finding]:
    status = recorded.status
    findings: list[Finding] = []
    if 400 <= status <= 599:
        schema: str | None = operation.dialect.error_schema
    else:
        schema = operation.response
        if status != operation.status:
            findings.append(
                Finding(
                    "status",
                    "",
                    f"status {status} is neither the success status {operation.status} of "
                    f"{operation.name} nor an error status (400-599)",
                    "status",
                    f"operations#/{operation.name}/status",
                )
            )
    body = recorded.response_body
    if body is None:
        return findings
    if schema is None:
        if body.strip():
            findings.append(
                Finding(
                    "response",
                    "",
                    f"{operation.name} answers with an empty body, "
                    f"but the recording has {len(body)} bytes",
                    "empty",
                    f"operations#/{operation.name}/response",
                )
            )
        return findings
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        what = "is empty" if not body.strip() else "is not JSON"
        findings.append(Finding("response", "", f"the body {what}", "json", schema + "#"))
        return findings
    errors = schemas.validator(schema).iter_errors(data)
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        findings.append(
            Finding(
                part="response",
                pointer=_pointer(error.absolute_path),
                message=_shorten(error.message),
                keyword=str(error.validator),
                schema=location(schema, error.schema_path, error.schema),
            )
        )
    return findings


def _pointer(path: Iterable[Any]) -> str:
    """An RFC 6901 JSON pointer; "" is the whole document."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def location(name: str, schema_path: Iterable[str | int], holder: object = None) -> str:
    """Where a failing keyword is written: ``common.json#/$defs/date_time/pattern``.

    jsonschema's path runs from the top of the schema but leaves out each ``$ref`` it went
    through; this follows the references again, so the answer names the file and place a
    reader opens. ``holder`` (the error's ``schema``) settles a keyword found on both sides
    of a ``$ref``.
    """
    uri = schemas.BASE_URI + name
    resolver = schemas.registry().resolver(uri)
    node: Any = schemas.load(name)
    pointer: list[str] = []
    steps = list(schema_path)
    try:
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            while (
                isinstance(node, Mapping)
                and "$ref" in node
                and (step not in node or (last and holder is not None and node is not holder))
            ):
                reference = str(node["$ref"])
                uri, _, fragment = urljoin(uri, reference).partition("#")
                resolved = resolver.lookup(reference)
                node, resolver = resolved.contents, resolved.resolver
                pointer = [p for p in fragment.split("/") if p]
            node = node[step]
            pointer.append(str(step).replace("~", "~0").replace("/", "~1"))
    except (KeyError, IndexError, TypeError):
        return f"{name}#/" + "/".join(str(step) for step in steps)
    return uri.removeprefix(schemas.BASE_URI) + "#/" + "/".join(pointer)
