"""Loading state into a fake: what ``FakeVoice.load_state`` and the server's control API use.

The store checks the shape of the data (``Store.load``); this module also checks every
record by the fake's own rules: a trial fake loads the data and fetches each record at its
``url``, so a record must be one its resource can find and render by its schema (a Target
under a policy that is missing, a stray property or a wrong type are all refused). What an
account holds beyond its records (``extras``: settings, dialing permissions, archived
calls) must satisfy ``schemas/state/extras.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from fake_voice._core import Core, SchemaViolation
from fake_voice._options import Options
from fake_voice._schemas import validator
from fake_voice._store import StateError
from fake_voice._wire import DIRECT_BASE, Request


def read(source: object) -> Any:
    """The state ``source`` holds: the data itself, or the path of a JSON file of it."""
    if not isinstance(source, (str, os.PathLike)):
        return source
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise StateError(f"cannot read the state file {path}: {reason}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise StateError(f"the state file {path} is not JSON: {error}") from None


def verify(options: Options, data: object) -> None:
    """StateError unless every record of ``data`` loads and renders by the fake's rules."""
    trial = Core(dataclasses.replace(options, self_check=True))
    trial.store.load(data)
    extras = validator("state/extras.json")
    for account_sid, account in trial.store.export().items():
        error = next(iter(extras.iter_errors(account["extras"])), None)
        if error is not None:
            pointer = "/".join(str(part) for part in error.absolute_path)
            raise StateError(f"account {account_sid}: extras/{pointer}: {error.message}")
        for name, records in account["collections"].items():
            for index, record in enumerate(records):
                _fetch(trial, account_sid, f"account {account_sid}: {name}[{index}]", record)


def _fetch(trial: Core, account_sid: str, where: str, record: dict[str, Any]) -> None:
    url = record.get("url")
    if not isinstance(url, str) or not url.startswith("/v1/") or "?" in url:
        raise StateError(f"{where} needs a url: the /v1/... path it is fetched at")
    try:
        response = trial.handle(Request("GET", DIRECT_BASE + url, {}), as_account=account_sid)
    except SchemaViolation as violation:
        raise StateError(
            f"{where} does not render by its schema at {violation.pointer}: {violation.reason}"
        ) from None
    if response.status != 200:
        raise StateError(f"{where} cannot be fetched at {url}: {response.data['message']}")
    if response.data.get("sid") != record["sid"]:
        raise StateError(f"{where} has the sid {record['sid']} but its url names another")
