"""``fake-voice coverage``: which operations of Twilio's OpenAPI description the fake routes.

An operation of the description is covered when the fake has a route with the same method
and path (path parameter names aside) answering the same success status. Twilio describes
each API version in its own file (``twilio_voice_v1.json``, ``_v2``, ``_v3``); the fake's
routes of the versions a file describes are compared with it. The official descriptions
are not shipped with the package: ``make openapi`` puts them in ``.cache/openapi/``.

Exit status 0 when the fake routes every operation of the description with its success
status, 1 when some are missing, 2 when the description cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fake_voice.resources import router

ENV_DIR = "FAKE_VOICE_OPENAPI_DIR"
"""Environment variable naming the folder that holds Twilio's descriptions."""
DEFAULT_DIR = Path(".cache") / "openapi"
V1_FILE = "twilio_voice_v1.json"
_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_PARAM = re.compile(r"\{[^}/]*\}")


def default_description_path() -> Path:
    """``$FAKE_VOICE_OPENAPI_DIR/twilio_voice_v1.json`` if that variable is set, else
    ``.cache/openapi/twilio_voice_v1.json`` (relative to the working directory)."""
    folder = os.environ.get(ENV_DIR)
    return (Path(folder) if folder else DEFAULT_DIR) / V1_FILE


class DescriptionError(Exception):
    """The official description could not be read or is not an OpenAPI description."""


def read_description(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DescriptionError(
            f"cannot read Twilio's OpenAPI description {path}: {error}"
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise DescriptionError(f"{path} is not an OpenAPI description: it has no 'paths' object")
    return data


@dataclass(frozen=True)
class Operation:
    """One operation, as the description or the fake's route table declares it."""

    operation_id: str
    method: str
    path: str
    status: int

    @property
    def key(self) -> tuple[str, str]:
        """What routing compares: the method and the path with its parameters unnamed."""
        return self.method, _PARAM.sub("{}", self.path)


def described_operations(description: Mapping[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI description, with its lowest 2xx status as success."""
    found: list[Operation] = []
    for path, item in description["paths"].items():
        for method in _METHODS:
            spec = item.get(method) if isinstance(item, dict) else None
            if not isinstance(spec, dict):
                continue
            statuses = sorted(int(code) for code in spec.get("responses", {}) if code.isdigit())
            success = next((code for code in statuses if 200 <= code < 300), None)
            if success is None:
                raise DescriptionError(f"{method.upper()} {path} declares no 2xx response")
            name = str(spec.get("operationId") or f"{method.upper()} {path}")
            found.append(Operation(name, method.upper(), path, success))
    return sorted(found, key=_order)


def fake_routes() -> list[Operation]:
    """The fake's route table: every operation ``schemas/operations/`` declares and a
    resource module handles (building the router fails if one has no handler)."""
    routes = [
        Operation(op.name, op.method, op.template, op.status) for op in router().operations.values()
    ]
    return sorted(routes, key=_order)


def _order(operation: Operation) -> tuple[str, int]:
    return operation.path, _METHODS.index(operation.method.lower())


@dataclass(frozen=True)
class Row:
    described: Operation
    route: Operation | None

    @property
    def covered(self) -> bool:
        return self.route is not None and self.route.status == self.described.status

    @property
    def verdict(self) -> str:
        if self.route is None:
            return "missing"
        if self.route.status != self.described.status:
            return f"answers {self.route.status}"
        if self.route.operation_id != self.described.operation_id:
            return f"routed as {self.route.operation_id}"
        return "routed"


@dataclass(frozen=True)
class Report:
    source: str
    rows: list[Row]
    extra: list[Operation]
    """Routes of the fake that the description does not have."""

    @property
    def complete(self) -> bool:
        return all(row.covered for row in self.rows)

    def markdown(self) -> str:
        lines = [
            "| operationId | method | path | status | fake |",
            "|---|---|---|---|---|",
        ]
        for row in self.rows:
            op = row.described
            verdict = row.verdict if row.covered else f"**{row.verdict}**"
            lines.append(
                f"| {op.operation_id} | {op.method} | {op.path} | {op.status} | {verdict} |"
            )
        covered = sum(row.covered for row in self.rows)
        lines += ["", f"{covered} of {len(self.rows)} operations of {self.source} are routed."]
        for route in self.extra:
            lines.append(
                f"Not in the description: {route.operation_id} ({route.method} {route.path})."
            )
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.source,
            "covered": sum(row.covered for row in self.rows),
            "total": len(self.rows),
            "operations": [
                {
                    "operation_id": row.described.operation_id,
                    "method": row.described.method,
                    "path": row.described.path,
                    "status": row.described.status,
                    "covered": row.covered,
                    "fake": row.verdict,
                    "fake_operation": row.route.operation_id if row.route else None,
                }
                for row in self.rows
            ],
            "not_in_description": [
                {"operation_id": r.operation_id, "method": r.method, "path": r.path}
                for r in self.extra
            ],
        }


def compare(source: str, described: Iterable[Operation], routes: Iterable[Operation]) -> Report:
    by_key = {route.key: route for route in routes}
    rows = [Row(op, by_key.get(op.key)) for op in described]
    seen = {row.described.key for row in rows}
    extra = [route for key, route in by_key.items() if key not in seen]
    return Report(source, rows, extra)


def _version(path: str) -> str:
    return path.split("/")[1] if path.count("/") > 1 else ""


def report(path: Path) -> Report:
    """Compare the description at ``path`` with the fake's routes of the API versions it
    describes (Twilio describes v1, v2 and v3 of Voice in one file each)."""
    described = described_operations(read_description(path))
    versions = {_version(op.path) for op in described}
    routes = [route for route in fake_routes() if _version(route.path) in versions]
    return compare(str(path), described, routes)


HELP = "List every operation of Twilio's Voice OpenAPI description and whether the fake routes it."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--openapi",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"Twilio's OpenAPI description (default: {default_description_path()})",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="a Markdown table (default) or JSON",
    )


def run(args: argparse.Namespace) -> int:
    path: Path = args.openapi or default_description_path()
    try:
        result = report(path)
    except DescriptionError as error:
        print(
            f"fake-voice coverage: {error}\n"
            "Run `make openapi` to fetch Twilio's description, or pass --openapi PATH.",
            file=sys.stderr,
        )
        return 2
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(result.markdown(), end="")
    return 0 if result.complete else 1
