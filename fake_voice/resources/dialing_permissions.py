"""Voice dialing permissions: which countries an account may ctx, by risk class.

The country list comes from ``fake_voice._countries`` (pycountry, GeoNames, libphonenumber);
what an account changed is kept in its ``extras``, so accounts never see each other's.

Decisions (where Twilio's behaviour is not documented):
- Every country starts with low-risk numbers enabled and both high-risk classes disabled.
- Canada has no entry: Twilio's US entry, "United States/Canada", covers the whole +1 zone
  of both, so ``CA`` is an unknown country (404 on fetch, 400 in a bulk update).
- ``country_codes`` holds the country calling code (``["+44"]``); members of the North
  American zone other than the US (Jamaica, Bermuda...) have their own entry with ``["+1"]``.
- ISO codes are upper case, in paths, filters and bulk updates alike; anything else is a
  400 in a filter and unknown (404) in a path.
- Filters: ``IsoCode`` two letters; ``Continent`` one of AFRICA, ANTARCTICA, ASIA, EUROPE,
  NORTH_AMERICA, OCEANIA, SOUTH_AMERICA; ``CountryCode`` a calling code with or without
  its ``+``; the three booleans ``true``/``false``. Filters combine with AND and lead every
  URL in ``meta``. Page tokens are ``PA``/``PB`` + an ISO code; the list is in ISO order.
- ``UpdateRequest`` must be a non-empty JSON array of objects, each with ``iso_code`` and at
  least one of the three ``*_enabled`` keys, whose values are ``"true"``/``"false"`` (any
  case, as Twilio's example writes them) or JSON ``true``/``false``. Unknown keys (such as
  the older ``low_risk_numbers`` of Twilio's own example), unknown ISO codes and an ISO
  code given twice are refused; one bad element refuses the whole request, naming the
  element by its index from 0, and nothing is applied. Keys left out keep their value.
  The answer echoes the request text and counts the countries updated.
- High-risk special prefixes are empty until a test sets them with
  ``voice.set_high_risk_prefixes(iso_code, [...])``; each must be ``+`` and digits
  starting with the country's calling code. Their page tokens are ``PA``/``PB`` + a prefix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from fake_voice.core.dialect import Listing
from fake_voice.core.errors import TwilioError, bad_request, not_found
from fake_voice.core.operations import Check, Context, Implementation
from fake_voice.core.wire import JSON
from fake_voice.resources._countries import FOLDED_INTO, Country, by_iso_code, countries
from fake_voice.state.store import Account, Store

DEFAULT_FLAGS = {
    "low_risk_numbers_enabled": True,
    "high_risk_special_numbers_enabled": False,
    "high_risk_tollfraud_numbers_enabled": False,
}
FLAGS = tuple(DEFAULT_FLAGS)
UPDATE_KEYS = ("iso_code", *FLAGS)

PERMISSIONS = "dialing_permissions"
"""``extras`` key: ISO code -> the three flags, for every country the account updated."""
PREFIXES = "high_risk_special_prefixes"
"""``extras`` key: ISO code -> the country's high-risk special prefixes, in order."""

# The boolean filters and the flag each one tests.
_FLAG_OF_FILTER = {
    "LowRiskNumbersEnabled": "low_risk_numbers_enabled",
    "HighRiskSpecialNumbersEnabled": "high_risk_special_numbers_enabled",
    "HighRiskTollfraudNumbersEnabled": "high_risk_tollfraud_numbers_enabled",
}
# Every filter, in the order Twilio writes them at the head of the meta URLs.
_FILTERS = ("IsoCode", "Continent", "CountryCode", *_FLAG_OF_FILTER)
_PREFIX = re.compile(r"\+[0-9]{1,15}\Z")


def _country_url(ctx: Context, country: Country) -> str:
    return f"{ctx.base_url}/v1/DialingPermissions/Countries/{country.iso_code}"


def flags_of(account: Account, iso_code: str) -> dict[str, bool]:
    return {**DEFAULT_FLAGS, **account.extras.get(PERMISSIONS, {}).get(iso_code, {})}


def _render(ctx: Context, country: Country) -> dict[str, JSON]:
    url = _country_url(ctx, country)
    return {
        "iso_code": country.iso_code,
        "name": country.name,
        "country_codes": list(country.country_codes),
        "continent": country.continent,
        **flags_of(ctx.account, country.iso_code),
        "url": url,
        "links": {"highrisk_special_prefixes": f"{url}/HighRiskSpecialPrefixes"},
    }


def _path_country(ctx: Context) -> Country:
    found = by_iso_code().get(ctx.path_params["IsoCode"])
    if found is None:
        raise not_found(ctx.path)
    return found[1]


def _matches(ctx: Context, country: Country, rendered: dict[str, JSON]) -> bool:
    params = ctx.params
    if "IsoCode" in params and country.iso_code != params["IsoCode"]:
        return False
    if "Continent" in params and country.continent != params["Continent"]:
        return False
    if "CountryCode" in params:
        wanted = "+" + str(params["CountryCode"]).lstrip("+")
        if wanted not in country.country_codes:
            return False
    return all(
        rendered[flag] == params[name] for name, flag in _FLAG_OF_FILTER.items() if name in params
    )


