"""``fake-voice serve``: the fake over real HTTP, for clients in any language.

Prints the URL it listens on as the first line of standard output, logs one line per
request to standard error, and stops cleanly on Ctrl-C or SIGTERM (exit status 0). If it
cannot start (a port in use, an unknown host, a state file that cannot be loaded) it says
why in one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType

from fake_voice.api import mock
from fake_voice.cli.fake_options import add_unknown_parameters
from fake_voice.core.unknown import UnknownParameterWarning
from fake_voice.server import DEFAULT_HOST
from fake_voice.server.http import Server
from fake_voice.state.store import StateError

HELP = "Serve the fake over HTTP (Twilio's paths at /v1/..., a control API at /__fake_voice__/)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: a free one)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="make SIDs repeat exactly from run to run"
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="FILE",
        help="initial state: a JSON file as GET /__fake_voice__/export writes it",
    )
    add_unknown_parameters(parser)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    log = logging.getLogger("fake_voice.server")
    to_stderr = logging.StreamHandler(sys.stderr)
    to_stderr.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(to_stderr)
    level = log.level
    log.setLevel(logging.INFO)
    try:
        try:
            server = _start(args)
        except _CannotStart as error:
            print(f"fake-voice serve: {error}", file=sys.stderr, flush=True)
            return 2
        with server:
            print(server.url, flush=True)
            stop.wait()
        print("fake-voice serve: stopped", file=sys.stderr, flush=True)
        return 0
    finally:
        log.removeHandler(to_stderr)
        log.setLevel(level)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _CannotStart(Exception):
    """Why the server could not start, in one line."""


def _start(args: argparse.Namespace) -> Server:
    try:
        # As mock(state=...): the server starts in that state and a reset returns to it.
        voice = mock(seed=args.seed, state=args.state, unknown_parameters=args.unknown_parameters)
    except StateError as error:
        raise _CannotStart(f"cannot load the state: {error}") from None
    if args.unknown_parameters == "warn":  # every one, not only the first of its kind
        warnings.simplefilter("always", UnknownParameterWarning)
    if not 0 <= args.port <= 65535:
        raise _CannotStart(f"--port must be 0..65535, not {args.port}")
    try:
        return voice.serve(args.host, args.port)
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            reason = "the port is in use (pass --port 0 to pick a free one)"
        raise _CannotStart(f"cannot listen on {args.host}:{args.port}: {reason}") from None
