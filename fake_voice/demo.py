"""The demo: the official twilio client provisions BYOC routing against the fake.

Run it with ``make demo`` (or ``python -m fake_voice.demo``; needs ``pip install twilio``).
It drives every Connection Policy and Target operation through ``twilio.rest.Client`` and
prints what came back, exactly as a user's code would see it. No network is touched.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any

import fake_voice

ACCOUNT_SID = "AC" + "c0ffee" * 5 + "00"


def _show(step: str, value: Any) -> None:
    print(f"{step:<44} {value}")


def run() -> None:
    try:
        from twilio.base.exceptions import TwilioRestException
        from twilio.rest import Client
    except ImportError:  # pragma: no cover - only without the test extra
        sys.exit("The demo drives the official client: pip install twilio")

    with fake_voice.mock(
        seed=2020, now=datetime(2020, 3, 18, 23, 31, 36, tzinfo=timezone.utc)
    ) as voice:
        client = Client(ACCOUNT_SID, "any-token")
        policies = client.voice.v1.connection_policies

        policy = policies.create(friendly_name="edge routing")
        _show("create policy ->", f"{policy.sid} {policy.friendly_name!r} {policy.date_created}")
        _show("fetch policy ->", policies(policy.sid).fetch().friendly_name)
        voice.clock.advance(60)
        updated = policies(policy.sid).update(friendly_name="edge routing (EU)")
        _show("update policy ->", f"{updated.friendly_name!r} updated {updated.date_updated}")
        _show("list policies ->", [p.sid for p in policies.list()])

        targets = policies(policy.sid).targets
        primary = targets.create(target="sip:pbx@primary.example.com", friendly_name="primary")
        backup = targets.create(
            target="sip:pbx@backup.example.com:5061", friendly_name="backup", priority=20, weight=5
        )
        _show(
            "create target ->", f"{primary.sid} priority={primary.priority} weight={primary.weight}"
        )
        _show("create target ->", f"{backup.sid} priority={backup.priority} weight={backup.weight}")
        _show("fetch target ->", targets(primary.sid).fetch().target)
        disabled = targets(backup.sid).update(enabled=False)
        _show("update target ->", f"enabled={disabled.enabled}")
        _show("list targets ->", [(t.friendly_name, t.enabled) for t in targets.list()])
        _show("delete target ->", targets(backup.sid).delete())

        try:
            targets.create(target="sips:pbx@secure.example.com")
        except TwilioRestException as error:
            _show(
                "create target with sips: ->", f"HTTP {error.status} code {error.code}: {error.msg}"
            )

        _show("delete policy (and its targets) ->", policies(policy.sid).delete())
        try:
            policies(policy.sid).fetch()
        except TwilioRestException as error:
            _show("fetch deleted policy ->", f"HTTP {error.status} code {error.code}")

        print()
        print(f"{len(voice.requests)} requests answered by the fake:")
        for exchange in voice.requests:
            print(f"  {exchange.status} {exchange.method:<6} {exchange.path}")


if __name__ == "__main__":
    run()
