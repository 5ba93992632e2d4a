"""The wheel carries schemas/ inside the package and registers the fixture and the command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_every_schema_and_both_entry_points(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("fake_voice-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = {str(p.relative_to(ROOT)) for p in (ROOT / "schemas").rglob("*.json")}

    assert {f"fake_voice/{name}" for name in schemas} <= names
    assert len(schemas) > 50
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "fake_voice = fake_voice.plugin" in text
    assert "fake-voice = fake_voice.cli:main" in text
