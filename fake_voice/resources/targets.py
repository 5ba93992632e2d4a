"""Targets (NE): the SIP addresses a Connection Policy routes calls to.

``Target`` is required and must be a ``sip:`` URI (``sips:`` is refused); ``Priority``
0..65535 defaults to 10 (lowest is most important); ``Weight`` 1..65535 defaults to 10;
``Enabled`` defaults to true. The ranges and the URI form live in the request schemas;
a Target under a policy the account does not have is a 404.
"""

from __future__ import annotations

from fake_voice.resources._crud import Field, Kind, crud_operations

TARGETS = Kind(
    key="targets",
    prefix="NE",
    collection_path="/v1/ConnectionPolicies/{parent}/Targets",
    schema="resources/connection_policy_target.json",
    fields=(
        Field("FriendlyName", "friendly_name"),
        Field("Target", "target"),
        Field("Priority", "priority", 10),
        Field("Weight", "weight", 10),
        Field("Enabled", "enabled", True),
    ),
    parent_key="connection_policies",
    parent_field="connection_policy_sid",
    parent_param="ConnectionPolicySid",
)

OPERATIONS = crud_operations(TARGETS, "ConnectionPolicyTarget")
