"""The README's first command: the demo runs the official client end to end, deterministically."""

from __future__ import annotations

import pytest

from fake_voice import demo


def test_the_demo_prints_the_same_deterministic_run_every_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo.run()
    first = capsys.readouterr().out
    demo.run()

    assert capsys.readouterr().out == first
    lines = first.splitlines()
    assert lines[0].split()[-5:] == [
        "NYab9f01dc2cad988e9e96f7509ea2a536",
        "'edge",
        "routing'",
        "2020-03-18",
        "23:31:36+00:00",
    ]
    assert (
        "HTTP 400 code 20001: Unable to create record: Invalid value for parameter Target" in first
    )
    assert "countries with high-risk on ->               ['United Kingdom']" in first
    assert lines[-21] == "20 requests answered by the fake:"
    assert lines[-1].startswith("  404 GET    /v1/ConnectionPolicies/NY")
