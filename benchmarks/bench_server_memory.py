"""The memory of a long-lived ``fake-voice serve``: resident size as requests go by.

A ``fake-voice serve`` process (default ``--max-recorded``, 10,000) gets REQUESTS requests
from this process over loopback, 8 threads on keep-alive connections, each a create and a
delete of a Connection Policy so that the stored state stays empty: what grows is only what
the server keeps about traffic. Its RSS (from /proc) is printed at each quarter, with the
exchanges kept and dropped. Without a bound the server kept about 5 KB per exchange
(175 MB after 19,000 requests); with it, RSS stops growing once 10,000 are kept.

    python benchmarks/bench_server_memory.py               # 30,000 requests
    BENCH_QUICK=1 python benchmarks/bench_server_memory.py # 2,000, as CI runs it
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
import sys
import threading
from urllib.parse import urlsplit

QUICK = os.environ.get("BENCH_QUICK") == "1"
REQUESTS = 2_000 if QUICK else 30_000
THREADS = 8
ACCOUNT = "AC" + "1" * 32
AUTH = "Basic " + base64.b64encode(f"{ACCOUNT}:token".encode()).decode()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def churn(host: str, port: int, pairs: int, failures: list[str]) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(pairs):
        connection.request("POST", "/v1/ConnectionPolicies", "FriendlyName=churn", headers)
        created = connection.getresponse()
        sid = json.loads(created.read())["sid"]
        connection.request("DELETE", f"/v1/ConnectionPolicies/{sid}", headers=headers)
        deleted = connection.getresponse()
        deleted.read()
        if (created.status, deleted.status) != (201, 204):
            failures.append(f"{created.status} {deleted.status}")
    connection.close()


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "fake_voice.cli", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = urlsplit(server.stdout.readline().strip())
        host, port = url.hostname or "127.0.0.1", url.port or 80
        failures: list[str] = []
        print(f"fake-voice serve (default --max-recorded), {REQUESTS} requests, {THREADS} threads")
        print(f"{'requests':>9} {'RSS MB':>8} {'kept':>7} {'dropped':>8}")
        print(f"{0:>9} {rss_mb(server.pid):>8.1f} {0:>7} {0:>8}")
        quarter = REQUESTS // 4
        for step in range(1, 5):
            per_thread = quarter // (2 * THREADS)
            threads = [
                threading.Thread(target=churn, args=(host, port, per_thread, failures))
                for _ in range(THREADS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            connection.request("GET", "/__fake_voice__/requests")
            listed = connection.getresponse()
            kept = len(json.loads(listed.read()))
            dropped = listed.headers["Fake-Voice-Requests-Dropped"]
            connection.close()
            done = step * per_thread * 2 * THREADS
            print(f"{done:>9} {rss_mb(server.pid):>8.1f} {kept:>7} {dropped:>8}")
        print(f"failed requests: {len(failures)}")
        if failures:
            sys.exit(1)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
