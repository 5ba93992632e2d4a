"""How near its floors a create through the official client can come, and what the rest
of its time is made of.

Direct client: four twilio ``HttpClient``s answer the same ``connection_policies.create()``
calls, in alternated rounds in one process:

- the floor: a prebuilt answer, no work at all (bench_direct_client.py's);
- the adapter alone: the fake's direct client handing each request to a core that answers
  at once with a prebuilt answer: what turning twilio's arguments into the fake's
  ``Request`` and its answer into twilio's ``Response`` costs;
- the essentials: one function doing only what any stateful fake must for a create: encode
  the form, draw a SID, stamp the time, store the record, render it, check it against its
  schema, encode it and log the exchange; no routing, no authentication, no validation of
  the request, no layers;
- the essentials behind the fake's own router and request validation, which any fake that
  refuses bad input as Twilio does must also run (still no authentication, no faults, no
  recorded ``Request``);
- the fake's direct client with every request built before the clock starts: the fake's
  core and twilio's ``Response``, with no adapter on the way in (what the direct client
  would cost if turning twilio's arguments into a ``Request`` cost nothing);
- the fake's direct client (``voice.client()``).

The `responses` path: the bare stub of bench_client.py (its floor), the fake's own
interception handing each request to the essentials (the form read from the request, then
the same create), and the fake.

Each is printed as a ratio to its floor (median and spread of the per-round ratios): the
fake's distance from the essentials is what its routing, authentication, request
validation and layering cost; the essentials' distance from the floor, what a create must
cost in this interpreter at the least.

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

import bench_client
import bench_direct_client
from operations import ACCOUNT, OPERATIONS, per_call, seeded
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

import fake_voice
from fake_voice.core.schemas import is_valid
from fake_voice.core.wire import (
    JSON_CONTENT_TYPE,
    MultiDict,
    Request,
    Response,
    basic_auth,
    encode_json,
)
from fake_voice.intercept.direct import DirectHttpClient, _Headers, to_request
from fake_voice.resources import router
from fake_voice.state.clock import format_date

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 15
CALLS = 40 if QUICK else 200
CREATE = "create policy"
_LOGGER = logging.getLogger("bench_bound")
_BASE = "https://voice.twilio.com"


class Essentials:
    """Creates of Connection Policies and nothing else, each written as one function."""

    def __init__(self) -> None:
        self.draws = random.Random(1)
        self.records: dict[str, dict[str, object]] = {}
        self.log: list[tuple[object, ...]] = []
        self.valid = is_valid("resources/connection_policy.json")

    def create(self, friendly_name: object) -> tuple[bytes, dict[str, str]]:
        """Store a policy; its body, encoded and checked, and the answer's headers."""
        sid = f"NY{self.draws.getrandbits(128):032x}"
        now = format_date(datetime.now(timezone.utc))
        record = {
            "account_sid": ACCOUNT,
            "sid": sid,
            "friendly_name": friendly_name,
            "date_created": now,
            "date_updated": now,
            "url": f"/v1/ConnectionPolicies/{sid}",
        }
        self.records[sid] = record
        url = _BASE + f"/v1/ConnectionPolicies/{sid}"
        rendered = {**record, "url": url, "links": {"targets": url + "/Targets"}}
        if not self.valid(rendered):
            raise AssertionError(f"the essentials rendered a policy its schema refuses: {rendered}")
        request_id = f"RQ{self.draws.getrandbits(128):032x}"
        return encode_json(rendered), {
            "Content-Type": JSON_CONTENT_TYPE,
            "Twilio-Request-Id": request_id,
        }

    def answer(self, request: Request) -> Response:
        """What the fake's core answers, for the `responses` path: the form read, a create."""
        body, headers = self.create(request.form().get("FriendlyName"))
        self.log.append((request.method, request.url, request.headers, request.body, body))
        return Response(201, headers, body)


class EssentialsClient(HttpClient):  # type: ignore[misc]  # twilio ships no type information
    """The essentials as a twilio ``HttpClient``: the form encoded, a create, twilio's answer."""

    def __init__(self) -> None:
        super().__init__(logger=_LOGGER, is_async=False)
        self.creates = Essentials()

    def request(self, method: str, uri: str, **sent: Any) -> TwilioResponse:
        data = sent["data"] or {}  # twilio passes params, data, headers, auth... by name
        form = urlencode(data)
        headers = {**sent["headers"], "Authorization": basic_auth(*sent["auth"])}
        params = self.params(method, uri, data)
        body, answered = self.creates.create(params.get("FriendlyName"))
        self.creates.log.append((method, uri, headers, form, body))
        return TwilioResponse(201, body.decode("utf-8"), answered)

    def params(self, method: str, uri: str, data: dict[str, Any]) -> dict[str, Any]:
        """The parameters a create is made from: as sent, neither routed nor validated."""
        return data


class RoutedEssentialsClient(EssentialsClient):
    """The essentials behind the fake's own router and request validation (its compiled
    schema check and coercion): what they add to the least a create must cost."""

    def __init__(self) -> None:
        super().__init__()
        self.router = router()

    def params(self, method: str, uri: str, data: dict[str, Any]) -> dict[str, Any]:
        operation, _ = self.router.match(method, uri[len(_BASE) :])
        given = MultiDict((key, str(value)) for key, value in data.items())
        parsed: dict[str, Any] = operation.dialect.parse(given, operation.request, method)
        return parsed


