"""A bounded load test of ``fake-voice serve`` from a second process, over loopback only.

This process serves a fresh fake (``fake_voice.serve``); a child process runs
THREADS threads that each create a Connection Policy and fetch it back, until REQUESTS
requests are done or SECONDS have passed, whichever comes first. Then this process prints
requests per second and checks that no request failed and no write was lost: the fake
holds exactly as many policies as creates were answered 201, each with the name sent.
Exit status 1 if either check fails.

    python benchmarks/bench_server.py                  # 4000 requests, 8 threads
    BENCH_QUICK=1 python benchmarks/bench_server.py    # 400 requests, as CI runs it
    python benchmarks/bench_server.py --requests 200 --threads 4 --seconds 10
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from fake_voice import serve

ACCOUNT = "AC" + "1" * 32
QUICK = os.environ.get("BENCH_QUICK") == "1"
AUTH = "Basic " + base64.b64encode(f"{ACCOUNT}:token".encode()).decode()


# -- the child: the load ------------------------------------------------------------------


def load(url: str, requests: int, threads: int, seconds: float) -> dict[str, Any]:
    """Create-then-fetch pairs from ``threads`` threads; counts of what came back."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"requests": 0, "creates": 0, "fetches": 0, "errors": 0}
    names: list[str] = []
    samples: list[str] = []
    issued = iter(range(requests // 2))

    def send(method: str, path: str, body: str | None) -> tuple[int, Any]:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            headers = {"Authorization": AUTH}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            connection.close()

    def failed(what: str) -> None:
        with lock:
            counts["errors"] += 1
            if len(samples) < 5:
                samples.append(what)

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(issued, None)
            if number is None:
                return
            name = f"load-{number}"
            try:
                status, made = send(
                    "POST", "/v1/ConnectionPolicies", urlencode({"FriendlyName": name})
                )
                with lock:
                    counts["requests"] += 1
                if status != 201:
                    failed(f"create answered {status}: {made}")
                    continue
                with lock:
                    counts["creates"] += 1
                    names.append(name)
                status, fetched = send("GET", f"/v1/ConnectionPolicies/{made['sid']}", None)
                with lock:
                    counts["requests"] += 1
                if status != 200 or fetched.get("friendly_name") != name:
                    failed(f"fetch answered {status}: {fetched}")
                    continue
                with lock:
                    counts["fetches"] += 1
            except (OSError, http.client.HTTPException, ValueError) as error:
                failed(f"{type(error).__name__}: {error}")

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {**counts, "seconds": elapsed, "names": names, "samples": samples}


# -- the parent: the server and the checks -----------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400 if QUICK else 4000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30 if QUICK else 120)
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        result = load(args.client, args.requests, args.threads, args.seconds)
        print(json.dumps(result))
        return 0

    with serve(seed=1) as server:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                server.url,
                "--requests",
                str(args.requests),
                "--threads",
                str(args.threads),
                "--seconds",
                str(args.seconds),
            ],
            capture_output=True,
            text=True,
            timeout=args.seconds + 60,
        )
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        result = json.loads(child.stdout)
        stored = server.voice.list_all("ConnectionPolicies", account_sid=ACCOUNT)

    stored_names = sorted(policy["friendly_name"] for policy in stored)
    lost = len(set(result["names"]) - set(stored_names))
    extra = len(stored) - result["creates"]
    rate = result["requests"] / result["seconds"]
    finished = "" if result["requests"] >= args.requests else " (stopped at the time cap)"
    print(
        f"server load test: {result['requests']} requests ({result['creates']} creates, "
        f"{result['fetches']} fetches) from {args.threads} threads in a second process over "
        f"loopback in {result['seconds']:.2f} s{finished}: {rate:.0f} requests/s"
    )
    print(
        f"  errors: {result['errors']}; creates answered 201: {result['creates']}, "
        f"policies stored: {len(stored)}, lost writes: {lost}, unexpected records: {extra}"
    )
    for sample in result["samples"]:
        print(f"  error: {sample}")
    ok = (
        result["errors"] == 0
        and lost == 0
        and extra == 0
        and stored_names == sorted(result["names"])
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
