"""The demo: the official twilio client provisions BYOC routing against the fake.

Run it with ``make demo`` (or ``python -m fake_voice.demo``; needs ``pip install twilio``).
It drives every Connection Policy and Target operation through ``twilio.rest.Client``,
then a BYOC trunk, an IP record, a source IP mapping and dialing permissions, and prints
what came back, exactly as a user's code would see it. No network is touched.
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

        byoc(client, policy.sid)

        _show("delete policy (and its targets) ->", policies(policy.sid).delete())
        try:
            policies(policy.sid).fetch()
        except TwilioRestException as error:
            _show("fetch deleted policy ->", f"HTTP {error.status} code {error.code}")

        print()
        print(f"{len(voice.requests)} requests answered by the fake:")
        for exchange in voice.requests:
            print(f"  {exchange.status} {exchange.method:<6} {exchange.path}")


def byoc(client: Any, policy_sid: str) -> None:
    """The rest of a BYOC setup: a trunk routed by the policy, the carrier's IPs, permissions."""
    v1 = client.voice.v1
    trunk = v1.byoc_trunks.create(
        friendly_name="carrier A",
        voice_url="https://example.com/voice",
        connection_policy_sid=policy_sid,
    )
    _show("create BYOC trunk ->", f"{trunk.sid} policy={trunk.connection_policy_sid}")
    record = v1.ip_records.create(ip_address="203.0.113.10", cidr_prefix_length=30)
    _show("create IP record ->", f"{record.sid} {record.ip_address}/{record.cidr_prefix_length}")
    mapping = v1.source_ip_mappings.create(ip_record_sid=record.sid, sip_domain_sid="SD" + "0" * 32)
    _show("create source IP mapping ->", f"{mapping.sid} -> {mapping.sip_domain_sid}")
    update = v1.dialing_permissions.bulk_country_updates.create(
        update_request='[{"iso_code": "GB", "high_risk_special_numbers_enabled": "true"}]'
    )
    _show("bulk update permissions ->", f"{update.update_count} country")
    europe = v1.dialing_permissions.countries.list(
        continent="EUROPE", high_risk_special_numbers_enabled=True
    )
    _show("countries with high-risk on ->", [c.name for c in europe])
    _show("delete IP record (and mapping) ->", v1.ip_records(record.sid).delete())
    _show("delete BYOC trunk ->", v1.byoc_trunks(trunk.sid).delete())


if __name__ == "__main__":
    run()
