"""IP Records: all 5 operations, a two-page list, the mapping cascade and errors."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice

SIP_DOMAIN = "SD" + "3c9e" * 8


def scenario_ip_records_from_create_to_delete(client: Client, voice: FakeVoice) -> None:
    records = client.voice.v1.ip_records
    block = records.create(ip_address="203.0.113.8", cidr_prefix_length=29, friendly_name="SBCs")
    single = records.create(ip_address="198.51.100.20")
    spare = records.create(ip_address="192.0.2.1", friendly_name="spare")

    assert [r.sid for r in records.list(page_size=2)] == [block.sid, single.sid, spare.sid]
    assert records(single.sid).fetch().cidr_prefix_length == 32
    assert records(spare.sid).update(friendly_name="lab").friendly_name == "lab"

    # Deleting a record takes its Source IP Mappings with it.
    mapping = client.voice.v1.source_ip_mappings.create(
        ip_record_sid=block.sid, sip_domain_sid=SIP_DOMAIN
    )
    assert records(block.sid).delete() is True
    with pytest.raises(TwilioRestException) as cascaded:
        client.voice.v1.source_ip_mappings(mapping.sid).fetch()
    assert (cascaded.value.status, cascaded.value.code) == (404, 20404)

    with pytest.raises(TwilioRestException) as ipv6:
        records.create(ip_address="2001:db8::1")
    assert (ipv6.value.status, ipv6.value.code) == (400, 20001)
    with pytest.raises(TwilioRestException) as prefix:
        records.create(ip_address="10.0.0.1", cidr_prefix_length=33)
    assert (prefix.value.status, prefix.value.code) == (400, 20001)
