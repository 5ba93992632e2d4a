"""Every Python example in README.md runs, so the docs cannot rot.

A block that defines ``test_`` functions runs as a test module of its own, in a consumer
project with no conftest (the fixture must come from the entry point); any other block runs
as a script.
"""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp  # noqa: F401
import pytest
import twilio.http.async_http_client  # noqa: F401
import yaml  # noqa: F401

# pytester's in-process runs drop every module first imported during a run. Import what the
# examples use up front, so every example shares one copy of each (PyYAML's C extension,
# for one, breaks when its Python half is imported twice).
import fake_voice.api
import fake_voice.intercept.aiohttp_adapter
import fake_voice.traffic.write  # noqa: F401

# Imported here, so that they outlive each example's in-process pytester run: pytester drops
# the modules a run imported, and a second import of aiohttp or PyYAML (C extensions inside)
# leaves classes that no longer match, so a later example would see unpatched aiohttp or a
# YAML loader without its constructors.
pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_readme_example_runs(number: int, pytester: pytest.Pytester) -> None:
    code = BLOCKS[number]
    tests = len(re.findall(r"^(?:async )?def test_", code, re.MULTILINE))
    if tests:
        pytester.makepyfile(test_readme_example=code)
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=tests)
    else:
        exec(compile(code, f"README.md example {number}", "exec"), {"__name__": "readme"})
