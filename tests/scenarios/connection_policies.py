"""Connection Policies and their Targets: all 10 operations, multi-page lists and errors."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice

UNKNOWN_POLICY = "NY" + "0" * 32


def scenario_policies_from_create_to_delete(client: Client, voice: FakeVoice) -> None:
    policies = client.voice.v1.connection_policies
    created = [policies.create(friendly_name=f"edge {n}") for n in range(3)]
    bare = policies.create()

    # PageSize 2 over four policies: two pages, the second reached through its PageToken.
    assert [p.sid for p in policies.list(page_size=2)] == [p.sid for p in [*created, bare]]
    assert policies(bare.sid).fetch().friendly_name is None
    renamed = policies(created[0].sid).update(friendly_name="edge renamed")
    assert renamed.friendly_name == "edge renamed"
    assert policies(created[1].sid).delete() is True

    with pytest.raises(TwilioRestException) as missing:
        policies(created[1].sid).fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as too_long:
        policies.create(friendly_name="x" * 256)
    assert (too_long.value.status, too_long.value.code) == (400, 20001)


def scenario_targets_from_create_to_delete(client: Client, voice: FakeVoice) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="carrier")
    targets = client.voice.v1.connection_policies(policy.sid).targets
    primary = targets.create(target="sip:primary@carrier.example.com", priority=1, weight=20)
    backup = targets.create(target="sip:backup@carrier.example.com", friendly_name="backup")
    spare = targets.create(target="sip:spare@carrier.example.com", enabled=False)

    assert [t.sid for t in targets.list(page_size=2)] == [primary.sid, backup.sid, spare.sid]
    fetched = targets(backup.sid).fetch()
    assert (fetched.priority, fetched.weight, fetched.enabled) == (10, 10, True)
    assert targets(spare.sid).update(enabled=True, priority=0).priority == 0
    assert targets(primary.sid).delete() is True

    with pytest.raises(TwilioRestException) as sips:
        targets.create(target="sips:secure@carrier.example.com")
    assert (sips.value.status, sips.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as orphan:
        client.voice.v1.connection_policies(UNKNOWN_POLICY).targets.create(
            target="sip:lost@carrier.example.com"
        )
    assert (orphan.value.status, orphan.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as gone:
        targets(primary.sid).update(weight=5)
    assert (gone.value.status, gone.value.code) == (404, 20404)

    # Deleting the policy takes its Targets with it.
    assert client.voice.v1.connection_policies(policy.sid).delete() is True
    with pytest.raises(TwilioRestException) as cascaded:
        targets(backup.sid).fetch()
    assert (cascaded.value.status, cascaded.value.code) == (404, 20404)
