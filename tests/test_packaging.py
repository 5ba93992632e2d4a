"""The wheel carries schemas/ and the data files inside the package and registers the fixture
and the command."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.wheel import ROOT, build


def test_the_wheel_ships_every_schema_the_data_files_and_both_entry_points(
    tmp_path: Path,
) -> None:
    wheel = build(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = {str(p.relative_to(ROOT)) for p in (ROOT / "schemas").rglob("*.json")}

    assert {f"fake_voice/{name}" for name in schemas} <= names
    assert len(schemas) > 50
    assert {
        "fake_voice/resources/data/countries.json",
        "fake_voice/cli/data/twilio_voice_operations.json",
    } <= names
    assert not any(name.startswith(("scripts/", "tests/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "fake_voice = fake_voice.plugin" in text
    assert "fake-voice = fake_voice.cli:main" in text
