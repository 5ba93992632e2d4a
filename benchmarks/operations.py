"""What the client benchmarks time: official-client calls on a fake holding 20 policies."""

from __future__ import annotations

from collections.abc import Callable

from twilio.rest import Client

ACCOUNT = "AC" + "1" * 32

Operation = Callable[[Client, str], object]
OPERATIONS: dict[str, Operation] = {
    "create policy": lambda c, sid: c.voice.v1.connection_policies.create(friendly_name="b"),
    "fetch policy": lambda c, sid: c.voice.v1.connection_policies(sid).fetch(),
    "update policy": lambda c, sid: c.voice.v1.connection_policies(sid).update(friendly_name="u"),
    "list policies (1 page of 20)": lambda c, sid: c.voice.v1.connection_policies.page(
        page_size=20
    ),
    "create target": lambda c, sid: c.voice.v1.connection_policies(sid).targets.create(
        target="sip:a@example.com", priority=1
    ),
}
DELETE = "delete policy"
"""Each call deletes another policy: the benchmarks give it a fresh SID per call."""
OPERATIONS[DELETE] = lambda c, sid: c.voice.v1.connection_policies(sid).delete()
