"""Dialing permissions: countries with filters and pages, prefixes, bulk updates, errors."""

from __future__ import annotations

import json

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID


def scenario_countries_filtered_paged_and_bulk_updated(client: Client, voice: FakeVoice) -> None:
    permissions = client.voice.v1.dialing_permissions
    us = permissions.countries("US").fetch()
    assert (us.name, us.country_codes) == ("United States/Canada", ["+1"])

    # Several pages of one continent, the filter kept in every next_page_url.
    europe = permissions.countries.list(continent="EUROPE", page_size=20)
    assert {c.continent for c in europe} == {"EUROPE"} and len(europe) > 40
    assert [c.iso_code for c in permissions.countries.list(country_code="+44")] == [
        "GB",
        "GG",
        "IM",
        "JE",
    ]

    update = json.dumps(
        [
            {
                "iso_code": "GB",
                "low_risk_numbers_enabled": "true",
                "high_risk_special_numbers_enabled": "true",
                "high_risk_tollfraud_numbers_enabled": "false",
            }
        ]
    )
    assert permissions.bulk_country_updates.create(update_request=update).update_count == 1
    special = permissions.countries.list(high_risk_special_numbers_enabled=True)
    assert [c.iso_code for c in special] == ["GB"]

    with pytest.raises(TwilioRestException) as canada:
        permissions.countries("CA").fetch()
    assert (canada.value.status, canada.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as bad:
        permissions.bulk_country_updates.create(update_request='[{"iso_code": "GB"}]')
    assert (bad.value.status, bad.value.code) == (400, 20001)
    with pytest.raises(TwilioException):
        permissions.countries.list(continent="Europe")


def scenario_high_risk_special_prefixes(client: Client, voice: FakeVoice) -> None:
    voice.set_high_risk_prefixes("LV", ["+37181", "+3719000", "+37190"], account_sid=ACCOUNT_SID)
    latvia = client.voice.v1.dialing_permissions.countries("LV")

    listed = latvia.highrisk_special_prefixes.list(page_size=2)
    assert [p.prefix for p in listed] == ["+37181", "+3719000", "+37190"]
    assert (
        client.voice.v1.dialing_permissions.countries("GB").highrisk_special_prefixes.list() == []
    )

    with pytest.raises(TwilioException):
        client.voice.v1.dialing_permissions.countries("CA").highrisk_special_prefixes.list()
