"""A BYOC provisioning run as a user's code does it, through the official client only.

A carrier's routing (a Connection Policy and its Targets), a BYOC Trunk pointing at it,
the carrier's signalling address (an IP Record) and its Source IP Mapping to a SIP Domain;
then everything is listed and torn down in dependency order, checking state at each step.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID

START = datetime(2026, 3, 18, 9, 0, 0, tzinfo=timezone.utc)
SIP_DOMAIN = "SD" + "3c9e" * 8
APP = "https://voice.acme.example/twilio"


def test_provision_list_and_tear_down_a_byoc_carrier(fake_voice: FakeVoice, client: Client) -> None:
    fake_voice.clock.freeze(START)
    voice = client.voice.v1

    # 1. Routing towards the carrier: a policy with a primary and a backup SBC.
    policy = voice.connection_policies.create(friendly_name="Carrier A")
    targets = voice.connection_policies(policy.sid).targets
    primary = targets.create(
        target="sip:sbc1.carrier-a.example:5060", friendly_name="primary", priority=1, weight=20
    )
    backup = targets.create(target="sip:sbc2.carrier-a.example:5060", friendly_name="backup")
    assert (primary.priority, primary.weight, primary.enabled) == (1, 20, True)
    assert (backup.priority, backup.weight, backup.enabled) == (10, 10, True)
    assert primary.connection_policy_sid == policy.sid

    # 2. The trunk: webhooks on the app, routing through the policy, From on the SIP Domain.
    fake_voice.clock.advance(5)
    trunk = voice.byoc_trunks.create(
        friendly_name="Carrier A trunk",
        voice_url=f"{APP}/incoming",
        voice_fallback_url=f"{APP}/fallback",
        status_callback_url=f"{APP}/status",
        status_callback_method="GET",
        cnam_lookup_enabled=True,
        connection_policy_sid=policy.sid,
        from_domain_sid=SIP_DOMAIN,
    )
    assert (trunk.account_sid, trunk.connection_policy_sid, trunk.from_domain_sid) == (
        ACCOUNT_SID,
        policy.sid,
        SIP_DOMAIN,
    )
    assert (trunk.voice_method, trunk.voice_fallback_method, trunk.status_callback_method) == (
        "POST",
        "POST",
        "GET",
    )
    assert trunk.date_created == START + timedelta(seconds=5)

    # 3. The carrier's signalling block, and the mapping that sends its traffic to the domain.
    record = voice.ip_records.create(
        ip_address="203.0.113.8", cidr_prefix_length=29, friendly_name="Carrier A SBCs"
    )
    mapping = voice.source_ip_mappings.create(ip_record_sid=record.sid, sip_domain_sid=SIP_DOMAIN)
    assert (record.ip_address, record.cidr_prefix_length) == ("203.0.113.8", 29)
    assert (mapping.ip_record_sid, mapping.sip_domain_sid) == (record.sid, SIP_DOMAIN)
    assert mapping.url == f"https://voice.twilio.com/v1/SourceIpMappings/{mapping.sid}"

    # 4. Everything is listed, each list in creation order.
    assert [(p.sid, p.friendly_name) for p in voice.connection_policies.list()] == [
        (policy.sid, "Carrier A")
    ]
    assert [(t.sid, t.target) for t in targets.list()] == [
        (primary.sid, "sip:sbc1.carrier-a.example:5060"),
        (backup.sid, "sip:sbc2.carrier-a.example:5060"),
    ]
    assert [(t.sid, t.voice_url, t.cnam_lookup_enabled) for t in voice.byoc_trunks.list()] == [
        (trunk.sid, f"{APP}/incoming", True)
    ]
    assert [(r.sid, r.friendly_name) for r in voice.ip_records.list()] == [
        (record.sid, "Carrier A SBCs")
    ]
    assert [(m.sid, m.ip_record_sid) for m in voice.source_ip_mappings.list()] == [
        (mapping.sid, record.sid)
    ]

    # 5. A maintenance change: the backup SBC is drained and the trunk renamed.
    fake_voice.clock.advance(60)
    drained = targets(backup.sid).update(enabled=False)
    renamed = voice.byoc_trunks(trunk.sid).update(friendly_name="Carrier A (primary)")
    assert (drained.enabled, drained.date_updated) == (False, START + timedelta(seconds=65))
    assert (renamed.friendly_name, renamed.connection_policy_sid) == (
        "Carrier A (primary)",
        policy.sid,
    )
    assert renamed.date_updated == START + timedelta(seconds=65)

    # 6. Teardown, dependants first: mapping, IP record, trunk, targets, policy.
    assert voice.source_ip_mappings(mapping.sid).delete() is True
    assert voice.source_ip_mappings.list() == []
    assert voice.ip_records(record.sid).delete() is True
    assert voice.ip_records.list() == []
    assert voice.byoc_trunks(trunk.sid).delete() is True
    assert voice.byoc_trunks.list() == []
    assert targets(primary.sid).delete() is True
    assert [t.sid for t in targets.list()] == [backup.sid]
    assert targets(backup.sid).delete() is True
    assert voice.connection_policies(policy.sid).delete() is True
    assert voice.connection_policies.list() == []
    assert ACCOUNT_SID not in fake_voice.export_state()
    with pytest.raises(TwilioRestException) as gone:
        voice.byoc_trunks(trunk.sid).fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)

    # Every call went through the fake and succeeded, in this order.
    assert [(e.operation, e.status) for e in fake_voice.requests] == [
        ("CreateConnectionPolicy", 201),
        ("CreateConnectionPolicyTarget", 201),
        ("CreateConnectionPolicyTarget", 201),
        ("CreateByocTrunk", 201),
        ("CreateIpRecord", 201),
        ("CreateSourceIpMapping", 201),
        ("ListConnectionPolicy", 200),
        ("ListConnectionPolicyTarget", 200),
        ("ListByocTrunk", 200),
        ("ListIpRecord", 200),
        ("ListSourceIpMapping", 200),
        ("UpdateConnectionPolicyTarget", 200),
        ("UpdateByocTrunk", 200),
        ("DeleteSourceIpMapping", 204),
        ("ListSourceIpMapping", 200),
        ("DeleteIpRecord", 204),
        ("ListIpRecord", 200),
        ("DeleteByocTrunk", 204),
        ("ListByocTrunk", 200),
        ("DeleteConnectionPolicyTarget", 204),
        ("ListConnectionPolicyTarget", 200),
        ("DeleteConnectionPolicyTarget", 204),
        ("DeleteConnectionPolicy", 204),
        ("ListConnectionPolicy", 200),
        ("FetchByocTrunk", 404),
    ]


def test_tearing_down_in_the_wrong_order_still_leaves_nothing_dangling(
    fake_voice: FakeVoice, client: Client
) -> None:
    voice = client.voice.v1
    policy = voice.connection_policies.create(friendly_name="Carrier B")
    voice.connection_policies(policy.sid).targets.create(target="sip:sbc.carrier-b.example")
    trunk = voice.byoc_trunks.create(
        friendly_name="Carrier B trunk", connection_policy_sid=policy.sid
    )
    record = voice.ip_records.create(ip_address="198.51.100.20")
    voice.source_ip_mappings.create(ip_record_sid=record.sid, sip_domain_sid=SIP_DOMAIN)

    # Referenced resources first: the policy and the IP record.
    voice.connection_policies(policy.sid).delete()
    voice.ip_records(record.sid).delete()

    # The trunk survives without its policy; the mapping went with its IP record.
    assert voice.byoc_trunks(trunk.sid).fetch().connection_policy_sid is None
    assert voice.source_ip_mappings.list() == []
    voice.byoc_trunks(trunk.sid).delete()
    assert ACCOUNT_SID not in fake_voice.export_state()
