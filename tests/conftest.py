"""Shared test helpers: an official twilio client and a raw HTTP session on the fake.

The ``fake_voice`` fixture itself comes from the package's pytest11 entry point, exactly
as a consumer's suite gets it.
"""

from __future__ import annotations

import pytest
import requests
from twilio.rest import Client

from fake_voice import FakeVoice

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
