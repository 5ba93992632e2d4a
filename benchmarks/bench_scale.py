"""The fake at 100,000 stored Connection Policies: list pages as flat as at 1,000, how long
``load_state`` takes, and how much memory the stored policies take.

- Pages: the same page at 100,000 and at 1,000 policies, side by side in alternated rounds;
  the median and spread (min-max) of the per-round ratio. Read with direct calls
  (``voice.call``), so nothing but the fake is timed. Target: at most 1.2x.
- ``load_state`` of 100,000 policies (as parsed from a state file: every record its own
  strings, dates one second apart) into a fresh fake; median and spread of the rounds.
  Target: within 2 s. Each round is paired with a JSON round trip of the same state
  (``json.loads(json.dumps(state))``, what a copy of it costs in C) and the ratio printed,
  a figure that moves less with the machine's load.
- Memory per 10,000 stored policies: what tracemalloc still counts after loading 10,000
  (the state given, and the JSON text it was read from, freed), and the peak during the
  load minus what the parsed state itself takes; and, for the 100,000 loaded, the process's
  resident memory growth (the state freed) divided by 10, which includes what the allocator
  keeps for reuse.

    python benchmarks/bench_scale.py                # full run
    BENCH_QUICK=1 python benchmarks/bench_scale.py  # as CI runs it
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fake_voice
from fake_voice import FakeVoice

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 7 if QUICK else 25
LOAD_ROUNDS = 3 if QUICK else 7
CALLS = 20 if QUICK else 50
SMALL, LARGE, MEASURED = 1_000, 100_000, 10_000
ACCOUNT = "AC" + "1" * 32
PAGE_TARGET, LOAD_TARGET = 1.2, 2.0


def state(count: int) -> dict[str, Any]:
    """``count`` Connection Policies as ``export_state()`` writes them, read back from JSON
    text as from a state file."""

    def date(second: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + second))

    records = [
        {
            "account_sid": ACCOUNT,
            "sid": f"NY{number:032x}",
            "friendly_name": f"policy {number}" if number % 10 else None,
            "date_created": date(number),
            "date_updated": date(number + 86_400),
            "url": f"/v1/ConnectionPolicies/NY{number:032x}",
        }
        for number in range(count)
    ]
    text = json.dumps({ACCOUNT: {"collections": {"connection_policies": records}, "extras": {}}})
    parsed: dict[str, Any] = json.loads(text)
    return parsed


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


def timed(call: Callable[[], object], times: int = 1) -> float:
    started = time.perf_counter()
    for _ in range(times):
        call()
    return (time.perf_counter() - started) / times


def spread(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    return f"{min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f}"


def traced_memory(count: int) -> tuple[float, float]:
    """(bytes tracemalloc counts for ``count`` stored policies once the state given is
    freed, peak bytes during the load beyond the parsed state itself)."""
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    given = state(count)
    parsed = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.reset_peak()
    voice = fake_voice.mock(account_sid=ACCOUNT)
    voice.load_state(given)
    peak = tracemalloc.get_traced_memory()[1] - start - parsed
    del given
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    del voice
    return held, peak


def resident() -> int:
    """The process's resident memory in bytes (Linux), 0 where /proc is not there."""
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return 0
    return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    small = fake_voice.mock(account_sid=ACCOUNT)
    small.load_state(state(SMALL))  # and the schemas read and compiled, once per process
    held, peak = traced_memory(MEASURED)
    gc.collect()
    before = resident()
    large = fake_voice.mock(account_sid=ACCOUNT)
    large.load_state(state(LARGE))
    gc.collect()
    grown = resident() - before

    given = state(LARGE)
    loads: list[float] = []
    ratios: list[float] = []
    for _ in range(LOAD_ROUNDS):
        fresh = fake_voice.mock(account_sid=ACCOUNT)
        loads.append(timed(lambda v=fresh: v.load_state(given)))
        del fresh
        gc.collect()
        floor = timed(lambda: json.loads(json.dumps(given)))
        ratios.append(loads[-1] / floor)

    print(f"{'page':<26} {'1k µs':>8} {'100k µs':>8} {'ratio':>6}  spread")
    worst = 0.0
    for name in pages(SMALL):
        fakes: list[tuple[FakeVoice, tuple[str, dict[str, object]]]] = [
            (small, pages(SMALL)[name]),
            (large, pages(LARGE)[name]),
        ]
        times: dict[int, list[float]] = {SMALL: [], LARGE: []}
        page_ratios = []
        for _ in range(ROUNDS):
            for (voice, (path, params)), size in zip(fakes, (SMALL, LARGE), strict=True):
                call = lambda v=voice, p=path, q=params: v.call("GET", p, q)  # noqa: E731
                times[size].append(timed(call, CALLS))
            page_ratios.append(times[LARGE][-1] / times[SMALL][-1])
        ratio = statistics.median(page_ratios)
        worst = max(worst, ratio)
        print(
            f"{name:<26} {statistics.median(times[SMALL]) * 1e6:>8.0f} "
            f"{statistics.median(times[LARGE]) * 1e6:>8.0f} {ratio:>6.2f}  {spread(page_ratios)}"
        )
    verdict = "meets" if worst <= PAGE_TARGET else "misses"
    print(f"worst page ratio 100k/1k: {worst:.2f} ({verdict} the target of at most {PAGE_TARGET})")

    load = statistics.median(loads)
    verdict = "meets" if load <= LOAD_TARGET else "misses"
    print(
        f"load_state of {LARGE:,} policies: {load:.2f} s, spread {spread(loads)} over "
        f"{LOAD_ROUNDS} rounds ({verdict} the target of at most {LOAD_TARGET} s); "
        f"{statistics.median(ratios):.1f}x a JSON round trip of the state "
        f"(spread {spread(ratios, digits=1)})"
    )
    per = MEASURED / 10_000
    print(
        f"memory per 10,000 stored policies: {held / per / 1e6:.1f} MB held "
        f"(tracemalloc, the state given freed), {peak / per / 1e6:.1f} MB peak while loading "
        f"beyond the parsed state; {grown / (LARGE / 10_000) / 1e6:.1f} MB resident growth "
        f"(of {LARGE:,} loaded, allocator reserve included)"
    )


if __name__ == "__main__":
    main()
