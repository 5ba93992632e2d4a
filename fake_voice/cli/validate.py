"""``fake-voice validate``: recorded traffic checked against the fake's schemas.

Exit status 0 when every recording is valid, 1 when some exchange breaks a schema rule
(or, with ``--strict``, is not covered by ``schemas/``), 2 when some input cannot be read;
the other inputs are still validated and reported.
"""

from __future__ import annotations

import argparse
import json

from fake_voice import traffic

HELP = (
    "Check recorded traffic (VCR.py cassettes, responses recorder files, HAR, fake-voice "
    "recordings) against the schemas of Twilio's Voice API."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exchanges whose operation schemas/ do not describe fail the run",
    )
    parser.add_argument(
        "--unknown-parameters",
        action="store_true",
        help="parameters an operation does not take (typos, wrong case, a body of another "
        "content type) are violations too",
    )


def run(args: argparse.Namespace) -> int:
    report = traffic.validate(
        args.paths,
        hosts=args.host,
        strict=args.strict,
        unknown_parameters=args.unknown_parameters,
    )
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(report.text(), end="")
    return report.exit_status
