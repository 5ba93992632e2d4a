"""Voice settings: dialing permissions inheritance, read with GET and changed with POST (202)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID
from tests.refusals import envelope

SETTINGS = f"{BASE}/v1/Settings"


@pytest.fixture
def world(fake_voice: FakeVoice) -> Iterator[None]:
    """Settings changed once for ACCOUNT_SID, and a check after the test that nothing changed."""
    fake_voice.update("Settings", DialingPermissionsInheritance=False, account_sid=ACCOUNT_SID)
    before = fake_voice.export_state()
    yield
    assert fake_voice.export_state() == before


def test_inheritance_is_on_until_the_account_turns_it_off(client: Client) -> None:
    settings = client.voice.v1.dialing_permissions.settings().fetch()

    assert settings.dialing_permissions_inheritance is True
    assert settings.url == SETTINGS


def test_an_update_answers_202_and_later_reads_see_it(
    client: Client, fake_voice: FakeVoice, http: requests.Session
) -> None:
    settings = client.voice.v1.dialing_permissions.settings()

    updated = settings.update(dialing_permissions_inheritance=False)

    assert updated.dialing_permissions_inheritance is False
    exchange = fake_voice.requests[-1]
    assert (exchange.method, exchange.status, exchange.operation) == (
        "POST",
        202,
        "UpdateDialingPermissionsSettings",
    )
    assert exchange.form == {"DialingPermissionsInheritance": "false"}
    assert settings.fetch().dialing_permissions_inheritance is False
    assert http.get(SETTINGS).json() == {
        "dialing_permissions_inheritance": False,
        "url": SETTINGS,
    }
    assert settings.update(dialing_permissions_inheritance=True).dialing_permissions_inheritance
    assert settings.fetch().dialing_permissions_inheritance is True


def test_an_update_without_the_parameter_changes_nothing(
    client: Client, fake_voice: FakeVoice, world: None
) -> None:
    unchanged = client.voice.v1.dialing_permissions.settings().update()

    assert unchanged.dialing_permissions_inheritance is False
    assert fake_voice.requests[-1].status == 202


def test_settings_belong_to_one_account(client: Client, fake_voice: FakeVoice) -> None:
    client.voice.v1.dialing_permissions.settings().update(dialing_permissions_inheritance=False)

    other = Client(OTHER_ACCOUNT_SID, "token").voice.v1.dialing_permissions.settings().fetch()

    assert other.dialing_permissions_inheritance is True
    assert fake_voice.export_state()[ACCOUNT_SID]["extras"] == {
        "settings": {"dialing_permissions_inheritance": False}
    }


def test_inheritance_does_not_change_what_the_countries_say(client: Client) -> None:
    client.voice.v1.dialing_permissions.settings().update(dialing_permissions_inheritance=False)

    us = client.voice.v1.dialing_permissions.countries("US").fetch()

    assert (
        us.low_risk_numbers_enabled,
        us.high_risk_special_numbers_enabled,
        us.high_risk_tollfraud_numbers_enabled,
    ) == (True, False, False)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"DialingPermissionsInheritance": "yes"},
            "Invalid value for parameter DialingPermissionsInheritance: must be true or false",
        ),
        (
            {"DialingPermissionsInheritance": ""},
            "Invalid value for parameter DialingPermissionsInheritance: must be true or false",
        ),
        (
            {"DialingPermissionsInheritance": ["true", "false"]},
            "Parameter DialingPermissionsInheritance was given 2 times in the post body",
        ),
    ],
)
def test_a_bad_update_gets_400_and_changes_nothing(
    http: requests.Session, world: None, form: dict[str, object], message: str
) -> None:
    response = http.post(SETTINGS, data=form)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_methods_twilio_does_not_serve_get_405(
    http: requests.Session, world: None, method: str
) -> None:
    response = http.request(method, SETTINGS)

    assert response.status_code == 405
    assert response.json() == envelope(405, 20004, "Method not allowed")
    assert response.headers["Allow"] == "GET, POST"
