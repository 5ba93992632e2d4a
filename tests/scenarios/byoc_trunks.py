"""BYOC Trunks: all 5 operations, a two-page list, a detached policy and errors."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice

SIP_DOMAIN = "SD" + "3c9e" * 8
UNKNOWN_POLICY = "NY" + "0" * 32


def scenario_trunks_from_create_to_delete(client: Client, voice: FakeVoice) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="Carrier A")
    trunks = client.voice.v1.byoc_trunks
    main = trunks.create(
        friendly_name="Carrier A trunk",
        voice_url="https://voice.acme.example/twilio/incoming",
        status_callback_url="https://voice.acme.example/twilio/status",
        cnam_lookup_enabled=True,
        connection_policy_sid=policy.sid,
        from_domain_sid=SIP_DOMAIN,
    )
    spare = trunks.create(friendly_name="spare")
    bare = trunks.create()

    assert [t.sid for t in trunks.list(page_size=2)] == [main.sid, spare.sid, bare.sid]
    assert trunks(bare.sid).fetch().voice_method == "POST"
    moved = trunks(spare.sid).update(voice_url="https://voice.acme.example/v2", voice_method="GET")
    assert (moved.voice_url, moved.voice_method) == ("https://voice.acme.example/v2", "GET")
    assert trunks(bare.sid).delete() is True

    # Deleting the policy detaches the trunk that used it.
    client.voice.v1.connection_policies(policy.sid).delete()
    assert trunks(main.sid).fetch().connection_policy_sid is None

    with pytest.raises(TwilioRestException) as dangling:
        trunks.create(connection_policy_sid=UNKNOWN_POLICY)
    assert (dangling.value.status, dangling.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as not_a_url:
        trunks(main.sid).update(voice_url="voice.acme.example/incoming")
    assert (not_a_url.value.status, not_a_url.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as gone:
        trunks(bare.sid).fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)
