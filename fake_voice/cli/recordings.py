"""What the subcommands that read recordings share (``validate``, ``replay``): the paths and
hosts they take, and how their report is shown."""

from __future__ import annotations

import argparse
import json
from typing import Any, Protocol


def add_recording_arguments(parser: argparse.ArgumentParser) -> None:
    """The recordings to read, the report's format, and more hosts to take as Voice."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="recordings, or folders searched recursively"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="a readable report (default) or JSON for machines",
    )
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also treat this host as Twilio Voice (a proxy or local server); repeatable",
    )


class _Report(Protocol):
    @property
    def exit_status(self) -> int: ...
    def text(self) -> str: ...
    def as_json(self) -> dict[str, Any]: ...


def show(report: _Report, format: str) -> int:
    """Print ``report`` as ``--format`` asks; its exit status."""
    if format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(report.text(), end="")
    return report.exit_status
