"""Voice settings (``/v1/Settings``): whether a sub-account inherits its parent's dialing
permissions.

Decisions: ``dialing_permissions_inheritance`` is true until the account sets it (Twilio's
sub-accounts inherit by default). The flag is stored and reported only: the fake has no
parent accounts, so it does not change what the country reads return. An update answers
202 with the settings as they now are; one without ``DialingPermissionsInheritance``
changes nothing.
"""

from __future__ import annotations

from fake_voice.core.operations import Context, Implementation
from fake_voice.core.wire import JSON

SETTINGS = "settings"
"""``extras`` key: the account's settings, once it changed them."""
DEFAULTS = {"dialing_permissions_inheritance": True}


def _render(ctx: Context) -> JSON:
    stored = ctx.account.extras.get(SETTINGS, {})
    return {**DEFAULTS, **stored, "url": f"{ctx.base_url}/v1/Settings"}


def fetch_settings(ctx: Context) -> JSON:
    return _render(ctx)


def update_settings(ctx: Context) -> JSON:
    if "DialingPermissionsInheritance" in ctx.params:
        stored = ctx.account.extras.setdefault(SETTINGS, {})
        stored["dialing_permissions_inheritance"] = ctx.params["DialingPermissionsInheritance"]
    return _render(ctx)


OPERATIONS: dict[str, Implementation] = {
    "FetchDialingPermissionsSettings": fetch_settings,
    "UpdateDialingPermissionsSettings": update_settings,
}
