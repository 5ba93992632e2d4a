"""The server's load test (benchmarks/bench_server.py) runs, bounded, and finds nothing lost;
`make bench` installs the pinned Prism that benchmarks/bench_server_prism.py compares with."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.test_makefile import dry_run

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


def test_make_bench_installs_the_pinned_prism_and_the_description_it_mocks() -> None:
    lines = dry_run("bench")
    assert "cd benchmarks/prism && npm ci --silent --no-audit --no-fund" in lines
    assert any(line.startswith("cp .cache/npm/package/src/services/twilio-api/") for line in lines)
    assert (
        lines[-1]
        == "for script in benchmarks/bench_*.py; do .venv/bin/python $script || exit 1; done"
    )
    package = json.loads((BENCH.parent / "prism" / "package.json").read_text())
    locked = json.loads((BENCH.parent / "prism" / "package-lock.json").read_text())
    pinned = package["dependencies"]["@stoplight/prism-cli"]
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", pinned)  # an exact version, no range
    assert locked["packages"]["node_modules/@stoplight/prism-cli"]["version"] == pinned
