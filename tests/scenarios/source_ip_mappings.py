"""Source IP Mappings: all 5 operations, a two-page list and errors."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice

SIP_DOMAIN = "SD" + "3c9e" * 8
OTHER_DOMAIN = "SD" + "7a41" * 8
UNKNOWN_RECORD = "IL" + "0" * 32


def scenario_mappings_from_create_to_delete(client: Client, voice: FakeVoice) -> None:
    carrier_a = client.voice.v1.ip_records.create(ip_address="203.0.113.8", cidr_prefix_length=29)
    carrier_b = client.voice.v1.ip_records.create(ip_address="198.51.100.20")
    mappings = client.voice.v1.source_ip_mappings
    first = mappings.create(ip_record_sid=carrier_a.sid, sip_domain_sid=SIP_DOMAIN)
    second = mappings.create(ip_record_sid=carrier_b.sid, sip_domain_sid=SIP_DOMAIN)
    third = mappings.create(ip_record_sid=carrier_b.sid, sip_domain_sid=OTHER_DOMAIN)

    assert [m.sid for m in mappings.list(page_size=2)] == [first.sid, second.sid, third.sid]
    assert mappings(first.sid).fetch().ip_record_sid == carrier_a.sid
    assert mappings(second.sid).update(sip_domain_sid=OTHER_DOMAIN).sip_domain_sid == OTHER_DOMAIN
    assert mappings(third.sid).delete() is True

    with pytest.raises(TwilioRestException) as dangling:
        mappings.create(ip_record_sid=UNKNOWN_RECORD, sip_domain_sid=SIP_DOMAIN)
    assert (dangling.value.status, dangling.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as malformed:
        mappings(first.sid).update(sip_domain_sid="sip.acme.example")
    assert (malformed.value.status, malformed.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as gone:
        mappings(third.sid).delete()
    assert (gone.value.status, gone.value.code) == (404, 20404)
