"""Voice settings (``/v1/Settings``): whether a sub-account inherits its parent's dialing
permissions.

Decisions: ``dialing_permissions_inheritance`` is true until the account sets it (Twilio's
sub-accounts inherit by default). The flag is stored and reported only: the fake has no
parent accounts, so it does not change what the country reads return. An update answers
202 with the settings as they now are; one without ``DialingPermissionsInheritance``
changes nothing.
"""

from __future__ import annotations

from fake_voice._routes import Call, Handler
from fake_voice._wire import JSON

SETTINGS = "settings"
"""``extras`` key: the account's settings, once it changed them."""
DEFAULTS = {"dialing_permissions_inheritance": True}


def _render(call: Call) -> JSON:
    stored = call.account.extras.get(SETTINGS, {})
    return {**DEFAULTS, **stored, "url": f"{call.base_url}/v1/Settings"}


def fetch_settings(call: Call) -> JSON:
    return _render(call)


def update_settings(call: Call) -> JSON:
    if "DialingPermissionsInheritance" in call.params:
        stored = call.account.extras.setdefault(SETTINGS, {})
        stored["dialing_permissions_inheritance"] = call.params["DialingPermissionsInheritance"]
    return _render(call)


HANDLERS: dict[str, Handler] = {
    "FetchDialingPermissionsSettings": fetch_settings,
    "UpdateDialingPermissionsSettings": update_settings,
}
