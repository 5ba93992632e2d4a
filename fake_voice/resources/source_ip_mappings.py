"""Source IP Mappings (IB): which SIP Domain answers traffic from an IP Record's addresses.

Create requires ``IpRecordSid`` (an IP Record of the same account, else 400/20001 naming
the parameter) and ``SipDomainSid`` (a well-formed ``SD`` SID; SIP Domains live in the
2010 API, outside this fake, so the domain itself is not looked up). Update requires
``SipDomainSid`` and changes nothing else. Twilio's body has no ``account_sid``, but a
mapping still belongs to one account: other accounts get 404 for it. The same IP Record
may be mapped more than once; the fake does not look for overlaps.
"""

from __future__ import annotations

from fake_voice.resources._crud import Field, Kind, crud_operations
from fake_voice.resources._rules import references

SOURCE_IP_MAPPINGS = Kind(
    key="source_ip_mappings",
    prefix="IB",
    collection_path="/v1/SourceIpMappings",
    schema="resources/source_ip_mapping.json",
    fields=(
        Field("IpRecordSid", "ip_record_sid"),
        Field("SipDomainSid", "sip_domain_sid"),
    ),
    with_account=False,
    rules=(references("IpRecordSid", "ip_records", "IP Record"),),
)

OPERATIONS = crud_operations(SOURCE_IP_MAPPINGS, "SourceIpMapping")
