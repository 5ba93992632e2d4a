"""BYOC Trunks (BY): a carrier's trunk, its voice webhooks and the policy that routes to it.

Every parameter is optional. ``VoiceUrl``, ``VoiceFallbackUrl`` and ``StatusCallbackUrl``
must be absolute http or https URLs; the three methods are ``GET`` or ``POST`` and default
to ``POST`` (Twilio's default for every webhook); ``CnamLookupEnabled`` defaults to false;
the URLs, ``ConnectionPolicySid`` and ``FromDomainSid`` default to null, and sending one of
them empty sets it back to null.

``ConnectionPolicySid`` must name a Connection Policy of the same account (else 400/20001
naming the parameter); deleting that policy later clears the trunk's
``connection_policy_sid`` without moving its ``date_updated``. ``FromDomainSid`` must be a
well-formed SIP Domain SID (``SD`` + 32 hex digits); SIP Domains live in the 2010 API,
outside this fake, so the domain itself is not looked up.
"""

from __future__ import annotations

from fake_voice.resources._crud import Field, Kind, crud_operations
from fake_voice.resources._rules import blank_clears, references

BYOC_TRUNKS = Kind(
    key="byoc_trunks",
    prefix="BY",
    collection_path="/v1/ByocTrunks",
    schema="resources/byoc_trunk.json",
    fields=(
        Field("FriendlyName", "friendly_name"),
        Field("VoiceUrl", "voice_url"),
        Field("VoiceMethod", "voice_method", "POST"),
        Field("VoiceFallbackUrl", "voice_fallback_url"),
        Field("VoiceFallbackMethod", "voice_fallback_method", "POST"),
        Field("StatusCallbackUrl", "status_callback_url"),
        Field("StatusCallbackMethod", "status_callback_method", "POST"),
        Field("CnamLookupEnabled", "cnam_lookup_enabled", False),
        Field("ConnectionPolicySid", "connection_policy_sid"),
        Field("FromDomainSid", "from_domain_sid"),
    ),
    rules=(
        blank_clears(
            "voice_url",
            "voice_fallback_url",
            "status_callback_url",
            "connection_policy_sid",
            "from_domain_sid",
        ),
        references("ConnectionPolicySid", "connection_policies", "Connection Policy"),
    ),
)

OPERATIONS = crud_operations(BYOC_TRUNKS, "ByocTrunk")
