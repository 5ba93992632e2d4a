"""List pages stay flat as the store grows: the same page at 100,000 stored policies and at
1,000, side by side in alternated rounds (median and spread of the ratio). Also times
``load_state`` of 100,000 policies and reports the memory they take.

Pages are read with direct calls (``voice.call``), so nothing but the fake is timed.
Targets: each page at most 1.2x at 100,000 what it costs at 1,000; ``load_state`` of
100,000 policies within 2 s.

    python benchmarks/bench_scale.py                # full run
    BENCH_QUICK=1 python benchmarks/bench_scale.py  # as CI runs it
"""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import fake_voice
from fake_voice import FakeVoice

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 7 if QUICK else 25
CALLS = 20 if QUICK else 50
SMALL, LARGE = 1_000, 100_000
ACCOUNT = "AC" + "1" * 32
PAGE_TARGET, LOAD_TARGET = 1.2, 2.0


def state(count: int) -> dict[str, Any]:
    """``count`` Connection Policies as ``export_state()`` writes them."""
    records = [
        {
            "account_sid": ACCOUNT,
            "sid": f"NY{number:032x}",
            "friendly_name": f"policy {number}",
            "date_created": "2024-01-02T03:04:05Z",
            "date_updated": "2024-01-02T03:04:05Z",
            "url": f"/v1/ConnectionPolicies/NY{number:032x}",
        }
        for number in range(count)
    ]
    return {ACCOUNT: {"collections": {"connection_policies": records}, "extras": {}}}


def pages(count: int) -> dict[str, tuple[str, dict[str, object]]]:
    middle = f"NY{count // 2:032x}"
    return {
        "page 0 (PageSize 50)": ("ConnectionPolicies", {"PageSize": 50}),
        "deep page by PageToken": (
            "ConnectionPolicies",
            {"PageSize": 50, "Page": 7, "PageToken": f"PA{middle}"},
        ),
        "deep page by Page": ("ConnectionPolicies", {"PageSize": 50, "Page": count // 100}),
    }


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        call()
    return (time.perf_counter() - started) / CALLS


def main() -> None:
    small = fake_voice.mock(account_sid=ACCOUNT)
    small.load_state(state(SMALL))  # and the schemas read and compiled, once per process
    large = fake_voice.mock(account_sid=ACCOUNT)
    large_state = state(LARGE)
    started = time.perf_counter()
    large.load_state(large_state)
    load_seconds = time.perf_counter() - started

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    measured = fake_voice.mock(account_sid=ACCOUNT)
    measured.load_state(state(10_000))
    per_10k = (tracemalloc.get_traced_memory()[0] - before) / 1e6
    tracemalloc.stop()
    del measured

    print(f"{'page':<26} {'1k µs':>8} {'100k µs':>8} {'ratio':>6}  spread")
    worst = 0.0
    for name in pages(SMALL):
        fakes: list[tuple[FakeVoice, tuple[str, dict[str, object]]]] = [
            (small, pages(SMALL)[name]),
            (large, pages(LARGE)[name]),
        ]
        times: dict[int, list[float]] = {SMALL: [], LARGE: []}
        ratios = []
        for _ in range(ROUNDS):
            for (voice, (path, params)), size in zip(fakes, (SMALL, LARGE), strict=True):
                times[size].append(timed(lambda v=voice, p=path, q=params: v.call("GET", p, q)))
            ratios.append(times[LARGE][-1] / times[SMALL][-1])
        ratio = statistics.median(ratios)
        worst = max(worst, ratio)
        print(
            f"{name:<26} {statistics.median(times[SMALL]) * 1e6:>8.0f} "
            f"{statistics.median(times[LARGE]) * 1e6:>8.0f} {ratio:>6.2f}  "
            f"{min(ratios):.2f}-{max(ratios):.2f}"
        )
    verdict = "meets" if worst <= PAGE_TARGET else "misses"
    print(f"worst page ratio 100k/1k: {worst:.2f} ({verdict} the target of at most {PAGE_TARGET})")
    verdict = "meets" if load_seconds <= LOAD_TARGET else "misses"
    print(
        f"load_state of {LARGE} policies: {load_seconds:.2f} s "
        f"({verdict} the target of at most {LOAD_TARGET} s)"
    )
    print(f"memory of 10,000 stored policies: {per_10k:.1f} MB (traced allocations)")


if __name__ == "__main__":
    main()
