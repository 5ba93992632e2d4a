"""The server's load test (benchmarks/bench_server.py) runs, bounded, and finds nothing lost."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "benchmarks" / "bench_server.py"


def test_the_load_test_reports_a_rate_and_no_errors_or_lost_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--requests", "80", "--threads", "4", "--seconds", "30"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first, second = done.stdout.splitlines()
    assert re.fullmatch(
        r"server load test: 80 requests \(40 creates, 40 fetches\) from 4 threads in a second "
        r"process over loopback in [0-9]+\.[0-9]{2} s: [0-9]+ requests/s",
        first,
    )
    assert second == (
        "  errors: 0; creates answered 201: 40, policies stored: 40, lost writes: 0, "
        "unexpected records: 0"
    )
