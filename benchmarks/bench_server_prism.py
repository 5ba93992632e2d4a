"""``fake-voice serve`` against Stoplight's Prism mock server on the same load.

Both serve Twilio's Voice v1 over loopback, each in a process of its own, as a user runs
them: ``fake-voice serve`` and ``prism mock`` on Twilio's OpenAPI description of Voice v1
(``.cache/openapi/twilio_voice_v1.json``, from ``make openapi``; Prism is pinned in
benchmarks/prism and installed by ``npm ci``, as ``make bench`` does). The load is
benchmarks/load.js, one Node process, the same for both: 8 keep-alive clients, each in a
loop creating a Connection Policy, fetching it back and listing a page of 20, with Basic
auth. Rounds alternate (the fake, then Prism, after a warm-up round of each); the fake is
reset before each of its rounds, so every round starts on an empty store. Prints each
server's requests/s and p50/p99 latency (median and spread over the rounds) and the
per-round ratios against their targets: the fake's requests/s at least 2x Prism's, its p99
no worse. Exit status 1 if a request failed (an unexpected status).

    python benchmarks/bench_server_prism.py                 # 7 rounds of 5 s each
    BENCH_QUICK=1 python benchmarks/bench_server_prism.py   # 3 rounds of 2 s, as CI runs it
"""

from __future__ import annotations

import http.client
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS, SECONDS, WARM_UP = (3, 2.0, 1.0) if QUICK else (7, 5.0, 3.0)
CLIENTS = 8
RATE_TARGET, P99_TARGET = 2.0, 1.0
HERE = Path(__file__).parent
ROOT = HERE.parent
PRISM = HERE / "prism" / "node_modules" / ".bin" / "prism"
DESCRIPTION = ROOT / ".cache" / "openapi" / "twilio_voice_v1.json"


@contextmanager
def fake() -> Iterator[str]:
    """``fake-voice serve`` in a process of its own; its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_voice.cli", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # its log line per request is still written
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def prism() -> Iterator[str]:
    """``prism mock`` of Voice v1 in a process of its own, once it answers; its URL."""
    with socket.socket() as probe:  # a free port: Prism cannot pick one and say which
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(DESCRIPTION)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prism mock did not start: {' '.join(command)}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/v1/ConnectionPolicies")
        connection.getresponse().read()
        connection.close()
    except OSError:
        return False
    return True


def reset(url: str) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("POST", "/__fake_voice__/reset")
    assert connection.getresponse().status == 204
    connection.close()


def load(url: str, seconds: float) -> dict[str, Any]:
    """One round of benchmarks/load.js against ``url``: its requests/s, p50 and p99 (ms)."""
    done = subprocess.run(
        ["node", str(HERE / "load.js"), url, str(CLIENTS), str(seconds)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    result = json.loads(done.stdout)
    latencies = sorted(result["latencies"])
    return {
        "rate": result["requests"] / result["seconds"],
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "failed": result["failed"],
        "samples": result["samples"],
    }


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of ``ordered``."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: list[float], form: str) -> str:
    return f"{statistics.median(values):{form}} ({min(values):{form}}-{max(values):{form}})"


def main() -> int:
    if not PRISM.exists() or not DESCRIPTION.exists():
        print(f"needs {PRISM} (npm ci in benchmarks/prism) and {DESCRIPTION} (make openapi)")
        return 1
    rounds: dict[str, list[dict[str, Any]]] = {"fake": [], "prism": []}
    with fake() as fake_url, prism() as prism_url:
        urls = {"fake": fake_url, "prism": prism_url}
        for index in range(ROUNDS + 1):
            for name, url in urls.items():
                if name == "fake":
                    reset(url)
                result = load(url, WARM_UP if index == 0 else SECONDS)
                if index > 0:  # the first round of each only warms it up
                    rounds[name].append(result)
    print(
        f"fake-voice serve vs prism mock (Voice v1), benchmarks/load.js: {CLIENTS} keep-alive "
        f"clients creating, fetching and listing Connection Policies; {ROUNDS} alternated "
        f"rounds of {SECONDS:g} s each, median (spread)"
    )
    print(f"  {'':<17}{'requests/s':<22}{'p50 ms':<20}p99 ms")
    for name, label in (("fake", "fake-voice serve"), ("prism", "prism mock")):
        rate, p50, p99 = ([r[key] for r in rounds[name]] for key in ("rate", "p50", "p99"))
        print(
            f"  {label:<17}{spread(rate, ',.0f'):<22}{spread(p50, '.2f'):<20}{spread(p99, '.2f')}"
        )
    pairs = list(zip(rounds["fake"], rounds["prism"], strict=True))
    rate_ratios = [f["rate"] / p["rate"] for f, p in pairs]
    p99_ratios = [f["p99"] / p["p99"] for f, p in pairs]
    rate, p99 = statistics.median(rate_ratios), statistics.median(p99_ratios)
    print(
        f"  fake/Prism requests/s: {spread(rate_ratios, '.2f')} "
        f"({'meets' if rate >= RATE_TARGET else 'misses'} the target of at least {RATE_TARGET})"
    )
    print(
        f"  fake/Prism p99 latency: {spread(p99_ratios, '.2f')} "
        f"({'meets' if p99 <= P99_TARGET else 'misses'} the target of at most {P99_TARGET})"
    )
    failed = sum(r["failed"] for each in rounds.values() for r in each)
    print(f"  failed requests: {failed}")
    for sample in [s for each in rounds.values() for r in each for s in r["samples"]][:5]:
        print(f"  failed: {sample}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
