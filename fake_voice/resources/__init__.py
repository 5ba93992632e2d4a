"""One module per resource: what it stores, its defaults and its rules."""

from __future__ import annotations

from fake_voice._routes import Handler
from fake_voice.resources import connection_policies, targets


def all_handlers() -> dict[str, Handler]:
    """Every operation's handler, keyed by Twilio's operationId."""
    return {**connection_policies.HANDLERS, **targets.HANDLERS}
