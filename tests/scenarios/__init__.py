"""Scenarios: scripted runs of the official twilio client against the fake.

``tests/test_conformance.py`` runs every scenario in a fresh fake, then checks every
exchange the fake recorded against ``schemas/`` and against Twilio's official OpenAPI
description, and checks that together the scenarios reached every route of the fake with
its success status.

How to add scenarios (one module per resource group, e.g. ``byoc_trunks.py``):

- Create ``tests/scenarios/<group>.py``. Modules whose name starts with ``_`` are ignored.
- In it, write one or more functions named ``scenario_<what_it_does>`` with the signature
  ``(client: twilio.rest.Client, voice: fake_voice.FakeVoice) -> None``. ``client`` is the
  official client authenticated as ``tests.conftest.ACCOUNT_SID``; ``voice`` is the active
  fake (use it to seed state the API cannot create, e.g. archived calls).
- Drive every operation of the group through ``client`` with its success status at least
  once, plus at least one error (a 404 and a 400) so error envelopes get checked too; catch
  expected errors with ``pytest.raises(TwilioRestException)``. Assert a few real values so
  a scenario that silently does nothing fails.
- Nothing else to register: modules and functions are discovered by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import NamedTuple

from twilio.rest import Client

from fake_voice import FakeVoice

ScenarioFunction = Callable[[Client, FakeVoice], None]
PREFIX = "scenario_"


class Scenario(NamedTuple):
    id: str
    """``<module>.<function name without the prefix>``, used as the pytest id."""
    run: ScenarioFunction


def discover() -> list[Scenario]:
    """Every ``scenario_*`` function of every public module in this package, in name order."""
    found: list[Scenario] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in sorted(vars(module)):
            value = getattr(module, name)
            if name.startswith(PREFIX) and callable(value):
                found.append(Scenario(f"{info.name}.{name[len(PREFIX) :]}", value))
    return found
