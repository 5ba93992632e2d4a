"""Options of the fake that more than one subcommand takes (``serve``, ``replay``)."""

from __future__ import annotations

import argparse

from fake_voice.core.unknown import MODES


def add_unknown_parameters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unknown-parameters",
        choices=MODES,
        default="ignore",
        help="a parameter an operation does not take: ignore it as Twilio does (default), "
        "warn on standard error, or reject it with a 400 that names the closest known one",
    )
