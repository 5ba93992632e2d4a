"""``fake-voice replay``: recorded requests sent again to a fresh fake, answers compared.

Exit status 0 when every answer matches the recorded one, 1 when some status, error code
or body field differs (each named, recorded value against the fake's), 2 when some input
cannot be read or replayed (the other inputs are still replayed and reported).
"""

from __future__ import annotations

import argparse
import sys

from fake_voice import traffic
from fake_voice.api import mock
from fake_voice.cli.options import add_unknown_parameters, add_world_arguments
from fake_voice.cli.recordings import add_recording_arguments, show
from fake_voice.state.store import StateError

HELP = (
    "Replay recorded traffic (every format validate reads) against a fresh fake and "
    "compare each answer with the recorded one."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_recording_arguments(parser)
    add_world_arguments(parser)  # each replay starts from --state; SIDs are mapped either way
    add_unknown_parameters(parser)


def run(args: argparse.Namespace) -> int:
    try:
        if args.state is not None:
            mock(state=args.state)  # checked record by record, as serve checks it
        report = traffic.replay(
            args.paths,
            hosts=args.host,
            state=args.state,
            seed=args.seed,
            unknown_parameters=args.unknown_parameters,
        )
    except StateError as error:
        print(f"fake-voice replay: cannot load the state: {error}", file=sys.stderr)
        return 2
    return show(report, args.format)
