"""``fake-voice serve``: the fake over real HTTP, for clients in any language.

Prints the URL it listens on as the first line of standard output (with ``--proxy``, the
path of the CA certificate second; with ``--port-file``, it writes the URL there too, once
the server is ready, and removes the file when it stops), logs one line per
request to standard error, and stops cleanly on Ctrl-C or SIGTERM (exit status 0). If it
cannot start (a port in use, an unknown host, a state file that cannot be loaded) it says
why in one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from fake_voice.api import mock
from fake_voice.cli import options
from fake_voice.core.hosts import voice_base
from fake_voice.core.unknown import UnknownParameterWarning
from fake_voice.server import DEFAULT_HOST
from fake_voice.server.http import Server
from fake_voice.server.proxy import ProxyUnavailable, certificate_authority
from fake_voice.state.store import StateError

if TYPE_CHECKING:
    from fake_voice.server.certificates import CertificateAuthority

HELP = "Serve the fake over HTTP (Twilio's paths at /v1/..., a control API at /__fake_voice__/)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: a free one)"
    )
    parser.add_argument(
        "--region",
        default="us1",
        help="where requests act whose Host header names no Voice region (default us1)",
    )
    parser.add_argument(
        "--save-state",
        type=Path,
        default=None,
        metavar="FILE",
        help="on shutdown, write the state to FILE (as --state reads it)",
    )
    # The proxy, and a URL for other processes to find (README: "Any client, untouched").
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="also be an HTTP proxy for Voice hosts (prints the CA certificate's path second)",
    )
    parser.add_argument(
        "--ca-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the proxy's CA is made on first use and kept "
        "(default: ~/.cache/fake_voice/proxy-ca)",
    )
    parser.add_argument(
        "--port-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the URL to FILE once the server is ready (removed when it stops)",
    )
    options.add_arguments(parser)


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
            if args.port_file is not None:
                try:
                    _write_port_file(args.port_file, server.url)
                except OSError as error:
                    reason = error.strerror or str(error)
                    print(f"fake-voice serve: cannot write --port-file: {reason}", file=sys.stderr)
                    return 2
            print(server.url, flush=True)
            if server.ca_cert is not None:
                print(server.ca_cert, flush=True)
            try:
                stop.wait()
            finally:
                if args.port_file is not None:
                    args.port_file.unlink(missing_ok=True)
        if args.save_state is not None:
            return _save(server, args.save_state)
        print("fake-voice serve: stopped", file=sys.stderr, flush=True)
        return 0
    finally:
        log.removeHandler(to_stderr)
        log.setLevel(level)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _CannotStart(Exception):
    """Why the server could not start, in one line."""


def _save(server: Server, path: Path) -> int:
    try:
        path.write_text(json.dumps(server.voice.export_state(), indent=2) + "\n")
    except OSError as error:
        print(
            f"fake-voice serve: stopped, but cannot write the state to {path}: "
            f"{error.strerror or error}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(f"fake-voice serve: stopped; state saved to {path}", file=sys.stderr, flush=True)
    return 0


def _start(args: argparse.Namespace) -> Server:
    try:
        # As mock(state=...): the server starts in that state and a reset returns to it.
        voice = mock(**options.mock_keywords(args))
    except StateError as error:
        raise _CannotStart(f"cannot load the state: {error}") from None
    except ValueError as error:  # a flag mock() refuses, in mock()'s words
        raise _CannotStart(str(error)) from None
    if args.unknown_parameters == "warn":  # every one, not only the first of its kind
        warnings.simplefilter("always", UnknownParameterWarning)
    if not 0 <= args.port <= 65535:
        raise _CannotStart(f"--port must be 0..65535, not {args.port}")
    try:
        voice_base(args.region)
    except ValueError as error:
        raise _CannotStart(f"--region: {error}") from None
    authority = _authority(args) if args.proxy else None
    try:
        return Server(voice, args.host, args.port, proxy=authority, region=args.region)
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            reason = "the port is in use (pass --port 0 to pick a free one)"
        raise _CannotStart(f"cannot listen on {args.host}:{args.port}: {reason}") from None


def _authority(args: argparse.Namespace) -> CertificateAuthority:
    try:
        return certificate_authority(args.ca_dir)
    except ProxyUnavailable as error:
        raise _CannotStart(f"--proxy: {error}") from None
    except (OSError, ValueError) as error:  # a directory it cannot write, a foreign key file
        where = args.ca_dir or "the default --ca-dir"
        raise _CannotStart(f"cannot keep the proxy's CA in {where}: {error}") from None


def _write_port_file(path: Path, url: str) -> None:
    """Write ``url`` to ``path`` whole, so a process watching for it never reads half."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    scratch.write_text(url + "\n", encoding="utf-8")
    os.replace(scratch, path)
