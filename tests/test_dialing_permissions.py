"""Voice dialing permissions: countries, their filters and pages, prefixes and bulk updates."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pycountry
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE, OTHER_ACCOUNT_SID
from tests.refusals import envelope

COUNTRIES = f"{BASE}/v1/DialingPermissions/Countries"
BULK = f"{BASE}/v1/DialingPermissions/BulkCountryUpdates"
FLAG_KEYS = (
    "low_risk_numbers_enabled",
    "high_risk_special_numbers_enabled",
    "high_risk_tollfraud_numbers_enabled",
)


def isos(records: list[Any]) -> list[str]:
    return [record.iso_code for record in records]


def flags(country: Any) -> tuple[bool, bool, bool]:
    return (
        country.low_risk_numbers_enabled,
        country.high_risk_special_numbers_enabled,
        country.high_risk_tollfraud_numbers_enabled,
    )


def bulk(client: Client, *updates: dict[str, object]) -> Any:
    return client.voice.v1.dialing_permissions.bulk_country_updates.create(
        update_request=json.dumps(list(updates))
    )


@pytest.fixture
def world(fake_voice: FakeVoice) -> Iterator[None]:
    """Some state for ACCOUNT_SID, and a check after the test that nothing changed."""
    fake_voice.create(
        "DialingPermissions/BulkCountryUpdates",
        UpdateRequest='[{"iso_code": "FR", "high_risk_special_numbers_enabled": "true"}]',
        account_sid=ACCOUNT_SID,
    )
    fake_voice.set_high_risk_prefixes("LV", ["+37181"], account_sid=ACCOUNT_SID)
    before = fake_voice.export_state()
    yield
    assert fake_voice.export_state() == before


# -- one country --------------------------------------------------------------------------


def test_the_us_entry_is_twilios_united_states_canada(client: Client) -> None:
    us = client.voice.v1.dialing_permissions.countries("US").fetch()

    assert (us.iso_code, us.name, us.continent, us.country_codes) == (
        "US",
        "United States/Canada",
        "NORTH_AMERICA",
        ["+1"],
    )
    assert flags(us) == (True, False, False)
    assert us.url == f"{COUNTRIES}/US"
    assert us.links == {"highrisk_special_prefixes": f"{COUNTRIES}/US/HighRiskSpecialPrefixes"}


def test_a_fetched_country_has_exactly_twilios_fields(http: requests.Session) -> None:
    response = http.get(f"{COUNTRIES}/GB")

    assert response.status_code == 200
    assert response.json() == {
        "iso_code": "GB",
        "name": "United Kingdom",
        "country_codes": ["+44"],
        "continent": "EUROPE",
        "low_risk_numbers_enabled": True,
        "high_risk_special_numbers_enabled": False,
        "high_risk_tollfraud_numbers_enabled": False,
        "url": f"{COUNTRIES}/GB",
        "links": {"highrisk_special_prefixes": f"{COUNTRIES}/GB/HighRiskSpecialPrefixes"},
    }


@pytest.mark.parametrize(
    ("iso_code", "name", "continent", "calling_code"),
    [
        ("JP", "Japan", "ASIA", "+81"),
        ("BR", "Brazil", "SOUTH_AMERICA", "+55"),
        ("AU", "Australia", "OCEANIA", "+61"),
        ("NG", "Nigeria", "AFRICA", "+234"),
        ("BO", "Bolivia", "SOUTH_AMERICA", "+591"),
        ("RU", "Russian Federation", "EUROPE", "+7"),
        ("KZ", "Kazakhstan", "ASIA", "+7"),
        ("JM", "Jamaica", "NORTH_AMERICA", "+1"),
    ],
)
def test_countries_carry_names_continents_and_calling_codes(
    client: Client, iso_code: str, name: str, continent: str, calling_code: str
) -> None:
    country = client.voice.v1.dialing_permissions.countries(iso_code).fetch()

    assert (country.name, country.continent, country.country_codes) == (
        name,
        continent,
        [calling_code],
    )


@pytest.mark.parametrize("iso_code", ["CA", "XX", "AQ", "us", "USA"])
def test_a_country_without_an_entry_is_404(
    client: Client, http: requests.Session, world: None, iso_code: str
) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.voice.v1.dialing_permissions.countries(iso_code).fetch()
    message = f"The requested resource /DialingPermissions/Countries/{iso_code} was not found"
    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert raised.value.msg == f"Unable to fetch record: {message}"

    response = http.get(f"{COUNTRIES}/{iso_code}")
    assert response.status_code == 404
    assert response.json() == envelope(404, 20404, message)


# -- the list -----------------------------------------------------------------------------


def test_the_list_holds_every_dialable_iso_country_once_in_iso_order(client: Client) -> None:
    listed = isos(client.voice.v1.dialing_permissions.countries.list())

    dialable = {
        country.alpha_2
        for country in pycountry.countries
        if country.alpha_2 in phonenumbers.SUPPORTED_REGIONS
    }
    assert listed == sorted(dialable - {"CA"})


def test_the_iso_code_filter_leads_the_meta_urls(http: requests.Session) -> None:
    body = http.get(COUNTRIES, params={"IsoCode": "US"}).json()

    assert [country["iso_code"] for country in body["content"]] == ["US"]
    # The meta of Twilio's own example for this request, to the character.
    assert body["meta"] == {
        "first_page_url": f"{COUNTRIES}?IsoCode=US&PageSize=50&Page=0",
        "key": "content",
        "next_page_url": None,
        "page": 0,
        "page_size": 50,
        "previous_page_url": None,
        "url": f"{COUNTRIES}?IsoCode=US&PageSize=50&Page=0",
    }


def test_the_iso_code_filter_of_a_country_without_an_entry_lists_nothing(
    client: Client,
) -> None:
    assert client.voice.v1.dialing_permissions.countries.list(iso_code="CA") == []


def test_the_continent_filter_keeps_only_that_continent(client: Client) -> None:
    oceania = client.voice.v1.dialing_permissions.countries.list(continent="OCEANIA")

    assert {country.continent for country in oceania} == {"OCEANIA"}
    assert {"AU", "NZ", "FJ", "PG", "WS"} <= set(isos(oceania))
    assert "US" not in isos(oceania)
    assert client.voice.v1.dialing_permissions.countries.list(continent="ANTARCTICA") == []


@pytest.mark.parametrize(
    ("country_code", "expected"),
    [
        ("+44", ["GB", "GG", "IM", "JE"]),
        ("44", ["GB", "GG", "IM", "JE"]),
        ("+7", ["KZ", "RU"]),
        ("+371", ["LV"]),
        ("+999", []),
    ],
)
def test_the_country_code_filter_matches_the_calling_code(
    client: Client, country_code: str, expected: list[str]
) -> None:
    countries = client.voice.v1.dialing_permissions.countries
    assert isos(countries.list(country_code=country_code)) == expected


def test_the_plus_one_zone_lists_the_us_and_its_neighbours_but_not_canada(
    client: Client,
) -> None:
    zone = isos(client.voice.v1.dialing_permissions.countries.list(country_code="+1"))

    assert {"US", "JM", "PR", "BS", "BM", "DO"} <= set(zone)
    assert "CA" not in zone


def test_filters_combine(client: Client) -> None:
    countries = client.voice.v1.dialing_permissions.countries

    assert isos(countries.list(continent="EUROPE", country_code="+7")) == ["RU"]
    assert isos(countries.list(continent="ASIA", country_code="+7")) == ["KZ"]
    assert isos(countries.list(iso_code="GB", continent="EUROPE")) == ["GB"]
    assert countries.list(iso_code="GB", continent="ASIA") == []
    assert isos(countries.list(country_code="+44", low_risk_numbers_enabled=True)) == [
        "GB",
        "GG",
        "IM",
        "JE",
    ]
    assert countries.list(country_code="+44", low_risk_numbers_enabled=False) == []


def test_the_boolean_filters_read_the_defaults(client: Client) -> None:
    countries = client.voice.v1.dialing_permissions.countries
    everything = isos(countries.list())

    assert isos(countries.list(low_risk_numbers_enabled=True)) == everything
    assert countries.list(low_risk_numbers_enabled=False) == []
    assert countries.list(high_risk_special_numbers_enabled=True) == []
    assert countries.list(high_risk_tollfraud_numbers_enabled=True) == []
    assert isos(countries.list(high_risk_tollfraud_numbers_enabled=False)) == everything


def test_filtered_pages_follow_each_other_with_the_filter_kept(
    client: Client, fake_voice: FakeVoice
) -> None:
    countries = client.voice.v1.dialing_permissions.countries
    whole = isos(countries.list(continent="EUROPE", page_size=1000))
    before = len(fake_voice.requests)

    paged = isos(countries.list(continent="EUROPE", page_size=10))

    assert paged == whole
    assert len(whole) > 40
    urls = [exchange.url for exchange in fake_voice.requests[before:]]
    assert len(urls) == (len(whole) + 9) // 10
    assert urls[0] == f"{COUNTRIES}?Continent=EUROPE&PageSize=10"
    for number, url in enumerate(urls[1:], start=1):
        last_before = whole[number * 10 - 1]
        assert url == (
            f"{COUNTRIES}?Continent=EUROPE&PageSize=10&Page={number}&PageToken=PA{last_before}"
        )


def test_a_filtered_page_has_the_filters_first_in_twilios_order(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    fake_voice.create(
        "DialingPermissions/BulkCountryUpdates",
        UpdateRequest=json.dumps(
            [
                {"iso_code": iso, "high_risk_special_numbers_enabled": True}
                for iso in ("DE", "FR", "GB", "IT", "NL")
            ]
        ),
        account_sid=ACCOUNT_SID,
    )
    # Sent in another order and spelling: the meta URLs use Twilio's order and true/false.
    query = "HighRiskSpecialNumbersEnabled=True&Continent=EUROPE&PageSize=2"

    first = http.get(f"{COUNTRIES}?{query}").json()
    second = http.get(first["meta"]["next_page_url"]).json()
    back = http.get(second["meta"]["previous_page_url"]).json()

    lead = f"{COUNTRIES}?Continent=EUROPE&HighRiskSpecialNumbersEnabled=true&PageSize=2"
    assert [c["iso_code"] for c in first["content"]] == ["DE", "FR"]
    assert first["meta"] == {
        "first_page_url": f"{lead}&Page=0",
        "key": "content",
        "next_page_url": f"{lead}&Page=1&PageToken=PAFR",
        "page": 0,
        "page_size": 2,
        "previous_page_url": None,
        "url": f"{lead}&Page=0",
    }
    assert [c["iso_code"] for c in second["content"]] == ["GB", "IT"]
    assert second["meta"]["next_page_url"] == f"{lead}&Page=2&PageToken=PAIT"
    assert second["meta"]["previous_page_url"] == f"{lead}&Page=0&PageToken=PBGB"
    assert [c["iso_code"] for c in back["content"]] == ["DE", "FR"]


def test_a_page_token_may_name_a_country_the_filter_leaves_out(
    http: requests.Session,
) -> None:
    # Tokens position pages in the whole ISO-ordered list: after US comes UY in the Americas.
    body = http.get(
        COUNTRIES, params={"Continent": "SOUTH_AMERICA", "PageSize": 1, "PageToken": "PAUS"}
    ).json()

    assert [c["iso_code"] for c in body["content"]] == ["UY"]


@pytest.mark.parametrize("token", ["PAXX", "PAus", "PA", "XXGB", "GB"])
def test_an_unknown_page_token_is_21481(http: requests.Session, world: None, token: str) -> None:
    response = http.get(COUNTRIES, params={"PageToken": token})

    assert response.status_code == 400
    assert response.json() == envelope(400, 21481, "Invalid PageToken")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"IsoCode": "us"},
            "Invalid value for parameter IsoCode: "
            "must be an ISO 3166-1 alpha-2 country code in upper case, such as US",
        ),
        (
            {"IsoCode": "USA"},
            "Invalid value for parameter IsoCode: "
            "must be an ISO 3166-1 alpha-2 country code in upper case, such as US",
        ),
        (
            {"Continent": "Europe"},
            "Invalid value for parameter Continent: must be one of AFRICA, ANTARCTICA, ASIA, "
            "EUROPE, NORTH_AMERICA, OCEANIA, SOUTH_AMERICA",
        ),
        (
            {"CountryCode": "+0"},
            "Invalid value for parameter CountryCode: must be a country calling code such as +44",
        ),
        (
            {"CountryCode": " 44"},
            "Invalid value for parameter CountryCode: must be a country calling code such as +44",
        ),
        (
            {"CountryCode": "+12345"},
            "Invalid value for parameter CountryCode: must be a country calling code such as +44",
        ),
        (
            {"LowRiskNumbersEnabled": "yes"},
            "Invalid value for parameter LowRiskNumbersEnabled: must be true or false",
        ),
        (
            {"HighRiskSpecialNumbersEnabled": "1"},
            "Invalid value for parameter HighRiskSpecialNumbersEnabled: must be true or false",
        ),
        (
            {"HighRiskTollfraudNumbersEnabled": ""},
            "Invalid value for parameter HighRiskTollfraudNumbersEnabled: must be true or false",
        ),
        (
            {"PageSize": "0"},
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        ({"Page": "-1"}, "Invalid value for parameter Page: must be a whole number of at least 0"),
    ],
)
def test_bad_list_filters_get_400(
    http: requests.Session, world: None, query: dict[str, str], message: str
) -> None:
    response = http.get(COUNTRIES, params=query)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


# -- high-risk special prefixes -----------------------------------------------------------


def test_prefixes_set_by_a_test_are_listed_as_twilio_lists_them(
    fake_voice: FakeVoice, client: Client, http: requests.Session
) -> None:
    fake_voice.set_high_risk_prefixes("LV", ["+37181", "+3719000"], account_sid=ACCOUNT_SID)

    listed = client.voice.v1.dialing_permissions.countries("LV").highrisk_special_prefixes.list()
    body = http.get(f"{COUNTRIES}/LV/HighRiskSpecialPrefixes").json()

    assert [p.prefix for p in listed] == ["+37181", "+3719000"]
    # Twilio's own example of this list, to the character.
    url = f"{COUNTRIES}/LV/HighRiskSpecialPrefixes?PageSize=50&Page=0"
    assert body == {
        "content": [{"prefix": "+37181"}, {"prefix": "+3719000"}],
        "meta": {
            "first_page_url": url,
            "key": "content",
            "next_page_url": None,
            "page": 0,
            "page_size": 50,
            "previous_page_url": None,
            "url": url,
        },
    }


def test_a_country_has_no_prefixes_until_a_test_sets_them(client: Client) -> None:
    country = client.voice.v1.dialing_permissions.countries("GB")
    assert country.highrisk_special_prefixes.list() == []


def test_prefixes_belong_to_one_account(fake_voice: FakeVoice) -> None:
    fake_voice.set_high_risk_prefixes("GB", ["+4470", "+449"], account_sid=ACCOUNT_SID)

    mine = Client(ACCOUNT_SID, "token").voice.v1.dialing_permissions.countries("GB")
    theirs = Client(OTHER_ACCOUNT_SID, "token").voice.v1.dialing_permissions.countries("GB")

    assert [p.prefix for p in mine.highrisk_special_prefixes.list()] == ["+4470", "+449"]
    assert theirs.highrisk_special_prefixes.list() == []


def test_prefixes_page_by_prefix_tokens(
    fake_voice: FakeVoice, client: Client, http: requests.Session
) -> None:
    prefixes = ["+1900", "+1976", "+1809", "+1264"]
    fake_voice.set_high_risk_prefixes("US", prefixes, account_sid=ACCOUNT_SID)
    listing = f"{COUNTRIES}/US/HighRiskSpecialPrefixes"

    first = http.get(listing, params={"PageSize": 3}).json()
    paged = client.voice.v1.dialing_permissions.countries("US").highrisk_special_prefixes.list(
        page_size=3
    )

    assert first["meta"]["next_page_url"] == f"{listing}?PageSize=3&Page=1&PageToken=PA%2B1809"
    assert [p.prefix for p in paged] == prefixes


def test_setting_prefixes_again_replaces_them_and_an_empty_list_clears_them(
    fake_voice: FakeVoice, client: Client
) -> None:
    lv = client.voice.v1.dialing_permissions.countries("LV")
    fake_voice.set_high_risk_prefixes("LV", ["+37181"], account_sid=ACCOUNT_SID)
    fake_voice.set_high_risk_prefixes("LV", ["+3719000"], account_sid=ACCOUNT_SID)
    assert [p.prefix for p in lv.highrisk_special_prefixes.list()] == ["+3719000"]

    fake_voice.set_high_risk_prefixes("LV", [], account_sid=ACCOUNT_SID)

    assert lv.highrisk_special_prefixes.list() == []
    assert ACCOUNT_SID not in fake_voice.export_state()  # nothing left to export


@pytest.mark.parametrize(
    ("iso_code", "prefixes", "message"),
    [
        ("CA", ["+1416"], "'CA' is not the ISO code of a country with dialing permissions"),
        ("LV", ["+4470"], "'+4470' is not a prefix of LV: give '+' and digits starting with +371"),
        ("LV", ["37181"], "'37181' is not a prefix of LV: give '+' and digits starting with +371"),
        ("LV", ["+371 81"], "'+371 81' is not a prefix of LV"),
        ("LV", ["+37181", "+37181"], "the prefixes for LV repeat one: ['+37181', '+37181']"),
    ],
)
def test_the_handle_refuses_bad_prefixes_and_changes_nothing(
    fake_voice: FakeVoice, world: None, iso_code: str, prefixes: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("+", r"\+").replace("[", r"\[")):
        fake_voice.set_high_risk_prefixes(iso_code, prefixes, account_sid=ACCOUNT_SID)


def test_prefixes_of_a_country_without_an_entry_are_404(
    http: requests.Session, world: None
) -> None:
    response = http.get(f"{COUNTRIES}/CA/HighRiskSpecialPrefixes")

    assert response.status_code == 404
    assert response.json() == envelope(
        404,
        20404,
        "The requested resource /DialingPermissions/Countries/CA/HighRiskSpecialPrefixes "
        "was not found",
    )


@pytest.mark.parametrize(
    ("query", "status", "code", "message"),
    [
        (
            {"PageSize": "many"},
            400,
            20001,
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
        ({"PageToken": "PA+4400"}, 400, 21481, "Invalid PageToken"),
    ],
)
def test_bad_prefix_list_queries_get_400(
    http: requests.Session,
    world: None,
    query: dict[str, str],
    status: int,
    code: int,
    message: str,
) -> None:
    response = http.get(f"{COUNTRIES}/LV/HighRiskSpecialPrefixes", params=query)

    assert response.status_code == status
    assert response.json() == envelope(status, code, message)


# -- bulk updates -------------------------------------------------------------------------


def test_a_bulk_update_answers_its_count_and_request(client: Client, fake_voice: FakeVoice) -> None:
    request = json.dumps(
        [
            {
                "iso_code": "GB",
                "low_risk_numbers_enabled": "true",
                "high_risk_special_numbers_enabled": "true",
                "high_risk_tollfraud_numbers_enabled": "false",
            },
            {"iso_code": "FR", "low_risk_numbers_enabled": "false"},
        ]
    )

    result = client.voice.v1.dialing_permissions.bulk_country_updates.create(update_request=request)

    assert (result.update_count, result.update_request) == (2, request)
    exchange = fake_voice.requests[-1]
    assert (exchange.status, exchange.operation) == (
        201,
        "CreateDialingPermissionsCountryBulkUpdate",
    )
    assert exchange.json == {"update_count": 2, "update_request": request}


def test_later_reads_and_filters_see_a_bulk_update(client: Client) -> None:
    countries = client.voice.v1.dialing_permissions.countries
    bulk(
        client,
        {"iso_code": "GB", "high_risk_special_numbers_enabled": "true"},
        {"iso_code": "FR", "low_risk_numbers_enabled": "false"},
        {"iso_code": "NG", "high_risk_tollfraud_numbers_enabled": "true"},
    )

    assert flags(countries("GB").fetch()) == (True, True, False)
    assert flags(countries("FR").fetch()) == (False, False, False)
    assert flags(countries("NG").fetch()) == (True, False, True)
    assert isos(countries.list(low_risk_numbers_enabled=False)) == ["FR"]
    assert isos(countries.list(high_risk_special_numbers_enabled=True)) == ["GB"]
    assert isos(countries.list(high_risk_tollfraud_numbers_enabled=True)) == ["NG"]
    assert isos(countries.list(continent="EUROPE", high_risk_special_numbers_enabled=True)) == [
        "GB"
    ]
    assert countries.list(continent="AFRICA", high_risk_special_numbers_enabled=True) == []
    fr = countries.list(iso_code="FR")[0]
    assert flags(fr) == (False, False, False)


def test_keys_left_out_of_an_update_keep_their_value(client: Client) -> None:
    countries = client.voice.v1.dialing_permissions.countries
    bulk(
        client,
        {
            "iso_code": "GB",
            "low_risk_numbers_enabled": "true",
            "high_risk_special_numbers_enabled": "true",
            "high_risk_tollfraud_numbers_enabled": "true",
        },
    )

    bulk(client, {"iso_code": "GB", "high_risk_tollfraud_numbers_enabled": "false"})

    assert flags(countries("GB").fetch()) == (True, True, False)


def test_json_booleans_and_any_case_of_true_and_false_are_accepted(client: Client) -> None:
    countries = client.voice.v1.dialing_permissions.countries

    result = bulk(
        client,
        {
            "iso_code": "DE",
            "low_risk_numbers_enabled": False,
            "high_risk_special_numbers_enabled": True,
        },
        {"iso_code": "IT", "high_risk_tollfraud_numbers_enabled": "TRUE"},
        {"iso_code": "ES", "low_risk_numbers_enabled": "False"},
    )

    assert result.update_count == 3
    assert flags(countries("DE").fetch()) == (False, True, False)
    assert flags(countries("IT").fetch()) == (True, False, True)
    assert flags(countries("ES").fetch()) == (False, False, False)


def test_bulk_updates_belong_to_one_account(client: Client, fake_voice: FakeVoice) -> None:
    bulk(client, {"iso_code": "GB", "low_risk_numbers_enabled": "false"})
    other = Client(OTHER_ACCOUNT_SID, "token").voice.v1.dialing_permissions.countries

    assert flags(other("GB").fetch()) == (True, False, False)
    assert other.list(low_risk_numbers_enabled=False) == []
    assert isos(
        client.voice.v1.dialing_permissions.countries.list(low_risk_numbers_enabled=False)
    ) == ["GB"]
    assert fake_voice.export_state()[ACCOUNT_SID]["extras"]["dialing_permissions"] == {
        "GB": {
            "low_risk_numbers_enabled": False,
            "high_risk_special_numbers_enabled": False,
            "high_risk_tollfraud_numbers_enabled": False,
        }
    }
    assert OTHER_ACCOUNT_SID not in fake_voice.export_state()


KEYS = (
    "iso_code, low_risk_numbers_enabled, high_risk_special_numbers_enabled, "
    "high_risk_tollfraud_numbers_enabled"
)
FLAGS_LISTED = (
    "low_risk_numbers_enabled, high_risk_special_numbers_enabled, "
    "high_risk_tollfraud_numbers_enabled"
)
GOOD = {"iso_code": "GB", "low_risk_numbers_enabled": "false"}


@pytest.mark.parametrize(
    ("update_request", "reason"),
    [
        ("", "is not valid JSON (Expecting value at line 1 column 1)"),
        ("GB", "is not valid JSON (Expecting value at line 1 column 1)"),
        (
            '[{"iso_code": "GB",}]',
            # The parser's own words, which Python 3.13 made plainer.
            "is not valid JSON (Illegal trailing comma before end of object at line 1 column 19)"
            if sys.version_info >= (3, 13)
            else "is not valid JSON (Expecting property name enclosed in "
            "double quotes at line 1 column 20)",
        ),
        (
            '{"iso_code": "GB", "low_risk_numbers_enabled": "true"}',
            "must be a JSON array of at least one update object",
        ),
        ("[]", "must be a JSON array of at least one update object"),
        ('"[]"', "must be a JSON array of at least one update object"),
        ('["GB"]', 'element 0 must be a JSON object, not "GB"'),
        ('[{"low_risk_numbers_enabled": "true"}]', "element 0 has no iso_code"),
        (
            '[{"iso_code": "XX", "low_risk_numbers_enabled": "true"}]',
            'element 0 names the unknown country "XX"',
        ),
        (
            '[{"iso_code": "CA", "low_risk_numbers_enabled": "true"}]',
            'element 0 names the unknown country "CA" (it is part of US)',
        ),
        (
            '[{"iso_code": "gb", "low_risk_numbers_enabled": "true"}]',
            'element 0 names the unknown country "gb"',
        ),
        (
            '[{"iso_code": 44, "low_risk_numbers_enabled": "true"}]',
            "element 0 names the unknown country 44",
        ),
        # The older spelling in Twilio's own example is refused, not silently ignored.
        (
            '[{"iso_code": "GB", "low_risk_numbers": "Enabled"}]',
            f"element 0 has the unknown key low_risk_numbers; the keys are {KEYS}",
        ),
        (
            '[{"iso_code": "GB", "low_risk_numbers_enabled": "yes"}]',
            'element 0 low_risk_numbers_enabled must be "true" or "false", not "yes"',
        ),
        (
            '[{"iso_code": "GB", "high_risk_special_numbers_enabled": 1}]',
            'element 0 high_risk_special_numbers_enabled must be "true" or "false", not 1',
        ),
        (
            '[{"iso_code": "GB", "high_risk_tollfraud_numbers_enabled": null}]',
            'element 0 high_risk_tollfraud_numbers_enabled must be "true" or "false", not null',
        ),
        ('[{"iso_code": "GB"}]', f"element 0 changes nothing; give at least one of {FLAGS_LISTED}"),
        # One bad element refuses the whole request: GB (element 0) is not applied either.
        (
            json.dumps([GOOD, {"iso_code": "FR", "low_risk_numbers_enabled": "no"}]),
            'element 1 low_risk_numbers_enabled must be "true" or "false", not "no"',
        ),
        (
            json.dumps([GOOD, {"iso_code": "DE", "low_risk_numbers_enabled": "true"}, GOOD]),
            "element 2 names GB a second time",
        ),
        # What Python's json cannot read is a 400 too, never an exception in the fake.
        (
            "[" * 100_000,
            "is JSON this fake cannot read (too deeply nested, or too long a number)",
        ),
        (
            '[{"iso_code": "GB", "low_risk_numbers_enabled": ' + "1" * 5000 + "}]",
            "is JSON this fake cannot read (too deeply nested, or too long a number)",
        ),
    ],
)
def test_a_bad_update_request_gets_400_and_applies_nothing(
    http: requests.Session, world: None, update_request: str, reason: str
) -> None:
    response = http.post(BULK, data={"UpdateRequest": update_request})

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, f"Invalid value for parameter UpdateRequest: {reason}"
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Missing required parameter UpdateRequest in the post body"),
        (
            {"UpdateRequest": [json.dumps([GOOD]), json.dumps([GOOD])]},
            "Parameter UpdateRequest was given 2 times in the post body",
        ),
    ],
)
def test_a_bulk_update_without_exactly_one_update_request_gets_400(
    http: requests.Session, world: None, form: dict[str, object], message: str
) -> None:
    response = http.post(BULK, data=form)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


def test_the_client_raises_twilios_error_for_a_bad_update_request(
    client: Client, world: None
) -> None:
    with pytest.raises(TwilioRestException) as raised:
        bulk(client, {"iso_code": "ZZ", "low_risk_numbers_enabled": "true"})

    assert (raised.value.status, raised.value.code) == (400, 20001)
    assert raised.value.msg == (
        "Unable to create record: Invalid value for parameter UpdateRequest: "
        'element 0 names the unknown country "ZZ"'
    )


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("POST", COUNTRIES, "GET"),
        ("DELETE", f"{COUNTRIES}/US", "GET"),
        ("GET", BULK, "POST"),
    ],
)
def test_methods_twilio_does_not_serve_get_405(
    http: requests.Session, world: None, method: str, url: str, allowed: str
) -> None:
    response = http.request(method, url)

    assert response.status_code == 405
    assert response.json() == envelope(405, 20004, "Method not allowed")
    assert response.headers["Allow"] == allowed
