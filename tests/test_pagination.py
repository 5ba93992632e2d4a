"""List pages: Twilio's meta object, URL forms, tokens, and the client's list/stream/page."""

from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from fake_voice import FakeVoice, mock
from tests.conftest import ACCOUNT_SID, BASE

LIST = f"{BASE}/v1/ConnectionPolicies"


def make(fake_voice: FakeVoice, count: int) -> list[str]:
    return [
        fake_voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT_SID)[
            "sid"
        ]
        for i in range(count)
    ]


def test_the_first_page_has_twilios_exact_meta(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    sids = make(fake_voice, 3)

    body = http.get(LIST, params={"PageSize": 2}).json()

    assert [p["sid"] for p in body["connection_policies"]] == sids[:2]
    assert body["meta"] == {
        "first_page_url": f"{LIST}?PageSize=2&Page=0",
        "key": "connection_policies",
        "next_page_url": f"{LIST}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
        "page": 0,
        "page_size": 2,
        "previous_page_url": None,
        "url": f"{LIST}?PageSize=2&Page=0",
    }


def test_the_next_page_follows_the_token(fake_voice: FakeVoice, http: requests.Session) -> None:
    sids = make(fake_voice, 3)
    first = http.get(LIST, params={"PageSize": 2}).json()

    second = http.get(first["meta"]["next_page_url"]).json()

    assert [p["sid"] for p in second["connection_policies"]] == sids[2:]
    assert second["meta"] == {
        "first_page_url": f"{LIST}?PageSize=2&Page=0",
        "key": "connection_policies",
        "next_page_url": None,
        "page": 1,
        "page_size": 2,
        "previous_page_url": f"{LIST}?PageSize=2&Page=0&PageToken=PB{sids[2]}",
        "url": f"{LIST}?PageSize=2&Page=1&PageToken=PA{sids[1]}",
    }
    previous = http.get(second["meta"]["previous_page_url"]).json()
    assert [p["sid"] for p in previous["connection_policies"]] == sids[:2]


def test_default_page_size_is_50_and_an_empty_list_has_no_next_page(
    http: requests.Session,
) -> None:
    body = http.get(LIST).json()

    assert body["connection_policies"] == []
    assert body["meta"]["page_size"] == 50
    assert body["meta"]["url"] == f"{LIST}?PageSize=50&Page=0"
    assert body["meta"]["next_page_url"] is None


def test_a_full_last_page_has_no_next_page(fake_voice: FakeVoice, http: requests.Session) -> None:
    make(fake_voice, 4)

    second = http.get(http.get(LIST, params={"PageSize": 2}).json()["meta"]["next_page_url"])

    assert len(second.json()["connection_policies"]) == 2
    assert second.json()["meta"]["next_page_url"] is None


def test_pages_stay_right_when_records_change_between_fetches(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    sids = make(fake_voice, 4)
    first = http.get(LIST, params={"PageSize": 2}).json()
    # The last record of the first page and a record before it vanish; a new one appears.
    fake_voice.delete(f"ConnectionPolicies/{sids[1]}", account_sid=ACCOUNT_SID)
    fake_voice.delete(f"ConnectionPolicies/{sids[0]}", account_sid=ACCOUNT_SID)
    added = make(fake_voice, 1)

    second = http.get(first["meta"]["next_page_url"]).json()

    assert [p["sid"] for p in second["connection_policies"]] == sids[2:4]
    third = http.get(second["meta"]["next_page_url"]).json()
    assert [p["sid"] for p in third["connection_policies"]] == added


def test_page_without_token_is_an_offset(fake_voice: FakeVoice, http: requests.Session) -> None:
    sids = make(fake_voice, 5)

    body = http.get(LIST, params={"PageSize": 2, "Page": 2}).json()

    assert [p["sid"] for p in body["connection_policies"]] == sids[4:]
    assert body["meta"]["page"] == 2


def test_the_client_lists_streams_and_limits(fake_voice: FakeVoice, client: Client) -> None:
    sids = make(fake_voice, 7)

    assert [p.sid for p in client.voice.v1.connection_policies.list(page_size=3)] == sids
    assert [p.sid for p in client.voice.v1.connection_policies.stream(page_size=2)] == sids
    assert [p.sid for p in client.voice.v1.connection_policies.list(limit=4)] == sids[:4]
    assert fake_voice.requests[-1].query == {"PageSize": "4"}


def test_the_client_pages_forward_and_back(fake_voice: FakeVoice, client: Client) -> None:
    sids = make(fake_voice, 5)

    page = client.voice.v1.connection_policies.page(page_size=2)
    second = page.next_page()
    third = second.next_page()

    assert [p.sid for p in page] == sids[:2]
    assert [p.sid for p in second] == sids[2:4]
    assert [p.sid for p in third] == sids[4:]
    assert third.next_page() is None
    assert [p.sid for p in third.previous_page()] == sids[2:4]


def test_page_urls_use_the_host_the_client_called(fake_voice: FakeVoice) -> None:
    make(fake_voice, 3)
    client = Client(ACCOUNT_SID, "token", edge="sydney", region="us1")

    listed = client.voice.v1.connection_policies.list(page_size=2)

    assert len(listed) == 3
    assert fake_voice.requests[-1].url.startswith("https://voice.sydney.us1.twilio.com/")
    assert (
        fake_voice.requests[-2]
        .json["meta"]["next_page_url"]
        .startswith(
            "https://voice.sydney.us1.twilio.com/v1/ConnectionPolicies?PageSize=2&Page=1&PageToken=PA"
        )
    )


def test_a_page_size_over_1000_is_capped_by_default(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    make(fake_voice, 2)

    body = http.get(LIST, params={"PageSize": 5000}).json()

    assert body["meta"]["page_size"] == 1000
    assert body["meta"]["url"] == f"{LIST}?PageSize=1000&Page=0"


def test_a_page_size_over_1000_can_be_refused() -> None:
    with mock(page_size_over_limit="reject") as voice:
        response = requests.get(LIST, params={"PageSize": 1001}, auth=(ACCOUNT_SID, "t"))
        assert response.status_code == 400
        assert response.json()["code"] == 20001
        assert response.json()["message"] == (
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000"
        )
        assert voice.requests[-1].status == 400


@pytest.mark.parametrize(
    "token", ["PAnot-a-sid", "PA" + "NY" + "0" * 32, "XX" + "NY" + "0" * 32, "", "PB"]
)
def test_an_unknown_page_token_is_invalid(
    fake_voice: FakeVoice, http: requests.Session, token: str
) -> None:
    make(fake_voice, 2)

    response = http.get(LIST, params={"PageToken": token})

    assert response.status_code == 400
    assert response.json() == {
        "code": 21481,
        "message": "Invalid PageToken",
        "more_info": "https://www.twilio.com/docs/errors/21481",
        "status": 400,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"PageSize": "0"},
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        (
            {"PageSize": "ten"},
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        ({"Page": "-1"}, "Invalid value for parameter Page: must be a whole number of at least 0"),
        ({"Page": "1.5"}, "Invalid value for parameter Page: must be a whole number of at least 0"),
    ],
)
def test_bad_paging_parameters_are_400(
    http: requests.Session, params: dict[str, str], message: str
) -> None:
    response = http.get(LIST, params=params)

    assert (response.status_code, response.json()["code"]) == (400, 20001)
    assert response.json()["message"] == message


def test_a_failed_list_page_raises_twilio_exception(fake_voice: FakeVoice) -> None:
    client = Client("SK" + "9" * 32, "secret", ACCOUNT_SID)  # an API key nobody mapped

    with pytest.raises(TwilioException) as caught:
        client.voice.v1.connection_policies.list()

    assert type(caught.value) is TwilioException  # not TwilioRestException, as against Twilio
    assert caught.value.args[0] == "Unable to fetch page"
    assert caught.value.args[1].status_code == 401
