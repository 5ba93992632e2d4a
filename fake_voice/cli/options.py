"""The options of ``fake_voice.mock()`` as command-line flags, for the subcommands that make
a fake (``serve``; ``replay`` takes some of them): one flag per keyword, parsed into
``mock()``'s keywords."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from fake_voice.core.options import DEFAULT_ACCOUNT_SID
from fake_voice.core.unknown import MODES

DEFAULT_MAX_RECORDED = 10_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the fake (as fake_voice.mock() takes them)")
    add_world_arguments(group)
    group.add_argument(
        "--auth-token",
        action="append",
        default=[],
        metavar="[REGION:]SID:SECRET",
        help="the secret this account or API key SID must send (repeatable; with REGION, "
        "only there); once one is given, a wrong or missing secret is a 401",
    )
    group.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="[REGION:]SK:AC",
        help="an API key SID and the account it acts for (repeatable; with REGION, only there)",
    )
    group.add_argument(
        "--page-size-over-limit",
        choices=("cap", "reject"),
        default="cap",
        help="a PageSize above 1000: served as 1000 (cap, the default) or a 400 (reject)",
    )
    group.add_argument(
        "--no-self-check",
        dest="self_check",
        action="store_false",
        help="do not validate each answer against schemas/ before sending it",
    )
    group.add_argument(
        "--account-sid",
        default=DEFAULT_ACCOUNT_SID,
        metavar="AC...",
        help="the account the control API's direct calls act for",
    )
    group.add_argument(
        "--now",
        type=_moment,
        default=None,
        metavar="ISO-8601",
        help="freeze the fake's clock at this moment (UTC unless it names an offset)",
    )
    add_unknown_parameters(group)
    group.add_argument(
        "--max-recorded",
        type=_count,
        default=DEFAULT_MAX_RECORDED,
        metavar="N",
        help=f"exchanges kept for /__fake_voice__/requests (default {DEFAULT_MAX_RECORDED}; "
        "the oldest go first and are counted; 0 keeps none)",
    )


def add_world_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--seed`` and ``--state``: the world a fake starts in."""
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


def add_unknown_parameters(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--unknown-parameters",
        choices=MODES,
        default="ignore",
        help="a parameter an operation does not take: ignore it as Twilio does (default), "
        "warn on standard error, or reject it with a 400 that names the closest known one",
    )


def mock_keywords(args: argparse.Namespace) -> dict[str, Any]:
    """``mock()``'s keywords from parsed flags; ValueError saying which flag is wrong."""
    return {
        "seed": args.seed,
        "state": args.state,
        "auth_tokens": _credentials(args.auth_token, "--auth-token", "SID:SECRET") or None,
        "api_keys": _credentials(args.api_key, "--api-key", "SK:AC"),
        "page_size_over_limit": args.page_size_over_limit,
        "self_check": args.self_check,
        "account_sid": args.account_sid,
        "now": args.now,
        "max_recorded": args.max_recorded,
        "unknown_parameters": args.unknown_parameters,
    }


def _credentials(given: list[str], flag: str, form: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in given:
        parts = item.split(":")
        if len(parts) == 2:
            found[parts[0]] = parts[1]
        elif len(parts) == 3:
            found.setdefault(parts[0], {})[parts[1]] = parts[2]
        else:
            raise ValueError(f"{flag} takes [REGION:]{form}, not {item!r}")
    return found


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 moment such as 2024-01-02T03:04:05Z"
        ) from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)
