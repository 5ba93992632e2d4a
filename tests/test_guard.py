"""The network guard: ``fake_voice_guard = true`` or ``--fake-voice-guard``.

A consumer's suite runs in pytester; a proxy on loopback (``HTTPS_PROXY``) would see any
request that left the process, and sees none.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from aiohttp import ClientSession

import fake_voice

pytest_plugins = ["pytester"]

CONSUMER = """
import asyncio
import urllib.request

import pytest
import requests
from aiohttp import ClientConnectionError
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

import fake_voice

ACCOUNT = "AC" + "1" * 32


def test_sync_client_without_the_fixture():
    Client(ACCOUNT, "token").voice.v1.connection_policies.create(friendly_name="x")


def test_async_client_without_the_fixture():
    async def create():
        async with AsyncTwilioHttpClient() as http:
            client = Client(ACCOUNT, "token", http_client=http)
            await client.voice.v1.connection_policies.create_async()

    asyncio.run(create())


def test_another_twilio_host_without_the_fixture():
    requests.get("https://api.twilio.com/2010-04-01/Accounts.json", timeout=5)


def test_urllib_without_the_fixture():
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy: see README
    direct.open("https://voice.twilio.com/v1/ConnectionPolicies", timeout=5)


def test_a_swallowed_refusal_still_fails():
    try:
        requests.get("https://voice.twilio.com/v1/ConnectionPolicies", timeout=5)
    except requests.ConnectionError:
        pass


def test_with_the_fixture(fake_voice):
    policy = Client(ACCOUNT, "token").voice.v1.connection_policies.create(friendly_name="x")
    fetched = fake_voice.fetch(f"ConnectionPolicies/{policy.sid}", account_sid=ACCOUNT)
    assert fetched["friendly_name"] == "x"


def test_with_a_mock_of_its_own():
    with fake_voice.mock() as voice:
        Client(ACCOUNT, "token").voice.v1.connection_policies.create()
    assert len(voice.requests) == 1


def test_other_hosts_are_left_alone():
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get("http://127.0.0.1:9/", timeout=5)
    assert "fake_voice" not in str(caught.value)
"""

OUTCOMES = {"passed": 3, "failed": 5}


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A listening socket every client is told to use as its proxy: nothing may reach it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    yield listener
    with pytest.raises(BlockingIOError):
        listener.accept()  # no request left the process, not even for the proxy
    listener.close()


def check_outcome(result: pytest.RunResult) -> None:
    result.assert_outcomes(**OUTCOMES)
    out = result.stdout.str()
    host_advice = (
        "this test uses no fake, so it would reach the real {host}; ask for the `fake_voice` "
        "fixture"
    )
    for host in ("voice.twilio.com", "api.twilio.com"):
        assert host_advice.format(host=host) in out
    assert "fake_voice guard stopped POST https://voice.twilio.com/v1/ConnectionPolicies" in out
    assert "requests.exceptions.ConnectionError: fake_voice guard stopped" in out
    assert "aiohttp.client_exceptions.ClientConnectionError: fake_voice guard stopped" in out
    assert "fake_voice guard stopped a connection to voice.twilio.com" in out
    assert "fake_voice guard: this test tried to reach Twilio without a fake:" in out
    assert "  GET https://voice.twilio.com/v1/ConnectionPolicies" in out


def test_the_command_line_flag_guards_every_test(
    pytester: pytest.Pytester, proxy: socket.socket
) -> None:
    pytester.makepyfile(test_consumer=CONSUMER)
    result = pytester.runpytest("--fake-voice-guard", "-p", "no:cacheprovider")
    check_outcome(result)


def test_the_ini_option_guards_every_test(pytester: pytest.Pytester, proxy: socket.socket) -> None:
    pytester.makeini("[pytest]\nfake_voice_guard = true\n")
    pytester.makepyfile(test_consumer=CONSUMER)
    result = pytester.runpytest("-p", "no:cacheprovider")
    check_outcome(result)


def test_the_guard_is_off_by_default_and_leaves_nothing_patched(pytester: pytest.Pytester) -> None:
    before = (socket.getaddrinfo, ClientSession.__dict__["_request"])
    unguarded = pytester.makepyfile(
        """
        import socket

        from aiohttp import ClientSession

        def test_nothing_is_patched():
            assert socket.getaddrinfo.__module__ == "socket"
            assert ClientSession.__dict__["_request"].__module__.startswith("aiohttp")
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    unguarded.unlink()
    pytester.makepyfile(test_consumer=CONSUMER)
    pytester.runpytest("--fake-voice-guard", "-p", "no:cacheprovider").assert_outcomes(**OUTCOMES)
    assert (socket.getaddrinfo, ClientSession.__dict__["_request"]) == before


def test_every_started_fake_answers_before_the_guard_whenever_it_started() -> None:
    from fake_voice.intercept.guard import Guard

    url = "https://voice.twilio.com/v1/ConnectionPolicies"
    auth = ("AC" + "1" * 32, "token")
    early = fake_voice.mock().start()
    try:
        with Guard() as guard:
            assert requests.post(url, auth=auth).status_code == 201  # started before
            early.stop()
            with pytest.raises(requests.ConnectionError, match="fake_voice guard stopped POST"):
                requests.post(url, auth=auth)
            with fake_voice.mock() as late:
                assert requests.get(url, auth=auth).status_code == 200
            assert [e.status for e in late.requests] == [200]
    finally:
        early.stop()
    assert [e.status for e in early.requests] == [201]
    assert guard.refused == [f"POST {url}"]
