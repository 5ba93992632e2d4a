"""What the pytest plugin costs a suite that never uses it.

pytest loads fake_voice's plugin in every run of a project that installs fake_voice. This
times a run of 200 tests that never ask for the fixture, with the plugin and with
``-p no:fake_voice``, in alternating rounds of whole ``pytest`` processes, and prints the
median ratio and its spread. Target: at most 1.1.

    python benchmarks/bench_plugin.py                 # full run
    BENCH_QUICK=1 python benchmarks/bench_plugin.py   # as CI runs it
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 15
TESTS = 200
TARGET = 1.1


def run(folder: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "."]
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        tests = "\n".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(TESTS))
        (folder / "test_plain.py").write_text(tests)
        run(folder)  # warm the file system and the bytecode caches once
        with_plugin: list[float] = []
        without: list[float] = []
        for _ in range(ROUNDS):
            with_plugin.append(run(folder))
            without.append(run(folder, "-p", "no:fake_voice"))
    ratios = [a / b for a, b in zip(with_plugin, without, strict=True)]
    ratio = statistics.median(ratios)
    print(f"{TESTS} tests that never use the fixture, {ROUNDS} alternated rounds")
    print(f"  with the plugin     {statistics.median(with_plugin) * 1000:7.0f} ms (median)")
    print(f"  -p no:fake_voice    {statistics.median(without) * 1000:7.0f} ms (median)")
    verdict = "meets" if ratio <= TARGET else "misses"
    print(
        f"plugin overhead ratio: {ratio:.3f} (spread {min(ratios):.3f}-{max(ratios):.3f}; "
        f"{verdict} the target of at most {TARGET})"
    )


if __name__ == "__main__":
    main()
