"""The ``fake-voice`` command. Each subcommand is a module of this package exporting
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``; a subcommand's
module is imported only when it runs (or when ``--help`` lists them)."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from fake_voice import __version__

SUBCOMMANDS = ("coverage", "replay", "serve", "validate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-voice", description="A stateful fake of Twilio's Voice API."
    )
    parser.add_argument("--version", action="version", version=f"fake-voice {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code
