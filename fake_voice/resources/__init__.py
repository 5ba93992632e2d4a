"""One module per resource: what it stores, its defaults and its rules.

Each public module here exports ``OPERATIONS``: Twilio's operationId -> implementation;
:func:`router` binds them to the operations declared in ``schemas/operations/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from fake_voice.core.operations import Implementation, Router


def all_operations() -> dict[str, Implementation]:
    """Every operation's implementation, keyed by Twilio's operationId."""
    found: dict[str, Implementation] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, implementation in module.OPERATIONS.items():
            if name in found:
                raise ValueError(f"two resource modules implement {name}")
            found[name] = implementation
    return found


@cache
def router() -> Router:
    """One router per process: schemas are read and validators compiled only once."""
    return Router(all_operations())
