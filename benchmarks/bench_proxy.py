"""What the proxy costs: one request through ``serve --proxy`` against one to the plain server.

Both go to the same fake on loopback: a plain ``GET /v1/ConnectionPolicies`` to the
server's URL, and the same request for ``https://voice.twilio.com`` through the proxy.
Each session keeps its connection open (keep-alive), so the proxy's CONNECT and TLS
handshake are paid once and each request then pays for TLS alone. Rounds alternate;
it prints milliseconds per request of each and the median ratio with its spread.

    python benchmarks/bench_proxy.py                  # 9 rounds of 100 requests each way
    BENCH_QUICK=1 python benchmarks/bench_proxy.py    # 3 rounds of 20, as CI runs it
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import requests

from fake_voice import serve

ACCOUNT = "AC" + "1" * 32
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS, REQUESTS = (3, 20) if QUICK else (9, 100)


def per_request(session: requests.Session, url: str) -> float:
    """Milliseconds per GET of ``url``, over REQUESTS requests; each must answer 200."""
    started = time.perf_counter()
    for _ in range(REQUESTS):
        answer = session.get(url)
        assert answer.status_code == 200, answer.text
    return (time.perf_counter() - started) / REQUESTS * 1000


def session(**settings: object) -> requests.Session:
    made = requests.Session()
    made.trust_env = False  # neither proxies nor CA bundles from the environment
    made.auth = (ACCOUNT, "token")
    for name, value in settings.items():
        setattr(made, name, value)
    return made


def main() -> None:
    with tempfile.TemporaryDirectory() as ca_dir, serve(proxy=True, ca_dir=ca_dir) as server:
        server.voice.create("ConnectionPolicies", account_sid=ACCOUNT, FriendlyName="one")
        plain = session()
        proxied = session(proxies={"https": server.url}, verify=str(server.ca_cert))
        path = "/v1/ConnectionPolicies?PageSize=5"
        plains, proxies = [], []
        for _ in range(ROUNDS):
            plains.append(per_request(plain, server.url + path))
            proxies.append(per_request(proxied, "https://voice.twilio.com" + path))
    ratios = [p / q for p, q in zip(proxies, plains, strict=True)]
    print(
        f"proxy vs plain server, {ROUNDS} alternated rounds of {REQUESTS} requests each: "
        f"{statistics.median(proxies):.2f} ms vs {statistics.median(plains):.2f} ms per "
        f"request; proxy/plain {statistics.median(ratios):.2f}x "
        f"(spread {min(ratios):.2f}x to {max(ratios):.2f}x)"
    )


if __name__ == "__main__":
    main()
