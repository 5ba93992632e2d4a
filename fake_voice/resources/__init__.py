"""One module per resource: what it stores, its defaults and its rules.

Each public module here exports ``OPERATIONS``: Twilio's operationId -> implementation, and
may export ``CHECKS``: operationId -> a stateless request rule beyond the schema (see
``core.operations.Check``); :func:`router` binds them to the operations declared in
``schemas/operations/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from fake_voice.core.operations import Check, Implementation, Router


def _modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]


def all_operations() -> dict[str, Implementation]:
    """Every operation's implementation, keyed by Twilio's operationId."""
    found: dict[str, Implementation] = {}
    for module in _modules():
        for name, implementation in module.OPERATIONS.items():
            if name in found:
                raise ValueError(f"two resource modules implement {name}")
            found[name] = implementation
    return found


def all_checks() -> dict[str, Check]:
    """Every operation's stateless request rule beyond its schema, by operationId."""
    return {name: check for m in _modules() for name, check in getattr(m, "CHECKS", {}).items()}


@cache
def router() -> Router:
    """One router per process: schemas are read and validators compiled only once."""
    return Router(all_operations(), all_checks())