def adapter_alone() -> Callable[[], float]:
    """The direct client on a core that answers every request with one prebuilt answer."""
    voice = fake_voice.mock(seed=1)
    request = to_request("POST", _BASE + "/v1/ConnectionPolicies", None, {}, None, (ACCOUNT, "t"))
    canned = voice.answer(request)
    client = Client(ACCOUNT, "token", http_client=DirectHttpClient(lambda request: canned))
    return lambda: per_call(OPERATIONS[CREATE], client, [""] * CALLS)


class Prebuilt(HttpClient):  # type: ignore[misc]
    """The fake's direct client answering requests that were built beforehand, in order."""

    def __init__(self, voice: fake_voice.FakeVoice, requests: list[Request]) -> None:
        super().__init__(logger=_LOGGER, is_async=False)
        self.answer = voice._answer_client  # what the direct client hands each request to
        self.requests = iter(requests)

    def request(self, *args: object, **kwargs: object) -> TwilioResponse:
        answer = self.answer(next(self.requests))
        return TwilioResponse(answer.status, answer.body.decode("utf-8"), _Headers(answer.headers))


def prebuilt() -> float:
    """The fake's creates, their requests built (by the direct client's own ``to_request``,
    from the arguments twilio passes) before the clock starts."""
    voice = fake_voice.mock(seed=1)
    sids = seeded(voice, CREATE, CALLS)
    sent: list[Request] = []

    class Capture(DirectHttpClient):  # type: ignore[misc]
        def request(self, method: str, uri: str, **given: Any) -> TwilioResponse:
            args = (given["params"], given["data"], given["headers"], given["auth"])
            sent.append(to_request(method, uri, *args))
            return super().request(method, uri, **given)

    capture = Client(ACCOUNT, "token", http_client=Capture(voice._answer_client))
    per_call(OPERATIONS[CREATE], capture, sids)
    voice = fake_voice.mock(seed=1)  # the same calls again, on a fake seeded alike
    sids = seeded(voice, CREATE, CALLS)
    client = Client(ACCOUNT, "token", http_client=Prebuilt(voice, sent))
    return per_call(OPERATIONS[CREATE], client, sids)


def essentials() -> float:
    client = Client(ACCOUNT, "token", http_client=EssentialsClient())
    return per_call(OPERATIONS[CREATE], client, [""] * CALLS)


def routed_essentials() -> float:
    client = Client(ACCOUNT, "token", http_client=RoutedEssentialsClient())
    return per_call(OPERATIONS[CREATE], client, [""] * CALLS)


def fake() -> float:
    voice = fake_voice.mock(seed=1)
    return per_call(OPERATIONS[CREATE], voice.client(ACCOUNT), seeded(voice, CREATE, CALLS))


def over_responses() -> tuple[Callable[[], float], dict[str, Callable[[], float]]]:
    """The `responses` path: the bare stub of bench_client.py, the fake's own interception
    handing every request to the essentials, and the fake."""
    client = Client(ACCOUNT, "token")
    with fake_voice.mock(seed=1) as voice:
        policy = voice.create("ConnectionPolicies", FriendlyName="b", account_sid=ACCOUNT)
    stubbed = bench_client.stub(policy["sid"], {"policy": policy, "target": {}, "page": {}})
    essential = fake_voice.mock(seed=1)
    essential._answer_client = Essentials().answer  # what interception hands requests to
    full = fake_voice.mock(seed=1)

    def intercepted(voice: fake_voice.FakeVoice) -> Callable[[], float]:
        def run() -> float:
            voice.reset()  # as bench_client.py does: each round on the same store
            with voice:
                return per_call(OPERATIONS[CREATE], client, [""] * CALLS)

        return run

    def stub() -> float:
        stubbed.start()  # not `with`: leaving the block would drop the registrations
        try:
            return per_call(OPERATIONS[CREATE], client, [""] * CALLS)
        finally:
            stubbed.stop(allow_assert=False)

    runs = {"essentials behind interception": intercepted(essential), "the fake": intercepted(full)}
    return stub, runs


def alternated(
    floor: Callable[[], float], runs: dict[str, Callable[[], float]]
) -> tuple[list[float], dict[str, list[float]]]:
    """The floor's times and every run's ratios to it, round by round."""
    ratios: dict[str, list[float]] = {name: [] for name in runs}
    floors: list[float] = []
    for _ in range(ROUNDS):
        floors.append(floor())
        for name, run in runs.items():
            ratios[name].append(run() / floors[-1])
    return floors, ratios


def report(title: str, floors: list[float], ratios: dict[str, list[float]], target: str) -> None:
    print(f"{title}: {CREATE}, {ROUNDS} alternated rounds of {CALLS} calls")
    print(f"  the floor                        {statistics.median(floors) * 1e6:7.1f} µs   1.00")
    for name, values in ratios.items():
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(f"  {name:<32} {statistics.median(values):>13.2f} ({spread})")
    print(f"  the fake's target: {target}")


def main() -> None:
    bench_direct_client.CALLS = CALLS  # the floor's calls per round, as ours
    floor = bench_direct_client.canned_floor(CREATE, OPERATIONS[CREATE])
    runs: dict[str, Callable[[], float]] = {
        "adapter alone": adapter_alone(),
        "essentials": essentials,
        "essentials, routed and validated": routed_essentials,
        "the fake, requests built before": prebuilt,
        "the fake's direct client": fake,
    }
    floors, ratios = alternated(floor, runs)
    report(
        "direct client vs a canned answer", floors, ratios, "at most 2.0x (bench_direct_client.py)"
    )
    stub, runs = over_responses()
    floors, ratios = alternated(stub, runs)
    report("`responses` path vs the bare stub", floors, ratios, "at most 1.10x (bench_client.py)")


if __name__ == "__main__":
    main()
