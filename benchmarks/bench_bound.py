"""How near the canned-answer floor a direct client's create can come, and what the rest of
its time is made of.

Four twilio ``HttpClient``s answer the same official ``connection_policies.create()`` calls,
in alternated rounds in one process:

- the floor: a prebuilt answer, no work at all (bench_direct_client.py's);
- the adapter alone: the fake's direct client handing each request to a core that answers
  at once with a prebuilt answer: what turning twilio's arguments into the fake's
  ``Request`` and its answer into twilio's ``Response`` costs;
- the essentials: one function doing only what any stateful fake must for a create: encode
  the form, draw a SID, stamp the time, store the record, render it, check it against its
  schema, encode it and log the exchange; no routing, no authentication, no validation of
  the request, no layers;
- the fake's direct client (``voice.client()``).

Each is printed as a ratio to the floor (median and spread of the per-round ratios): the
fake's distance from the essentials is what its routing, authentication, request
validation and layering cost; the essentials' distance from the floor, what a create must
cost in this interpreter at the least. bench_direct_client.py's target for create is 2x.

    python benchmarks/bench_bound.py                # full run
    BENCH_QUICK=1 python benchmarks/bench_bound.py  # a few seconds, as CI runs it
"""

from __future__ import annotations

import logging
import os
import random
import statistics
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

import bench_direct_client
from operations import ACCOUNT, OPERATIONS, per_call, seeded
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

import fake_voice
from fake_voice.core.schemas import is_valid
from fake_voice.core.wire import basic_auth, encode_json
from fake_voice.intercept.direct import DirectHttpClient, to_request
from fake_voice.state.clock import format_date

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 15
CALLS = 40 if QUICK else 200
CREATE = "create policy"
_LOGGER = logging.getLogger("bench_bound")
_BASE = "https://voice.twilio.com"


class Essentials(HttpClient):  # type: ignore[misc]  # twilio ships no type information
    """A create of Connection Policies and nothing else, written as one function."""

    def __init__(self) -> None:
        super().__init__(logger=_LOGGER, is_async=False)
        self.draws = random.Random(1)
        self.records: dict[str, dict[str, object]] = {}
        self.log: list[tuple[object, ...]] = []
        self.valid = is_valid("resources/connection_policy.json")

    def request(self, method: str, uri: str, **sent: Any) -> TwilioResponse:
        data = sent["data"] or {}  # twilio passes params, data, headers, auth... by name
        body = urlencode(data)
        headers = {**sent["headers"], "Authorization": basic_auth(*sent["auth"])}
        sid = f"NY{self.draws.getrandbits(128):032x}"
        now = format_date(datetime.now(timezone.utc))
        record = {
            "account_sid": ACCOUNT,
            "sid": sid,
            "friendly_name": data.get("FriendlyName"),
            "date_created": now,
            "date_updated": now,
            "url": f"/v1/ConnectionPolicies/{sid}",
        }
        self.records[sid] = record
        url = _BASE + f"/v1/ConnectionPolicies/{sid}"
        rendered = {**record, "url": url, "links": {"targets": url + "/Targets"}}
        if not self.valid(rendered):
            raise AssertionError(f"the essentials rendered a policy its schema refuses: {rendered}")
        encoded = encode_json(rendered)
        request_id = f"RQ{self.draws.getrandbits(128):032x}"
        answered = {"Content-Type": "application/json", "Twilio-Request-Id": request_id}
        self.log.append((method, uri, headers, body, 201, answered, encoded))
        return TwilioResponse(201, encoded.decode("utf-8"), answered)


def adapter_alone() -> Callable[[], float]:
    """The direct client on a core that answers every request with one prebuilt answer."""
    voice = fake_voice.mock(seed=1)
    request = to_request("POST", _BASE + "/v1/ConnectionPolicies", None, {}, None, (ACCOUNT, "t"))
    canned = voice.answer(request)
    client = Client(ACCOUNT, "token", http_client=DirectHttpClient(lambda request: canned))
    return lambda: per_call(OPERATIONS[CREATE], client, [""] * CALLS)


def essentials() -> float:
    client = Client(ACCOUNT, "token", http_client=Essentials())
    return per_call(OPERATIONS[CREATE], client, [""] * CALLS)


def fake() -> float:
    voice = fake_voice.mock(seed=1)
    return per_call(OPERATIONS[CREATE], voice.client(ACCOUNT), seeded(voice, CREATE, CALLS))


def main() -> None:
    bench_direct_client.CALLS = CALLS  # the floor's calls per round, as ours
    floor = bench_direct_client.canned_floor(CREATE, OPERATIONS[CREATE])
    adapter = adapter_alone()
    runs: dict[str, Callable[[], float]] = {
        "adapter alone": adapter,
        "essentials": essentials,
        "the fake's direct client": fake,
    }
    ratios: dict[str, list[float]] = {name: [] for name in runs}
    floors: list[float] = []
    for _ in range(ROUNDS):
        floors.append(floor())
        for name, run in runs.items():
            ratios[name].append(run() / floors[-1])
    print(f"{CREATE} through the official client, {ROUNDS} alternated rounds of {CALLS} calls")
    print(f"  floor (a canned answer)        {statistics.median(floors) * 1e6:6.1f} µs   1.00")
    for name, values in ratios.items():
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(f"  {name:<30} {statistics.median(values):>14.2f} ({spread})")
    print("the fake's target for create: at most 2.0x the floor (bench_direct_client.py)")


if __name__ == "__main__":
    main()
