"""The operation table: (method, path template) -> operation, from ``schemas/operations/``.

Each operation names its request schema, its response schema and its success status there;
the resource modules supply only the handler, bound by Twilio's operationId.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_voice import _schemas
from fake_voice._wire import JSON, TwilioError, not_found

if TYPE_CHECKING:
    from fake_voice._options import Options
    from fake_voice._store import Account, Store

_PARAM = re.compile(r"\{([A-Za-z]+)\}")


@dataclass
class Call:
    """What a handler gets: the caller's account, its parameters and where it called from."""

    store: Store
    options: Options
    account: Account
    operation: Operation
    path_params: Mapping[str, str]
    params: dict[str, Any]
    base_url: str
    path: str


Handler = Callable[[Call], JSON]


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    template: str
    status: int
    request: _schemas.RequestSchema
    response: str | None
    handler: Handler
    pattern: re.Pattern[str]

    @property
    def params_in(self) -> str:
        """Where the operation's parameters travel, as Twilio's messages name it."""
        return "query string" if self.method in ("GET", "DELETE") else "post body"


def _compile(template: str) -> re.Pattern[str]:
    # Path segments match anything but a slash; a malformed SID simply finds nothing (404).
    return re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", template) + "$")


def _segment(path: str) -> str:
    """``ConnectionPolicies`` of ``/v1/ConnectionPolicies/NY.../Targets``."""
    parts = path.split("/", 3)
    return parts[2] if len(parts) > 2 else ""


class Router:
    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        table = _schemas.operations()
        missing = sorted(set(table) - set(handlers))
        if missing:
            raise RuntimeError(f"operations without a handler: {', '.join(missing)}")
        self.operations: dict[str, Operation] = {}
        for name, spec in table.items():
            self.operations[name] = Operation(
                name=name,
                method=str(spec["method"]),
                template=str(spec["path"]),
                status=int(spec["status"]),
                request=_schemas.request_schema(str(spec["request"])),
                response=spec["response"],
                handler=handlers[name],
                pattern=_compile(str(spec["path"])),
            )
        # Operations by the path's first segment after the version ("ConnectionPolicies"),
        # so a request tries a handful of patterns rather than all of them.
        self._by_segment: dict[str, list[Operation]] = {}
        for operation in sorted(self.operations.values(), key=lambda op: (op.template, op.method)):
            self._by_segment.setdefault(_segment(operation.template), []).append(operation)

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        allowed: list[str] = []
        for operation in self._by_segment.get(_segment(path), ()):
            found = operation.pattern.match(path)
            if found is None:
                continue
            if operation.method == method:
                return operation, found.groupdict()
            allowed.append(operation.method)
        if allowed:
            raise TwilioError(
                405,
                20004,
                "Method not allowed",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise not_found(path)
