"""``fake-voice --version`` prints the installed version, the one pyproject.toml declares."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import fake_voice


def test_version_prints_the_installed_release_and_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fake_voice.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"fake-voice {version('fake_voice')}\n",
        "",
    )
    assert fake_voice.__version__ == version("fake_voice")
