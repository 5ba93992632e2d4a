"""A consumer's suite using the fixture runs in parallel pytest-xdist workers, safely.

Each worker is its own process with its own fakes: tests see only the state they made,
seeded SIDs are the same on every worker, and the sync, async and direct clients all work.
"""

from __future__ import annotations

import re

import pytest

import fake_voice

pytest_plugins = ["pytester"]

CONSUMER_TESTS = """
import asyncio

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

ACCOUNT = "AC" + "1" * 32


@pytest.mark.parametrize("count", range(1, 13))
def test_each_test_sees_only_its_own_policies(fake_voice, count):
    policies = Client(ACCOUNT, "token").voice.v1.connection_policies
    made = [policies.create(friendly_name=str(n)).sid for n in range(count)]
    assert [p.sid for p in policies.list()] == made


@pytest.mark.parametrize("run", range(4))
@pytest.mark.fake_voice(seed=7)
def test_seeded_sids_repeat_on_every_worker(fake_voice, run):
    assert Client(ACCOUNT, "token").voice.v1.connection_policies.create().sid == "{seeded}"


def test_the_async_client_works_in_a_worker(fake_voice):
    async def create():
        async with AsyncTwilioHttpClient() as http:
            client = Client(ACCOUNT, "token", http_client=http)
            return (await client.voice.v1.connection_policies.create_async()).sid

    sid = asyncio.run(create())
    listed = fake_voice.list_all("ConnectionPolicies", account_sid=ACCOUNT)
    assert [record["sid"] for record in listed] == [sid]


def test_the_direct_client_works_in_a_worker(fake_voice):
    sid = fake_voice.client(ACCOUNT).voice.v1.connection_policies.create().sid
    assert Client(ACCOUNT, "token").voice.v1.connection_policies(sid).fetch().sid == sid
"""


def test_a_consumer_suite_passes_in_two_xdist_workers(pytester: pytest.Pytester) -> None:
    seeded = fake_voice.mock(seed=7).create("ConnectionPolicies")["sid"]
    pytester.makepyfile(test_consumer=CONSUMER_TESTS.replace("{seeded}", seeded))

    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "-v")

    result.assert_outcomes(passed=18)
    passed = re.compile(r"^\[(gw\d+)\] \[ *\d+%\] PASSED test_consumer", re.MULTILINE)
    passed_on = passed.findall(result.stdout.str())
    assert len(passed_on) == 18
    assert set(passed_on) == {"gw0", "gw1"}
