"""Time per operation through the official client: the direct client vs the `responses`
path, and vs a canned-answer floor.

All three drive the same official ``twilio.rest.Client`` calls; only the ``http_client``
differs. The `responses` path is ``Client(sid, token)`` while the fake is started (requests
-> responses -> the fake); the direct path is ``voice.client(sid)`` (the fake's
``HttpClient``, no HTTP stack); the floor is a twilio ``HttpClient`` whose ``request()``
returns a prebuilt twilio ``Response`` (the fake's own answer to that call, captured once):
what the official client costs by itself. They run side by side in one process, in
alternating rounds, each fake fresh and seeded alike; per operation the median and spread
(min-max) of the per-round ratios are printed. Targets: the direct client at least 6x
faster than the `responses` path, and at most 2x the floor (delete, whose floor parses no
body, at most 4x).

    python benchmarks/bench_direct_client.py                 # full run
    BENCH_QUICK=1 python benchmarks/bench_direct_client.py   # a few seconds, as CI runs it
    BENCH_PROFILE=1 python benchmarks/bench_direct_client.py # also where the direct time goes
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import statistics
from collections.abc import Callable

from operations import ACCOUNT, DELETE, Operation, per_call, seeded
from operations import OPERATIONS as COMMON
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

import fake_voice

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 5 if QUICK else 15
CALLS = 40 if QUICK else 200
SPEED_UP = 6.0
FLOOR = 2.0
DELETE_FLOOR = 4.0
_LOGGER = logging.getLogger("bench_direct_client")

OPERATIONS: dict[str, Operation] = {
    **COMMON,
    "fetch missing policy (404)": lambda c, sid: missing(c),
}


def missing(client: Client) -> TwilioRestException:
    try:
        client.voice.v1.connection_policies("NY" + "0" * 32).fetch()
    except TwilioRestException as error:  # raising is part of what is measured
        return error
    raise AssertionError("the fake answered a fetch of a policy that does not exist")


def over_responses(name: str, operation: Operation) -> float:
    with fake_voice.mock(seed=1) as voice:
        return per_call(operation, Client(ACCOUNT, "token"), seeded(voice, name, CALLS))


def direct(name: str, operation: Operation) -> float:
    voice = fake_voice.mock(seed=1)  # never started: the direct client needs no patching
    return per_call(operation, voice.client(ACCOUNT), seeded(voice, name, CALLS))


class Canned(HttpClient):  # type: ignore[misc]  # twilio ships no type information
    """The floor: every request gets the same prebuilt answer, with no work at all."""

    def __init__(self, answer: TwilioResponse) -> None:
        super().__init__(logger=_LOGGER, is_async=False)
        self.answer = answer

    def request(self, *args: object, **kwargs: object) -> TwilioResponse:
        return self.answer


class Capture(HttpClient):  # type: ignore[misc]
    """The direct client's answer, kept (as a twilio ``Response``) to be served canned."""

    def __init__(self, inner: HttpClient) -> None:
        super().__init__(logger=_LOGGER, is_async=False)
        self.inner = inner
        self.last: TwilioResponse | None = None

    def request(self, *args: object, **kwargs: object) -> TwilioResponse:
        self.last = self.inner.request(*args, **kwargs)
        return self.last


def canned_floor(name: str, operation: Operation) -> Callable[[], float]:
    voice = fake_voice.mock(seed=1)
    capture = Capture(voice.http_client())
    sid = seeded(voice, name, CALLS)[0]
    operation(Client(ACCOUNT, "token", http_client=capture), sid)
    assert capture.last is not None
    client = Client(ACCOUNT, "token", http_client=Canned(capture.last))
    return lambda: per_call(operation, client, [sid] * CALLS)


def profile() -> None:
    for name, operation in OPERATIONS.items():
        voice = fake_voice.mock(seed=1)
        client, sids = voice.client(ACCOUNT), seeded(voice, name, CALLS)
        profiler = cProfile.Profile()
        profiler.enable()
        per_call(operation, client, sids)
        profiler.disable()
        print(f"--- {name}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    print(
        f"{'operation':<30} {'resp µs':>8} {'direct µs':>9} {'floor µs':>8}"
        f"  {'speed-up (min-max)':<20} {'direct/floor (min-max)':<22}"
    )
    misses: list[str] = []
    for name, operation in OPERATIONS.items():
        floor = canned_floor(name, operation)
        times: dict[str, list[float]] = {"http": [], "direct": [], "floor": []}
        speed_ups: list[float] = []
        over_floor: list[float] = []
        for _ in range(ROUNDS):
            times["http"].append(over_responses(name, operation))
            times["direct"].append(direct(name, operation))
            times["floor"].append(floor())
            speed_ups.append(times["http"][-1] / times["direct"][-1])
            over_floor.append(times["direct"][-1] / times["floor"][-1])
        medians = {key: statistics.median(values) * 1e6 for key, values in times.items()}
        print(
            f"{name:<30} {medians['http']:>8.0f} {medians['direct']:>9.0f}"
            f" {medians['floor']:>8.0f}  {spread(speed_ups):<20} {spread(over_floor):<22}"
        )
        limit = DELETE_FLOOR if name == DELETE else FLOOR
        if statistics.median(speed_ups) < SPEED_UP:
            misses.append(f"{name}: speed-up under {SPEED_UP}x")
        if statistics.median(over_floor) > limit:
            misses.append(f"{name}: over {limit}x the floor")
    targets = (
        f"speed-up at least {SPEED_UP}x; at most {FLOOR}x the floor ({DELETE_FLOOR}x for delete)"
    )
    print(f"targets: {targets}: " + ("all met" if not misses else "missed: " + "; ".join(misses)))
    if os.environ.get("BENCH_PROFILE") == "1":
        profile()


if __name__ == "__main__":
    main()
