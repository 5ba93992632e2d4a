"""IP Records (IL): the addresses or CIDR blocks a carrier sends SIP traffic from.

``IpAddress`` is required and must be an IPv4 address in dotted decimal notation (four
numbers 0-255 without leading zeros; IPv6 is refused, as Twilio supports IPv4 only).
``CidrPrefixLength`` defaults to 32, the whole address, as the description says (its
schema's ``"default": 0`` contradicts the text); the fake accepts 1 to 32, refusing 0,
which would match every address. The address is stored as sent, not masked to its
network. Update changes ``FriendlyName`` only; other parameters sent to it are ignored.

Deleting an IP Record deletes the Source IP Mappings that use it, since a mapping cannot
exist without its record.
"""

from __future__ import annotations

from fake_voice.resources._crud import Field, Kind, crud_operations
from fake_voice.resources._rules import delete_referrers

IP_RECORDS = Kind(
    key="ip_records",
    prefix="IL",
    collection_path="/v1/IpRecords",
    schema="resources/ip_record.json",
    fields=(
        Field("FriendlyName", "friendly_name"),
        Field("IpAddress", "ip_address"),
        Field("CidrPrefixLength", "cidr_prefix_length", 32),
    ),
    on_delete=(delete_referrers("source_ip_mappings", "ip_record_sid"),),
)

OPERATIONS = crud_operations(IP_RECORDS, "IpRecord")
