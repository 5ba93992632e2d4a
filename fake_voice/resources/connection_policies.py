"""Connection Policies (NY): named sets of SIP Targets that BYOC trunks route calls to.

Create and update take only ``FriendlyName`` (at most 255 characters, checked by the
schema). Deleting a policy deletes its Targets with it and clears the
``connection_policy_sid`` of the BYOC Trunks that used it.
"""

from __future__ import annotations

from fake_voice._routes import Call
from fake_voice._store import Record
from fake_voice.resources._crud import Field, Kind, handlers
from fake_voice.resources._rules import clear_references


def _delete_targets(call: Call, record: Record) -> None:
    for target in call.account.collection("targets", record["sid"]):
        call.store.encoded.pop(target["sid"], None)
    call.account.drop("targets", record["sid"])


CONNECTION_POLICIES = Kind(
    key="connection_policies",
    prefix="NY",
    collection_path="/v1/ConnectionPolicies",
    schema="resources/connection_policy.json",
    fields=(Field("FriendlyName", "friendly_name"),),
    links={"targets": "Targets"},
    on_delete=(_delete_targets, clear_references("byoc_trunks", "connection_policy_sid")),
)

HANDLERS = handlers(CONNECTION_POLICIES, "ConnectionPolicy")