def _echo(value: Any) -> str:
    """A filter's value as the meta URLs repeat it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def list_countries(ctx: Context) -> JSON:
    index = by_iso_code()
    items = []
    for place, country in enumerate(countries()):
        rendered = _render(ctx, country)
        if _matches(ctx, country, rendered):
            items.append((country.iso_code, place, rendered))
    filters = [(name, _echo(ctx.params[name])) for name in _FILTERS if name in ctx.params]

    def position(iso_code: str) -> int | None:
        found = index.get(iso_code)
        return None if found is None else found[0]

    return ctx.page(Listing("content", items, position, lambda item: item, filters))


def fetch_country(ctx: Context) -> JSON:
    return _render(ctx, _path_country(ctx))


def list_prefixes(ctx: Context) -> JSON:
    country = _path_country(ctx)
    prefixes: list[str] = ctx.account.extras.get(PREFIXES, {}).get(country.iso_code, [])
    places = {prefix: place for place, prefix in enumerate(prefixes)}
    items = [(prefix, place, prefix) for prefix, place in places.items()]
    return ctx.page(Listing("content", items, places.get, lambda prefix: {"prefix": prefix}))


def _refuse(reason: str) -> TwilioError:
    return bad_request(f"Invalid value for parameter UpdateRequest: {reason}")


def _flag_value(where: str, key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _refuse(f'{where} {key} must be "true" or "false", not {json.dumps(value)}')


def _parse_update(where: str, item: object, seen: set[str]) -> tuple[str, dict[str, bool]]:
    if not isinstance(item, dict):
        raise _refuse(f"{where} must be a JSON object, not {json.dumps(item)}")
    unknown = [key for key in item if key not in UPDATE_KEYS]
    if unknown:
        raise _refuse(
            f"{where} has the unknown key {unknown[0]}; the keys are {', '.join(UPDATE_KEYS)}"
        )
    iso_code = item.get("iso_code")
    if iso_code is None:
        raise _refuse(f"{where} has no iso_code")
    if not isinstance(iso_code, str) or iso_code not in by_iso_code():
        folded = FOLDED_INTO.get(iso_code) if isinstance(iso_code, str) else None
        hint = f" (it is part of {folded})" if folded else ""
        raise _refuse(f"{where} names the unknown country {json.dumps(iso_code)}{hint}")
    if iso_code in seen:
        raise _refuse(f"{where} names {iso_code} a second time")
    seen.add(iso_code)
    flags = {key: _flag_value(where, key, item[key]) for key in FLAGS if key in item}
    if not flags:
        raise _refuse(f"{where} changes nothing; give at least one of {', '.join(FLAGS)}")
    return iso_code, flags


def parse_update_request(text: str) -> list[tuple[str, dict[str, bool]]]:
    """The updates ``text`` asks for, or Twilio's 400 naming the first fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(
            f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except (ValueError, RecursionError):  # an integer over 4300 digits; nesting too deep
        raise _refuse(
            "is JSON this fake cannot read (too deeply nested, or too long a number)"
        ) from None
    if not isinstance(data, list) or not data:
        raise _refuse("must be a JSON array of at least one update object")
    seen: set[str] = set()
    return [_parse_update(f"element {number}", item, seen) for number, item in enumerate(data)]


def check_update_request(params: Mapping[str, Any], path_params: Mapping[str, str]) -> None:
    parse_update_request(params["UpdateRequest"])


def bulk_update(ctx: Context) -> JSON:
    text: str = ctx.params["UpdateRequest"]
    updates = parse_update_request(text)
    stored = ctx.account.extras.setdefault(PERMISSIONS, {})
    for iso_code, flags in updates:
        stored[iso_code] = {**flags_of(ctx.account, iso_code), **flags}
    return {"update_count": len(updates), "update_request": text}


def set_high_risk_prefixes(
    store: Store, account_sid: str, region: str, iso_code: str, prefixes: Iterable[str]
) -> None:
    """Replace a country's high-risk special prefixes (an empty list clears them)."""
    found = by_iso_code().get(iso_code)
    if found is None:
        raise ValueError(f"{iso_code!r} is not the ISO code of a country with dialing permissions")
    wanted = list(prefixes)
    codes = found[1].country_codes
    for prefix in wanted:
        if not (isinstance(prefix, str) and _PREFIX.match(prefix) and prefix.startswith(codes)):
            raise ValueError(
                f"{prefix!r} is not a prefix of {iso_code}: give '+' and digits starting with "
                f"{' or '.join(codes)}"
            )
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"the prefixes for {iso_code} repeat one: {wanted}")
    with store.lock:
        extras = store.account(account_sid, region).extras
        stored = extras.setdefault(PREFIXES, {})
        if wanted:
            stored[iso_code] = wanted
        else:
            stored.pop(iso_code, None)
            if not stored:
                del extras[PREFIXES]


CHECKS: dict[str, Check] = {
    "CreateDialingPermissionsCountryBulkUpdate": check_update_request,
}
OPERATIONS: dict[str, Implementation] = {
    "ListDialingPermissionsCountry": list_countries,
    "FetchDialingPermissionsCountry": fetch_country,
    "ListDialingPermissionsHrsPrefixes": list_prefixes,
    "CreateDialingPermissionsCountryBulkUpdate": bulk_update,
}
