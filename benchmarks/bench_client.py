"""Time per operation through the official client: the fake vs a bare `responses` stub.

The stub answers every request with a fixed, prebuilt body: the least any `responses`-based
test double can cost. The fake does everything (routing, auth, validation, state, pages,
self-check). Both run side by side in one process, in many short alternating batches, and
the median of the per-batch ratios is printed per operation (pairing neighbouring batches
cancels most of the noise of a shared machine), with their spread (min-max). Target: at
most 1.10.

    python benchmarks/bench_client.py          # full run
    BENCH_QUICK=1 python benchmarks/bench_client.py   # a few seconds, as CI runs it
"""

from __future__ import annotations

import os
import re
import statistics

import responses
from operations import ACCOUNT, DELETE, OPERATIONS, per_call, seeded
from twilio.rest import Client

import fake_voice

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 15 if QUICK else 60
CALLS = 20 if QUICK else 50
TARGET = 1.10


def stub(sid: str, bodies: dict[str, object]) -> responses.RequestsMock:
    """A stateless `responses` mock with one fixed answer per URL shape."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    base = "https://voice.twilio.com/v1/ConnectionPolicies"
    mock.add("POST", re.compile(rf"{base}/{sid}/Targets$"), json=bodies["target"], status=201)
    mock.add("POST", re.compile(rf"{base}$"), json=bodies["policy"], status=201)
    mock.add("GET", re.compile(rf"{base}\?.*"), json=bodies["page"], status=200)
    mock.add("GET", re.compile(rf"{base}/{sid}$"), json=bodies["policy"], status=200)
    mock.add("POST", re.compile(rf"{base}/{sid}$"), json=bodies["policy"], status=200)
    mock.add("DELETE", re.compile(rf"{base}/NY[0-9a-f]{{32}}$"), status=204)
    return mock


def main() -> None:
    client = Client(ACCOUNT, "token")
    with fake_voice.mock(seed=1) as voice:
        voice.call("POST", "ConnectionPolicies", {"FriendlyName": "seed"}, account_sid=ACCOUNT)
        sid = voice.list_all("ConnectionPolicies", account_sid=ACCOUNT)[0]["sid"]
        for i in range(19):
            voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT)
        bodies = {
            "policy": voice.fetch(f"ConnectionPolicies/{sid}", account_sid=ACCOUNT),
            "target": voice.create(
                f"ConnectionPolicies/{sid}/Targets", Target="sip:a@b.c", account_sid=ACCOUNT
            ),
            "page": voice.call("GET", "ConnectionPolicies", {"PageSize": 20}, account_sid=ACCOUNT),
        }
    stub_sids = {name: [sid] * CALLS for name in OPERATIONS}
    stub_sids[DELETE] = [f"NY{i:032x}" for i in range(CALLS)]
    print(f"{'operation':<32} {'fake µs':>9} {'stub µs':>9} {'ratio':>7} {'(min-max)':>12}")
    worst = 0.0
    for name, operation in OPERATIONS.items():
        fake_times: list[float] = []
        stub_times: list[float] = []
        ratios: list[float] = []
        fake = fake_voice.mock(seed=1)
        stubbed = stub(sid, bodies)
        for _ in range(ROUNDS):
            fake.reset()  # keep the list at its 20 policies: drop what creates added
            fake_sids = seeded(fake, name, CALLS)
            with fake:
                fake_times.append(per_call(operation, client, fake_sids))
            stubbed.start()  # not `with`: leaving the block would drop the registrations
            stub_times.append(per_call(operation, client, stub_sids[name]))
            stubbed.stop(allow_assert=False)
            ratios.append(fake_times[-1] / stub_times[-1])
        fake_median = statistics.median(fake_times)
        stub_median = statistics.median(stub_times)
        ratio = statistics.median(ratios)
        worst = max(worst, ratio)
        print(
            f"{name:<32} {fake_median * 1e6:>9.0f} {stub_median * 1e6:>9.0f} {ratio:>7.2f}"
            f" ({min(ratios):.2f}-{max(ratios):.2f})"
        )
    verdict = "meets" if worst <= TARGET else "misses"
    print(f"worst ratio fake/stub: {worst:.2f} ({verdict} the target of at most {TARGET})")


if __name__ == "__main__":
    main()
