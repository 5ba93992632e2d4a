"""One module per resource: what it stores, its defaults and its rules.

Each public module here exports ``HANDLERS``, operationId -> handler; the router binds
them to the operations declared in ``schemas/operations/``.
"""

from __future__ import annotations

import importlib
import pkgutil

from fake_voice._routes import Handler


def all_handlers() -> dict[str, Handler]:
    """Every operation's handler, keyed by Twilio's operationId."""
    found: dict[str, Handler] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, handler in module.HANDLERS.items():
            if name in found:
                raise ValueError(f"two resource modules handle {name}")
            found[name] = handler
    return found
