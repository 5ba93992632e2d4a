"""What the client benchmarks time: official-client calls on a fake holding 20 policies."""

from __future__ import annotations

import time
from collections.abc import Callable

from twilio.rest import Client

import fake_voice

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


def seeded(voice: fake_voice.FakeVoice, name: str, calls: int) -> list[str]:
    """Twenty policies in ACCOUNT; the SID each of ``calls`` calls acts on (a fresh one per
    delete)."""
    sid: str = voice.create("ConnectionPolicies", FriendlyName="first", account_sid=ACCOUNT)["sid"]
    for i in range(19):
        voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT)
    if name != DELETE:
        return [sid] * calls
    return [
        voice.create("ConnectionPolicies", FriendlyName=f"d{i}", account_sid=ACCOUNT)["sid"]
        for i in range(calls)
    ]


def per_call(operation: Operation, client: Client, sids: list[str]) -> float:
    """Seconds per call of ``operation``, once on each SID."""
    started = time.perf_counter()
    for sid in sids:
        operation(client, sid)
    return (time.perf_counter() - started) / len(sids)
