"""`make demo` installs the package and the official client only, and says so first."""

from __future__ import annotations

import os
import subprocess
from importlib.metadata import requires

from packaging.requirements import Requirement

from tests.wheel import ROOT


def dry_run(target: str) -> list[str]:
    # Run from `make test` too: the outer make's flags would change what this one prints.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_make_demo_installs_the_demo_extra_and_runs_the_demo() -> None:
    lines = dry_run("demo")

    installs = [line for line in lines if "pip install" in line]
    assert len(installs) == 1
    assert installs[0].endswith("-e '.[demo]'")
    assert lines[0].startswith('echo "make demo: installing fake_voice and the official twilio')
    assert lines[-1] == ".venv/bin/python -m fake_voice.demo"


def test_the_demo_extra_is_the_official_client_alone() -> None:
    declared = [Requirement(line) for line in requires("fake_voice") or []]
    demo = [r for r in declared if r.marker and r.marker.evaluate({"extra": "demo"})]
    runtime = [r.name for r in declared if r.marker is None]

    assert [(r.name, str(r.specifier)) for r in demo] == [("twilio", "<10,>=9")]
    assert sorted(runtime) == ["faker", "h11", "jsonschema", "pytest", "pyyaml", "responses"]
