"""Connection Policies (NY): named sets of SIP Targets that BYOC trunks route calls to.

Create and update take only ``FriendlyName`` (at most 255 characters, checked by the
schema). Deleting a policy deletes its Targets with it and clears the
``connection_policy_sid`` of the BYOC Trunks that used it.
"""

from __future__ import annotations

from fake_voice.core.operations import Context
from fake_voice.resources._crud import Field, Kind, crud_operations
from fake_voice.resources._rules import clear_references
from fake_voice.state.store import Record


def _delete_targets(ctx: Context, record: Record) -> None:
    # Dropped, not looked up: a lookup would make an empty collection for most policies.
    for target in ctx.account.drop("targets", record["sid"]) or ():
        ctx.store.encoded.pop(target["sid"], None)


CONNECTION_POLICIES = Kind(
    key="connection_policies",
    prefix="NY",
    collection_path="/v1/ConnectionPolicies",
    schema="resources/connection_policy.json",
    fields=(Field("FriendlyName", "friendly_name"),),
    links={"targets": "Targets"},
    on_delete=(_delete_targets, clear_references("byoc_trunks", "connection_policy_sid")),
)

OPERATIONS = crud_operations(CONNECTION_POLICIES, "ConnectionPolicy")
