"""What ``import fake_voice`` costs a process.

Times ``python -c "import fake_voice"`` against ``python -c "pass"`` in alternating rounds of
fresh interpreters (bytecode already cached) and prints the median difference and its
spread. Target: at most 150 ms. The package loads its public names on first use, so the
import alone should cost a few milliseconds.

    python benchmarks/bench_import.py                 # full run
    BENCH_QUICK=1 python benchmarks/bench_import.py   # as CI runs it
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 21
TARGET_MS = 150.0


def run(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> None:
    run("import fake_voice")  # warm the file system and the bytecode caches once
    costs = []
    for _ in range(ROUNDS):
        with_import = run("import fake_voice")
        bare = run("pass")
        costs.append((with_import - bare) * 1000)
    cost = statistics.median(costs)
    verdict = "meets" if cost <= TARGET_MS else "misses"
    print(f"import fake_voice against a bare interpreter, {ROUNDS} alternated rounds")
    print(
        f"import time: {cost:.1f} ms (spread {min(costs):.1f}-{max(costs):.1f}; "
        f"{verdict} the target of at most {TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
