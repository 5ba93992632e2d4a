"""Time per operation through the official client: the direct client vs the `responses` path.

Both drive the same fake with the same official ``twilio.rest.Client`` calls; only the
``http_client`` differs. The `responses` path is ``Client(sid, token)`` while the fake is
started (requests -> responses -> the fake); the direct path is ``voice.client(sid)`` (the
fake's ``HttpClient``, no HTTP stack). They run side by side in one process, in alternating
rounds, each on a fresh fake seeded alike, and the ratio of their medians is printed per
operation. Target: the direct client at least 5x faster on every operation.

    python benchmarks/bench_direct_client.py                 # full run
    BENCH_QUICK=1 python benchmarks/bench_direct_client.py   # a few seconds, as CI runs it
    BENCH_PROFILE=1 python benchmarks/bench_direct_client.py # also where the direct time goes
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time

from operations import ACCOUNT, Operation
from operations import OPERATIONS as COMMON
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import fake_voice

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 15
CALLS = 40 if QUICK else 200
TARGET = 5.0

OPERATIONS: dict[str, Operation] = {
    **COMMON,
    "fetch missing policy (404)": lambda c, sid: missing(c),
}


def missing(client: Client) -> TwilioRestException:
    try:
        client.voice.v1.connection_policies("NY" + "0" * 32).fetch()
    except TwilioRestException as error:  # raising is part of what is measured
        return error
    raise AssertionError("the fake answered a fetch of a policy that does not exist")


def seeded(voice: fake_voice.FakeVoice) -> str:
    """Twenty policies in ACCOUNT; returns the first one's SID."""
    sid: str = voice.create("ConnectionPolicies", FriendlyName="first", account_sid=ACCOUNT)["sid"]
    for i in range(19):
        voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT)
    return sid


def per_call(operation: Operation, client: Client, sid: str) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        operation(client, sid)
    return (time.perf_counter() - started) / CALLS


def over_responses(operation: Operation) -> float:
    with fake_voice.mock(seed=1) as voice:
        return per_call(operation, Client(ACCOUNT, "token"), seeded(voice))


def direct(operation: Operation) -> float:
    voice = fake_voice.mock(seed=1)  # never started: the direct client needs no patching
    return per_call(operation, voice.client(ACCOUNT), seeded(voice))


def profile() -> None:
    voice = fake_voice.mock(seed=1)
    client, sid = voice.client(ACCOUNT), seeded(voice)
    profiler = cProfile.Profile()
    profiler.enable()
    for operation in OPERATIONS.values():
        per_call(operation, client, sid)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    print(f"{'operation':<30} {'responses µs':>13} {'direct µs':>10} {'speed-up':>9}")
    worst = float("inf")
    for name, operation in OPERATIONS.items():
        http_times: list[float] = []
        direct_times: list[float] = []
        for _ in range(ROUNDS):
            http_times.append(over_responses(operation))
            direct_times.append(direct(operation))
        http_median = statistics.median(http_times)
        direct_median = statistics.median(direct_times)
        ratio = http_median / direct_median
        worst = min(worst, ratio)
        print(f"{name:<30} {http_median * 1e6:>13.0f} {direct_median * 1e6:>10.0f} {ratio:>8.1f}x")
    verdict = "meets" if worst >= TARGET else "misses"
    print(
        f"slowest speed-up of the direct client: {worst:.1f}x ({verdict} the target of {TARGET}x)"
    )
    if os.environ.get("BENCH_PROFILE") == "1":
        profile()


if __name__ == "__main__":
    main()
