"""Recorded traffic: read (every format), checked against ``schemas/``, reported, written.

    from fake_voice import traffic

    report = traffic.validate(["tests/cassettes"])   # files or folders
    report.ok, report.violations, report.summary()

    traffic.assert_valid("tests/cassettes/test_targets.yaml")   # in a test

    replayed = traffic.replay(["tests/cassettes"])    # the fake answers each request again
    replayed.ok, replayed.differences, replayed.text()

See ``traffic.validate`` for what is read and checked, ``traffic.replay`` for replaying.
"""

from __future__ import annotations

from fake_voice.traffic.read import MAX_BYTES
from fake_voice.traffic.replay import replay
from fake_voice.traffic.replay_report import Differing, ReplayedFile, ReplayReport
from fake_voice.traffic.report import FileReport, ReadError, Report, Uncovered, Violation
from fake_voice.traffic.validate import assert_valid, validate

__all__ = [
    "MAX_BYTES",
    "Differing",
    "FileReport",
    "ReadError",
    "ReplayReport",
    "ReplayedFile",
    "Report",
    "Uncovered",
    "Violation",
    "assert_valid",
    "replay",
    "validate",
]
