"""``fake-voice coverage``: Twilio's Voice operations against the fake's route table.

Exit status 0 when the fake routes every operation of the description with its success
status, 1 when some are missing, 2 when the description cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fake_voice.coverage import DescriptionError, default_description_path, report

HELP = "List every operation of Twilio's Voice OpenAPI description and whether the fake routes it."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--openapi",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"Twilio's OpenAPI description (default: {default_description_path()})",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="a Markdown table (default) or JSON",
    )


def run(args: argparse.Namespace) -> int:
    path: Path = args.openapi or default_description_path()
    try:
        result = report(path)
    except DescriptionError as error:
        print(
            f"fake-voice coverage: {error}\n"
            "Run `make openapi` to fetch Twilio's description, or pass --openapi PATH.",
            file=sys.stderr,
        )
        return 2
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(result.markdown(), end="")
    return 0 if result.complete else 1
