"""The official async client (AsyncTwilioHttpClient, aiohttp underneath) against the fake.

Every test runs its coroutine with asyncio.run, as a script would; the fake comes from the
same fixture and context manager as for the sync client, and the two share one state.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE

T = TypeVar("T")
POLICIES = f"{BASE}/v1/ConnectionPolicies"
SID = re.compile(r"NY[0-9a-f]{32}\Z")


def run(main: Callable[[Client], Awaitable[T]], **client_options: Any) -> T:
    """Run ``main`` with an official client on AsyncTwilioHttpClient, closing it after."""

    async def with_client() -> T:
        async with AsyncTwilioHttpClient() as http:
            return await main(Client(ACCOUNT_SID, "token", http_client=http, **client_options))

    return asyncio.run(with_client())


def test_create_fetch_update_delete_async_share_state_with_the_sync_client(
    fake_voice: FakeVoice, client: Client
) -> None:
    async def create(aclient: Client) -> str:
        policy = await aclient.voice.v1.connection_policies.create_async(friendly_name="edge")
        return str(policy.sid)

    sid = run(create)
    assert SID.match(sid)
    assert client.voice.v1.connection_policies(sid).fetch().friendly_name == "edge"
    client.voice.v1.connection_policies(sid).update(friendly_name="sync edit")

    async def read_update_delete(aclient: Client) -> tuple[str, str, bool]:
        policies = aclient.voice.v1.connection_policies
        fetched = await policies(sid).fetch_async()
        updated = await policies(sid).update_async(friendly_name="async edit")
        deleted = await policies(sid).delete_async()
        return fetched.friendly_name, updated.friendly_name, deleted

    assert run(read_update_delete) == ("sync edit", "async edit", True)
    assert client.voice.v1.connection_policies.list() == []
    assert [(e.method, e.operation, e.status) for e in fake_voice.requests] == [
        ("POST", "CreateConnectionPolicy", 201),
        ("GET", "FetchConnectionPolicy", 200),
        ("POST", "UpdateConnectionPolicy", 200),
        ("GET", "FetchConnectionPolicy", 200),
        ("POST", "UpdateConnectionPolicy", 200),
        ("DELETE", "DeleteConnectionPolicy", 204),
        ("GET", "ListConnectionPolicy", 200),
    ]
    assert fake_voice.requests[0].form == {"FriendlyName": "edge"}
    assert fake_voice.requests[0].headers["Authorization"] == "[redacted]"
    assert fake_voice.requests[0].account_sid == ACCOUNT_SID


def test_list_stream_and_pages_async_follow_twilios_page_tokens(
    fake_voice: FakeVoice, client: Client
) -> None:
    sids = [client.voice.v1.connection_policies.create(friendly_name=f"p{i}").sid for i in range(5)]

    async def read(aclient: Client) -> tuple[list[str], list[str], list[str], list[str]]:
        policies = aclient.voice.v1.connection_policies
        listed = [p.sid for p in await policies.list_async(page_size=2)]
        streamed = [p.sid async for p in await policies.stream_async(page_size=2, limit=3)]
        first = await policies.page_async(page_size=2)
        second = await first.next_page_async()
        return listed, streamed, [p.sid for p in first], [p.sid for p in second]

    listed, streamed, first, second = run(read)

    assert listed == sids
    assert streamed == sids[:3]
    assert (first, second) == (sids[:2], sids[2:4])
    list_urls = [e.url for e in fake_voice.requests if e.operation == "ListConnectionPolicy"]
    assert list_urls[:3] == [
        f"{POLICIES}?PageSize=2",
        f"{POLICIES}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
        f"{POLICIES}?PageSize=2&Page=2&PageToken=PA{sids[3]}",
    ]


def test_targets_async_under_a_policy_made_by_the_sync_client(
    fake_voice: FakeVoice, client: Client
) -> None:
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    async def add(aclient: Client) -> list[tuple[str, int, bool]]:
        targets = aclient.voice.v1.connection_policies(policy.sid).targets
        await targets.create_async(target="sip:a@example.com", priority=5, enabled=False)
        await targets.create_async(target="sip:b@example.com")
        return [(t.target, t.priority, t.enabled) for t in await targets.list_async()]

    assert run(add) == [("sip:a@example.com", 5, False), ("sip:b@example.com", 10, True)]
    assert fake_voice.requests[0].form == {"FriendlyName": "edge"}
    assert fake_voice.requests[1].form == {
        "Target": "sip:a@example.com",
        "Priority": "5",
        "Enabled": "false",
    }


def test_response_headers_reach_the_async_client(fake_voice: FakeVoice) -> None:
    async def create(aclient: Client) -> tuple[int, str, str]:
        info = await aclient.voice.v1.connection_policies.create_with_http_info_async()
        return info.status_code, info.headers["Content-Type"], info.headers["Twilio-Request-Id"]

    status, content_type, request_id = run(create)

    assert (status, content_type) == (201, "application/json; charset=utf-8")
    assert fake_voice.requests[0].response_headers["Twilio-Request-Id"] == request_id


def test_errors_raise_twilio_rest_exception_and_change_nothing(fake_voice: FakeVoice) -> None:
    policy = fake_voice.create("ConnectionPolicies", FriendlyName="p", account_sid=ACCOUNT_SID)
    before = fake_voice.export_state()

    async def fail(aclient: Client) -> list[TwilioRestException]:
        policies = aclient.voice.v1.connection_policies
        caught = []
        for attempt in (
            policies("NY" + "0" * 32).fetch_async(),
            policies(policy["sid"]).targets.create_async(target="sip:a@b.com", priority=65536),
        ):
            with pytest.raises(TwilioRestException) as error:
                await attempt
            caught.append(error.value)
        return caught

    missing, invalid = run(fail)

    assert (missing.status, missing.code) == (404, 20404)
    assert missing.msg == (
        f"Unable to fetch record: The requested resource /ConnectionPolicies/{'NY' + '0' * 32} "
        "was not found"
    )
    assert (invalid.status, invalid.code) == (400, 20001)
    assert invalid.msg == (
        "Unable to create record: "
        "Invalid value for parameter Priority: must be a whole number from 0 to 65535"
    )
    assert fake_voice.export_state() == before


@pytest.mark.fake_voice(auth_tokens={ACCOUNT_SID: "right"})
def test_the_async_client_is_authenticated_like_the_sync_one(fake_voice: FakeVoice) -> None:
    async def create(aclient: Client) -> TwilioRestException:
        with pytest.raises(TwilioRestException) as error:
            await aclient.voice.v1.connection_policies.create_async()
        return error.value

    refused = run(create)  # run() signs in with "token"

    assert (refused.status, refused.code) == (401, 20003)
    assert fake_voice.export_state() == {}


def test_regional_hosts_are_served_to_the_async_client(fake_voice: FakeVoice) -> None:
    async def create(aclient: Client) -> str:
        return str((await aclient.voice.v1.connection_policies.create_async()).url)

    url = run(create, region="au1", edge="sydney")

    assert url.startswith("https://voice.sydney.au1.twilio.com/v1/ConnectionPolicies/NY")
    assert fake_voice.requests[0].url == "https://voice.sydney.au1.twilio.com/v1/ConnectionPolicies"


@pytest.mark.parametrize(
    "url",
    ["https://api.twilio.com/2010-04-01/Accounts.json", "https://voice-evil.twilio.com/v1/x"],
)
def test_other_twilio_hosts_are_refused_with_a_connection_error(
    fake_voice: FakeVoice, url: str
) -> None:
    async def get() -> None:
        async with aiohttp.ClientSession() as session:
            await session.get(url)

    with pytest.raises(aiohttp.ClientConnectionError) as refused:
        asyncio.run(get())

    host = url.split("/")[2]
    assert str(refused.value).startswith(f"fake_voice refused GET https://{host}/")
    assert "serves only voice.twilio.com" in str(refused.value)
    assert fake_voice.requests == []


def test_a_raw_aiohttp_session_gets_a_real_client_response(fake_voice: FakeVoice) -> None:
    async def exchange() -> tuple[int, str, dict[str, Any], bytes, int]:
        auth = aiohttp.BasicAuth(ACCOUNT_SID, "token")
        async with aiohttp.ClientSession(auth=auth) as session:
            async with session.post(POLICIES, data={"FriendlyName": "raw"}) as created:
                body = await created.json()
                streamed = await created.content.read()
            with pytest.raises(aiohttp.ClientResponseError) as missing:
                await session.get(f"{POLICIES}/{'NY' + '0' * 32}", raise_for_status=True)
            return created.status, created.reason or "", body, streamed, missing.value.status

    status, reason, body, streamed, missing_status = asyncio.run(exchange())

    assert (status, reason) == (201, "Created")
    assert body["friendly_name"] == "raw"
    assert streamed == fake_voice.requests[0].response_body
    assert missing_status == 404
    assert [e.status for e in fake_voice.requests] == [201, 404]


@asynccontextmanager
async def loopback_app() -> AsyncIterator[str]:
    """A real aiohttp server on 127.0.0.1 that answers GET / with 'loopback'."""

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="loopback")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


def test_other_hosts_pass_through_to_the_network(fake_voice: FakeVoice) -> None:
    async def get() -> str:
        async with loopback_app() as url, aiohttp.ClientSession() as session:
            return await (await session.get(url)).text()

    assert asyncio.run(get()) == "loopback"
    assert fake_voice.requests == []


def test_a_session_made_before_the_fake_started_is_intercepted_until_it_stops() -> None:
    original = aiohttp.ClientSession._request

    async def scenario() -> tuple[int, int]:
        async with aiohttp.ClientSession() as session:
            with fake_voice.mock() as voice:
                assert aiohttp.ClientSession._request is not original
                response = await session.post(POLICIES, auth=aiohttp.BasicAuth(ACCOUNT_SID, "t"))
            assert aiohttp.ClientSession._request is original
            return response.status, len(voice.requests)

    assert asyncio.run(scenario()) == (201, 1)


def test_the_newest_of_two_active_fakes_answers_as_with_requests() -> None:
    outer, inner = fake_voice.mock(), fake_voice.mock()

    async def create(aclient: Client) -> None:
        await aclient.voice.v1.connection_policies.create_async()

    with outer:
        with inner:
            run(create)
        run(create)

    assert (len(outer.requests), len(inner.requests)) == (1, 1)


def test_the_decorator_covers_async_test_functions() -> None:
    voice = fake_voice.mock()

    @voice
    async def provision() -> str:
        async with AsyncTwilioHttpClient() as http:
            aclient = Client(ACCOUNT_SID, "t", http_client=http)
            return str((await aclient.voice.v1.connection_policies.create_async()).sid)

    sid = asyncio.run(provision())

    assert [r["sid"] for r in voice.list_all("ConnectionPolicies", account_sid=ACCOUNT_SID)] == [
        sid
    ]


@pytest.mark.fake_voice(assert_all_faults_fired=False)
@pytest.mark.parametrize(
    ("error", "raised"),
    [("connection", aiohttp.ClientConnectionError), ("timeout", asyncio.TimeoutError)],
)
def test_injected_transport_faults_fail_as_aiohttp_fails(
    fake_voice: FakeVoice, error: str, raised: type[Exception]
) -> None:
    fake_voice.fail("CreateConnectionPolicy", error=error)  # type: ignore[arg-type]

    async def create(aclient: Client) -> str:
        with pytest.raises(raised):
            await aclient.voice.v1.connection_policies.create_async()
        return str((await aclient.voice.v1.connection_policies.create_async()).sid)

    sid = run(create)

    assert (
        fake_voice.export_state()[ACCOUNT_SID]["collections"]["connection_policies"][0]["sid"]
        == sid
    )


def test_the_retrying_async_client_retries_twilio_errors_until_one_succeeds(
    fake_voice: FakeVoice,
) -> None:
    fake_voice.fail("CreateConnectionPolicy", status=503, times=2)

    async def create() -> str:
        async with AsyncTwilioHttpClient(max_retries=3) as http:
            aclient = Client(ACCOUNT_SID, "token", http_client=http)
            return str((await aclient.voice.v1.connection_policies.create_async()).sid)

    sid = asyncio.run(create())

    assert [e.status for e in fake_voice.requests] == [503, 503, 201]
    assert fake_voice.requests[-1].json["sid"] == sid


def test_without_aiohttp_the_fake_runs_and_patches_nothing() -> None:
    script = """
import sys
sys.modules["aiohttp"] = None  # what an environment without aiohttp looks like to imports
import fake_voice
import requests
with fake_voice.mock() as voice:
    response = requests.post(
        "https://voice.twilio.com/v1/ConnectionPolicies", auth=("AC" + "1" * 32, "t")
    )
adapter = "fake_voice.intercept.aiohttp_adapter"
print(response.status_code, len(voice.requests), adapter in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert result.stdout == "201 1 False\n"
