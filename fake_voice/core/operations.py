"""The operation table and routing: (method, path) -> the operation that answers it.

``schemas/operations/`` declares each operation (its path template, request and response
schemas and success status); the resource modules supply its implementation, bound by
Twilio's operationId, and the version segment of its path picks its dialect.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fake_voice.core import dialects, schemas
from fake_voice.core.dialect import Dialect, Listing, Page
from fake_voice.core.errors import TwilioError, method_not_allowed, not_found
from fake_voice.core.options import Options
from fake_voice.core.wire import JSON, Request
from fake_voice.state.store import Account, Store

_PARAM = re.compile(r"\{([A-Za-z]+)\}")


@dataclass
class Context:
    """What an operation's implementation gets: the caller's account, its parameters, and
    where it called from."""

    store: Store
    options: Options
    account: Account
    operation: Operation
    path_params: Mapping[str, str]
    params: dict[str, Any]
    base_url: str
    path: str
    request: Request

    def header(self, name: str) -> str | None:
        """A header of the request (``Idempotency-Key``), None when it was not sent."""
        return self.request.header(name)

    @property
    def page_size_over_limit(self) -> Literal["cap", "reject"]:
        return self.options.page_size_over_limit

    def page(self, listing: Listing) -> Page:
        """One page of ``listing``, written as the operation's API version writes lists."""
        return self.operation.dialect.page(self, listing)


Implementation = Callable[[Context], JSON]
"""What a resource does for one operation: a body (data, ``Encoded``, a ``Page``, a
:class:`Reply`) or None."""
Check = Callable[[Mapping[str, Any], Mapping[str, str]], None]
"""A request rule beyond the schema that needs no state: it gets the coerced parameters and
the path parameters and raises ``TwilioError`` (a 400) for a request it refuses. The
request path and the traffic checker both run it, so they refuse the same requests."""


@dataclass(frozen=True)
class Reply:
    """A body with response headers of its own (v3's ``Location``, ``Operation-Id``)."""

    body: JSON
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    template: str
    status: int
    request: schemas.RequestSchema
    response: str | None
    implementation: Implementation
    dialect: Dialect
    pattern: re.Pattern[str]
    check: Check | None = None


_Routed = tuple[Operation | None, tuple[Any, ...]]
_WILD = itertools.repeat("*")
_SHAPES = 4096
"""How many path shapes the router remembers (a client's few dozen, a fuzzer's many)."""
_PATHS = 1024
"""How many paths the router remembers (those of a test's recent records)."""


def _compile(template: str) -> re.Pattern[str]:
    # Path segments match anything but a slash; a malformed SID simply finds nothing (404).
    return re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", template) + "$")


def _segment(path: str) -> str:
    """``v1/ConnectionPolicies`` of ``/v1/ConnectionPolicies/NY.../Targets``."""
    parts = path.split("/", 3)
    return f"{parts[1]}/{parts[2]}" if len(parts) > 2 else ""


def _specificity(operation: Operation) -> tuple[tuple[bool, ...], str, str]:
    segments = operation.template.split("/")
    parameters = tuple(segment.startswith("{") for segment in reversed(segments))
    return parameters, operation.template, operation.method


class Router:
    """Every declared operation, bound to its implementation."""

    def __init__(
        self, implementations: Mapping[str, Implementation], checks: Mapping[str, Check] = {}
    ) -> None:
        table = schemas.operations()
        missing = sorted(set(table) - set(implementations))
        if missing:
            raise RuntimeError(f"operations without an implementation: {', '.join(missing)}")
        stray = sorted(set(checks) - set(table))
        if stray:
            raise RuntimeError(f"checks for operations that are not declared: {', '.join(stray)}")
        self.operations: dict[str, Operation] = {}
        for name, spec in table.items():
            template = str(spec["path"])
            self.operations[name] = Operation(
                name=name,
                method=str(spec["method"]),
                template=template,
                status=int(spec["status"]),
                request=schemas.request_schema(str(spec["request"])),
                response=spec["response"],
                implementation=implementations[name],
                dialect=dialects.for_version(template.split("/")[1]),
                pattern=_compile(template),
                check=checks.get(name),
            )
        # Operations by version and first segment after it ("v1/ConnectionPolicies"),
        # so a request tries a handful of patterns rather than all of them.
        self._by_segment: dict[str, list[Operation]] = {}
        # Where two templates match one path, the one with a literal segment nearer the end
        # wins: GET /v2/Configurations/Recording/Default is FetchDefaultConfiguration, not a
        # fetch of a configuration named "Default".
        for operation in sorted(self.operations.values(), key=_specificity):
            self._by_segment.setdefault(_segment(operation.template), []).append(operation)
        # Every literal segment of a template (and the empty segment) stands for itself in
        # a path's shape; any other segment can only fill a parameter, so it is "*". Paths
        # of one shape match the same templates, so the outcome is worked out once a shape.
        self._literals = {"": ""}
        for operation in self.operations.values():
            for part in operation.template.split("/"):
                if not part.startswith("{"):
                    self._literals[part] = part
        self._by_shape: dict[tuple[str, tuple[str, ...]], _Routed] = {}
        self._by_path: dict[str, dict[str, tuple[Operation, dict[str, str]]]] = {}
        """What the last paths routed were routed to, by path and method."""

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        """The operation and path parameters for a request; Twilio's 404 or 405 if none."""
        by_method = self._by_path.get(path)  # a path asked for before (a list, a record)
        if by_method is not None:
            known = by_method.get(method)
            if known is not None:
                return known[0], dict(known[1])
        if "\n" in path:  # a pattern's $ also matches before a final newline: ask them
            return self._match(method, path)
        segments = path.split("/")
        key = (method, tuple(map(self._literals.get, segments, _WILD)))
        routed = self._by_shape.get(key)
        if routed is None:
            routed = self._route(method, path)
            if len(self._by_shape) >= _SHAPES:
                self._by_shape.clear()  # a bound for a server that is sent any path at all
            self._by_shape[key] = routed
        operation, places = routed
        if operation is None:
            if places:
                raise method_not_allowed(list(places))
            raise not_found(path)
        found = {}
        for name, index in places:  # a loop, not a comprehension: no call
            found[name] = segments[index]
        if len(self._by_path) >= _PATHS:
            self._by_path.clear()
        self._by_path.setdefault(path, {})[method] = (operation, found)
        return operation, dict(found)

    def _route(self, method: str, path: str) -> _Routed:
        """What :meth:`_match` finds for ``path``, as it holds for every path of its shape:
        the operation and where its parameters stand, or none and the methods allowed."""
        try:
            operation, _ = self._match(method, path)
        except TwilioError as error:
            allowed = error.headers.get("Allow", "")
            return None, tuple(allowed.split(", ")) if allowed else ()
        parts = operation.template.split("/")
        return operation, tuple((p[1:-1], i) for i, p in enumerate(parts) if p.startswith("{"))

    def _match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        allowed: list[str] = []
        for operation in self._by_segment.get(_segment(path), ()):
            found = operation.pattern.match(path)
            if found is None:
                continue
            if operation.method == method:
                return operation, found.groupdict()
            allowed.append(operation.method)
        if allowed:
            raise method_not_allowed(allowed)
        raise not_found(path)
