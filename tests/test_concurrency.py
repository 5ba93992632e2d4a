"""Many threads (and many coroutines) on one fake: nothing is lost and no SID repeats.

The interpreter is told to switch threads as often as it can while these tests run, so a
read-modify-write left unguarded anywhere on the request path would show up as a lost
record, a short count or a repeated SID. The tests are bounded by counts, never by time.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID

T = TypeVar("T")
THREADS = 8
POLICIES_EACH = 4
TARGETS_EACH = 3
EXCHANGES_EACH = 30


@pytest.fixture(autouse=True)
def switch_threads_constantly() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def in_threads(work: Callable[[int], T]) -> list[T]:
    """Run ``work(0..THREADS-1)`` on THREADS threads released together; re-raise any error."""
    barrier = threading.Barrier(THREADS)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return [results[i] for i in range(THREADS)]


CLIENTS: dict[str, Callable[[FakeVoice], Client]] = {
    "responses path": lambda voice: Client(ACCOUNT_SID, "token"),
    "direct client": lambda voice: voice.client(ACCOUNT_SID),
}


@pytest.mark.parametrize("make_client", CLIENTS.values(), ids=list(CLIENTS))
def test_threads_creating_policies_and_targets_lose_nothing(
    fake_voice: FakeVoice, make_client: Callable[[FakeVoice], Client]
) -> None:
    shared = fake_voice.create("ConnectionPolicies", FriendlyName="shared", account_sid=ACCOUNT_SID)

    def provision(index: int) -> dict[str, list[str]]:
        client = make_client(fake_voice)  # one client per thread, as a worker pool has
        policies = client.voice.v1.connection_policies
        made: dict[str, list[str]] = {}
        for n in range(POLICIES_EACH):
            policy = policies.create(friendly_name=f"t{index}-p{n}")
            made[policy.sid] = [
                policies(policy.sid).targets.create(target=f"sip:{index}-{n}-{k}@a.com").sid
                for k in range(TARGETS_EACH)
            ]
            made.setdefault(shared["sid"], []).append(
                policies(shared["sid"]).targets.create(target=f"sip:{index}-{n}@shared.com").sid
            )
        return made

    per_thread = in_threads(provision)

    policy_sids = [sid for made in per_thread for sid in made if sid != shared["sid"]]
    target_sids = [t for made in per_thread for targets in made.values() for t in targets]
    assert len(set(policy_sids)) == THREADS * POLICIES_EACH
    assert len(set(target_sids)) == len(target_sids) == THREADS * POLICIES_EACH * (TARGETS_EACH + 1)

    client = Client(ACCOUNT_SID, "token")
    listed = [p.sid for p in client.voice.v1.connection_policies.list(page_size=7)]
    assert sorted(listed) == sorted([shared["sid"], *policy_sids])
    for made in per_thread:
        for policy_sid, targets in made.items():
            if policy_sid != shared["sid"]:  # one thread made these, in this order
                listed_targets = client.voice.v1.connection_policies(policy_sid).targets.list()
                assert [t.sid for t in listed_targets] == targets
    shared_targets = client.voice.v1.connection_policies(shared["sid"]).targets.list()
    assert len(shared_targets) == THREADS * POLICIES_EACH

    created = [e for e in fake_voice.requests if e.method == "POST"]
    assert len(created) == THREADS * POLICIES_EACH * (1 + TARGETS_EACH + 1)
    assert {e.status for e in created} == {201}
    request_ids = [e.response_headers["Twilio-Request-Id"] for e in fake_voice.requests]
    assert len(set(request_ids)) == len(request_ids)


def test_threads_updating_and_deleting_leave_exactly_what_they_did_not_delete(
    fake_voice: FakeVoice,
) -> None:
    sids = [
        fake_voice.create("ConnectionPolicies", FriendlyName=str(i), account_sid=ACCOUNT_SID)["sid"]
        for i in range(THREADS * 4)
    ]

    def churn(index: int) -> None:
        policies = Client(ACCOUNT_SID, "token").voice.v1.connection_policies
        mine = sids[index * 4 : index * 4 + 4]
        policies(mine[0]).delete()
        policies(mine[1]).delete()
        policies(mine[2]).update(friendly_name=f"updated by {index}")
        policies.create(friendly_name=f"made by {index}")

    in_threads(churn)

    records = fake_voice.export_state()[ACCOUNT_SID]["collections"]["connection_policies"]
    names = sorted(r["friendly_name"] for r in records)
    assert len(records) == THREADS * 3
    assert names == sorted(
        [f"updated by {i}" for i in range(THREADS)]
        + [str(i * 4 + 3) for i in range(THREADS)]
        + [f"made by {i}" for i in range(THREADS)]
    )


def test_concurrent_coroutines_on_the_async_client_lose_nothing(fake_voice: FakeVoice) -> None:
    count = 60

    async def provision() -> list[str]:
        async with AsyncTwilioHttpClient() as http:
            policies = Client(ACCOUNT_SID, "token", http_client=http).voice.v1.connection_policies
            made = await asyncio.gather(
                *(policies.create_async(friendly_name=str(i)) for i in range(count))
            )
            return [p.sid for p in made]

    sids = asyncio.run(provision())

    assert len(set(sids)) == count
    listed = Client(ACCOUNT_SID, "token").voice.v1.connection_policies.list()
    assert sorted(p.sid for p in listed) == sorted(sids)
    assert len(fake_voice.requests) == count + 2  # the creates, then two pages of 50


def test_threads_each_running_an_event_loop_share_one_fake(fake_voice: FakeVoice) -> None:
    async def provision(index: int) -> list[str]:
        async with AsyncTwilioHttpClient() as http:
            policies = Client(ACCOUNT_SID, "token", http_client=http).voice.v1.connection_policies
            made = await asyncio.gather(
                *(policies.create_async(friendly_name=f"{index}-{n}") for n in range(5))
            )
            return [p.sid for p in made]

    per_thread = in_threads(lambda index: asyncio.run(provision(index)))

    sids = [sid for made in per_thread for sid in made]
    assert len(set(sids)) == THREADS * 5
    assert len(fake_voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)) == THREADS * 5


def test_exchanges_read_while_threads_record_them_are_whole_and_none_is_lost(
    fake_voice: FakeVoice,
) -> None:
    """Reading ``voice.requests`` builds the log's entries while other threads add to it;
    every snapshot holds only whole exchanges, never fewer than the one before, and the
    last holds every one."""

    def work(index: int) -> list[int]:
        if index == 0:  # the reader, until it has seen every exchange (or far too often)
            seen = [0]
            while seen[-1] < (THREADS - 1) * EXCHANGES_EACH and len(seen) < 100_000:
                snapshot = fake_voice.requests
                assert all(e.status == 201 and e.json["sid"] for e in snapshot[seen[-1] :])
                seen.append(len(snapshot))
            return seen
        policies = fake_voice.client(ACCOUNT_SID).voice.v1.connection_policies
        for i in range(EXCHANGES_EACH):
            policies.create(friendly_name=f"{index}-{i}")
        return []

    seen = in_threads(work)[0]
    assert seen == sorted(seen)
    names = sorted(e.form["FriendlyName"] for e in fake_voice.requests)
    assert names == sorted(f"{t}-{i}" for t in range(1, THREADS) for i in range(EXCHANGES_EACH))
