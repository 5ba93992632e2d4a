"""``fake-voice validate``: recorded traffic checked against the fake's schemas.

Exit status 0 when every recording is valid, 1 when some exchange breaks a schema rule
(or, with ``--strict``, is not covered by ``schemas/``), 2 when some input cannot be read;
the other inputs are still validated and reported.
"""

from __future__ import annotations

import argparse

from fake_voice import traffic
from fake_voice.cli.recordings import add_recording_arguments, show

HELP = (
    "Check recorded traffic (VCR.py cassettes, responses recorder files, HAR, fake-voice "
    "recordings) against the schemas of Twilio's Voice API."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_recording_arguments(parser)
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
    return show(report, args.format)
