"""What the ``fake_voice`` fixture costs a test: its setup plus teardown.

One ``pytest`` run holds 500 tests that ask for the fixture and 500 that do not, in
alternating blocks (the rounds). A small plugin times each test's setup and teardown
phases; the cost of the fixture is, per round, the median of (setup + teardown) with the
fixture minus the median without it. Prints the median over the rounds and its spread.
Target: at most 0.2 ms per test. The first test to use the fixture imports the fake; a
warm-up test pays that and is not counted.

    python benchmarks/bench_fixture.py                 # full run
    BENCH_QUICK=1 python benchmarks/bench_fixture.py   # as CI runs it
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

QUICK = os.environ.get("BENCH_QUICK") == "1"
TESTS = 100 if QUICK else 500
ROUNDS = 10
TARGET_MS = 0.2

TIMER = """
import json
import os
import time

import pytest

PHASES = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    started = time.perf_counter()
    yield
    PHASES[item.name] = time.perf_counter() - started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    started = time.perf_counter()
    yield
    PHASES[item.name] += time.perf_counter() - started


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump(PHASES, out)
"""


def test_file(per_round: int) -> str:
    lines = ["def test_warm_up(fake_voice):", "    assert fake_voice.active", ""]
    for block in range(ROUNDS):
        for i in range(per_round):
            lines += [f"def test_with_{block}_{i}(fake_voice):", "    assert fake_voice.active"]
        for i in range(per_round):
            lines += [f"def test_without_{block}_{i}():", "    assert True"]
    return "\n".join(lines) + "\n"


def main() -> None:
    per_round = TESTS // ROUNDS
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "conftest.py").write_text(TIMER)
        (folder / "test_fixture_cost.py").write_text(test_file(per_round))
        out = folder / "phases.json"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."]
        subprocess.run(
            command,
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "BENCH_OUT": str(out)},
        )
        phases: dict[str, float] = json.loads(out.read_text())
    costs = []
    for block in range(ROUNDS):
        with_ = [phases[f"test_with_{block}_{i}"] for i in range(per_round)]
        without = [phases[f"test_without_{block}_{i}"] for i in range(per_round)]
        costs.append((statistics.median(with_) - statistics.median(without)) * 1000)
    cost = statistics.median(costs)
    print(f"{TESTS} tests with the fixture, {TESTS} without, {ROUNDS} alternated rounds, one run")
    verdict = "meets" if cost <= TARGET_MS else "misses"
    print(
        f"fixture setup+teardown per test: {cost:.3f} ms (spread {min(costs):.3f}-"
        f"{max(costs):.3f}; {verdict} the target of at most {TARGET_MS} ms)"
    )


if __name__ == "__main__":
    main()
