"""Archived calls: seeded through the handle, deleted over the API (204, 404, 400)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID
from tests.refusals import envelope

ARCHIVES = f"{BASE}/v1/Archives"
KEPT = "CA" + "a" * 32
"""Archived under 2021-03-04 for ACCOUNT_SID in ``world``."""


@pytest.fixture
def world(fake_voice: FakeVoice) -> Iterator[None]:
    """One archived call, and a check after the test that nothing changed."""
    fake_voice.add_archived_call("2021-03-04", KEPT, account_sid=ACCOUNT_SID)
    before = fake_voice.export_state()
    yield
    assert fake_voice.export_state() == before


def test_deleting_an_archived_call_answers_204_and_forgets_it(
    client: Client, fake_voice: FakeVoice
) -> None:
    sid = fake_voice.add_archived_call("2021-03-04", account_sid=ACCOUNT_SID)
    other = fake_voice.add_archived_call("2021-03-04", account_sid=ACCOUNT_SID)

    assert client.voice.v1.archived_calls("2021-03-04", sid).delete() is True

    exchange = fake_voice.requests[-1]
    assert (exchange.method, exchange.status, exchange.json) == ("DELETE", 204, None)
    assert exchange.operation == "DeleteArchivedCall"
    assert exchange.path == f"/v1/Archives/2021-03-04/Calls/{sid}"
    extras = fake_voice.export_state()[ACCOUNT_SID]["extras"]
    assert extras == {"archived_calls": {"2021-03-04": [other]}}


def test_the_client_may_name_the_date_as_a_date(client: Client, fake_voice: FakeVoice) -> None:
    sid = fake_voice.add_archived_call(dt.date(2020, 2, 29), account_sid=ACCOUNT_SID)

    assert client.voice.v1.archived_calls(dt.date(2020, 2, 29), sid).delete() is True
    assert ACCOUNT_SID not in fake_voice.export_state()


def test_the_handle_draws_a_call_sid_unless_given_one(fake_voice: FakeVoice) -> None:
    drawn = fake_voice.add_archived_call("2021-03-04")

    assert re.fullmatch(r"CA[0-9a-f]{32}", drawn)
    assert fake_voice.add_archived_call("2021-03-05", KEPT) == KEPT
    extras = fake_voice.export_state()[fake_voice.options.account_sid]["extras"]
    assert extras == {"archived_calls": {"2021-03-04": [drawn], "2021-03-05": [KEPT]}}


def test_a_second_delete_is_404(client: Client, fake_voice: FakeVoice) -> None:
    sid = fake_voice.add_archived_call("2021-03-04", account_sid=ACCOUNT_SID)
    client.voice.v1.archived_calls("2021-03-04", sid).delete()

    with pytest.raises(TwilioRestException) as raised:
        client.voice.v1.archived_calls("2021-03-04", sid).delete()

    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert raised.value.msg == (
        f"Unable to delete record: The requested resource /Archives/2021-03-04/Calls/{sid} "
        "was not found"
    )


@pytest.mark.parametrize(
    ("date", "sid"),
    [
        ("2021-03-05", KEPT),  # archived, but under another date
        ("2021-03-04", "CA" + "b" * 32),  # never archived
        ("2021-03-04", "CA" + "A" * 32),  # SIDs are matched exactly
        ("2021-03-04", "CAnotasid"),  # not a call SID at all
        ("2021-03-04", "NY" + "a" * 32),
    ],
)
def test_a_call_not_archived_under_that_date_is_404(
    http: requests.Session, world: None, date: str, sid: str
) -> None:
    response = http.delete(f"{ARCHIVES}/{date}/Calls/{sid}")

    assert response.status_code == 404
    assert response.json() == envelope(
        404, 20404, f"The requested resource /Archives/{date}/Calls/{sid} was not found"
    )


def test_another_account_cannot_delete_the_call(fake_voice: FakeVoice) -> None:
    fake_voice.add_archived_call("2021-03-04", KEPT, account_sid=ACCOUNT_SID)
    theirs = fake_voice.add_archived_call("2021-03-04", account_sid=OTHER_ACCOUNT_SID)
    before = fake_voice.export_state()
    other = Client(OTHER_ACCOUNT_SID, "token")

    with pytest.raises(TwilioRestException) as raised:
        other.voice.v1.archived_calls("2021-03-04", KEPT).delete()

    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert fake_voice.export_state() == before
    assert other.voice.v1.archived_calls("2021-03-04", theirs).delete() is True
    assert fake_voice.export_state()[ACCOUNT_SID] == before[ACCOUNT_SID]


@pytest.mark.parametrize(
    "date",
    [
        "2021-02-30",
        "2021-13-01",
        "2021-00-10",
        "20210304",
        "2021-3-4",
        "2021-03-04T00:00:00Z",
        "yesterday",
        "0000-01-01",
    ],
)
def test_a_malformed_date_is_400_even_for_an_archived_call(
    http: requests.Session, world: None, date: str
) -> None:
    response = http.delete(f"{ARCHIVES}/{date}/Calls/{KEPT}")

    assert response.status_code == 400
    assert response.json() == envelope(
        400,
        20001,
        "Invalid value for parameter Date: must be a calendar date in the form YYYY-MM-DD",
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_methods_twilio_does_not_serve_get_405(
    http: requests.Session, world: None, method: str
) -> None:
    response = http.request(method, f"{ARCHIVES}/2021-03-04/Calls/{KEPT}")

    assert response.status_code == 405
    assert response.json() == envelope(405, 20004, "Method not allowed")
    assert response.headers["Allow"] == "DELETE"


@pytest.mark.parametrize(
    ("date", "sid", "message"),
    [
        ("2021-02-30", None, "'2021-02-30' is not a calendar date"),
        ("04/03/2021", None, "'04/03/2021' is not a calendar date"),
        ("2021-03-04", "CA123", "'CA123' is not a call SID"),
        ("2021-03-04", KEPT, f"call {KEPT} is already archived under 2021-03-04"),
    ],
)
def test_the_handle_refuses_bad_archived_calls_and_changes_nothing(
    fake_voice: FakeVoice, world: None, date: str, sid: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        fake_voice.add_archived_call(date, sid, account_sid=ACCOUNT_SID)
