"""Shared test helpers: an official twilio client and a raw HTTP session on the fake.

The ``fake_voice`` fixture itself comes from the package's pytest11 entry point, exactly
as a consumer's suite gets it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from twilio.rest import Client

from fake_voice import Exchange, FakeVoice
from fake_voice.resources import router
from fake_voice.traffic.check import check
from fake_voice.traffic.entries import Recorded

ACCOUNT_SID = "AC" + "1" * 32
OTHER_ACCOUNT_SID = "AC" + "2" * 32
BASE = "https://voice.twilio.com"


@pytest.fixture
def client(fake_voice: FakeVoice) -> Client:
    """The official client, as a user's code builds it."""
    return Client(ACCOUNT_SID, "token")


@pytest.fixture
def http(fake_voice: FakeVoice) -> requests.Session:
    """A plain requests session authenticated as ACCOUNT_SID, for raw or malformed input."""
    session = requests.Session()
    session.auth = (ACCOUNT_SID, "token")
    return session


# -- one source of truth for request rules -----------------------------------------------


def checker_messages(exchange: Exchange, unknown: bool = False) -> list[str]:
    """What ``fake-voice validate`` says of this request were it recorded as accepted
    (``unknown``: as ``validate --unknown-parameters``)."""
    operation = router().operations[str(exchange.operation)]
    recorded = Recorded(
        entry=1,
        method=exchange.method,
        url=exchange.url,
        request_headers=tuple(exchange.headers.items()),
        request_body=exchange.request_body,
        status=operation.status,
        response_headers=(),
        response_body=None,
    )
    findings = check(recorded, frozenset(), unknown).findings
    return [f.message for f in findings if f.part == "request"]


def stateless_refusals(voice: FakeVoice) -> list[Exchange]:
    """The 400s the fake answered by its request rules alone: not by what its state held
    (a referenced record that is missing, a unique name taken), not by an option (PageSize
    with "reject"), not by a header (v3's Idempotency-Key), not by an injected fault."""
    rejecting = voice.options.page_size_over_limit == "reject"
    return [
        exchange
        for exchange in voice.requests
        if exchange.status == 400
        and exchange.fault is None
        and exchange.operation is not None
        and exchange.json["code"] == 20001
        and (message := message_of(exchange)) is not None
        and "was not found" not in message
        and "already exists" not in message
        and "header Idempotency-Key" not in message
        and not (rejecting and "parameter PageSize" in message)
    ]


def message_of(exchange: Exchange) -> str | None:
    """An error's message: v1 and v2's envelope ``message``, v3's problem ``detail``."""
    body = exchange.json
    found = body.get("message") or body.get("detail")
    return None if found is None else str(found)


@pytest.fixture(autouse=True)
def _the_traffic_checker_refuses_what_the_fake_refused(
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    """After every test that used the fixture: each request the fake refused by its rules,
    fed to the traffic checker as if Twilio had accepted it, is refused in the same words."""
    yield
    voice = request.node.funcargs.get("fake_voice")
    if not isinstance(voice, FakeVoice):
        return
    unknown = voice.options.unknown_parameters == "reject"
    for exchange in stateless_refusals(voice):
        message = message_of(exchange)
        found = checker_messages(exchange, unknown)
        assert message in found, (exchange.method, exchange.url, message)
