"""Replaying recorded traffic against a fresh fake, and comparing every answer.

    from fake_voice import traffic

    report = traffic.replay(["tests/cassettes"], state="world.json")
    report.ok, report.differences, print(report.text())

Each recording (every format ``validate`` reads) is replayed in order against a fake of
its own, made with ``options`` as ``mock()`` takes them. The requests of each exchange with
a Twilio Voice host (or a host in ``hosts``) go to the fake with the recorded method, host,
path, query and body, SIDs that Twilio answered earlier replaced by the fake's (see
``traffic.compare``), authenticated as the account the recording acted for. The fake's
answer is compared with the recorded one: status, error code and every body field.

Decided: the fake's clock is frozen for the replay, so the dates it stamps never cross a
second between two answers that Twilio stamped alike; a recorded 401 is replayed without
credentials (the recording never shows which secret was wrong); exchanges whose path no
operation of the fake routes are listed as not covered, not replayed; a recording that
keeps no request bodies (the ``responses`` recorder) cannot replay its POSTs and is
reported unreadable (exit status 2) if it has any.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fake_voice.core.errors import TwilioError
from fake_voice.core.options import Options
from fake_voice.core.redact import SECRET_HEADERS
from fake_voice.core.request_path import RequestPath
from fake_voice.core.wire import Request, basic_auth
from fake_voice.resources import router
from fake_voice.state import snapshot
from fake_voice.state.sids import ACCOUNT_SID
from fake_voice.traffic.check import is_voice_host
from fake_voice.traffic.compare import Pairs, compare_answers
from fake_voice.traffic.entries import Recorded
from fake_voice.traffic.files import PathArg, find, why_missing
from fake_voice.traffic.read import Recording, Unreadable, read, scrub
from fake_voice.traffic.replay_report import Differing, ReplayedFile, ReplayReport, Unreplayed

_PASSWORD = "fake-voice-replay"  # any secret: a fresh fake accepts every one


def replay(
    paths: PathArg | Iterable[PathArg],
    *,
    hosts: Iterable[str] = (),
    state: Mapping[str, Any] | PathArg | None = None,
    **options: Any,
) -> ReplayReport:
    """Replay every recording in ``paths`` (files, or folders searched recursively).

    ``hosts`` names more hosts to treat as Twilio Voice (``127.0.0.1:8080``); ``state``
    (data as ``export_state()`` returns it, or a JSON file of it) is the world each replay
    starts in; ``options`` are :class:`fake_voice.Options` fields (``seed``,
    ``unknown_parameters``...). Raises ``fake_voice.StateError`` for a state that cannot
    be read.
    """
    extra = frozenset(host.lower() for host in hosts)
    data = None if state is None else snapshot.read(state)
    settings = Options(state=data, **options)
    found, ignored = find(paths)
    files = [
        _replay_file(path, extra, settings)
        if exists
        else ReplayedFile.unreadable(path, why_missing(path))
        for path, exists in found
    ]
    return ReplayReport(tuple(files), tuple(ignored))


def _fresh(settings: Options) -> RequestPath:
    fake = RequestPath(settings, router())
    fake.reset()  # loads settings.state
    fake.clock.freeze()
    return fake


def _replay_file(path: Path, extra: frozenset[str], settings: Options) -> ReplayedFile:
    try:
        recording = read(path)
    except Unreadable as error:
        return ReplayedFile.unreadable(path, str(error))
    secrets = recording.secrets
    bodiless = [
        r for r in recording.exchanges if r.request_body is None and r.method.upper() == "POST"
    ]
    if bodiless:
        reason = (
            f"keeps no request bodies ({recording.format}): its {len(bodiless)} POST "
            "requests cannot be replayed"
        )
        return ReplayedFile.unreadable(path, reason, recording.format)
    fake = _fresh(settings)
    mapping = Pairs()
    account = _account_of(recording, _default_account(settings))
    differing: list[Differing] = []
    unreplayed: list[Unreplayed] = []
    replayed = matched = skipped = 0
    for recorded in recording.exchanges:
        parts = urlsplit(recorded.url)
        host = parts.netloc.rpartition("@")[2].lower()
        method = recorded.method.upper()
        shown = scrub(parts.path or "/", secrets)
        if not is_voice_host(host, extra):
            skipped += 1
            continue
        try:
            operation, _ = fake.router.match(method, parts.path or "/")
        except TwilioError:
            unreplayed.append(Unreplayed(recorded.entry, method, host, shown))
            continue
        request = _request(recorded, parts.scheme, host, mapping, account)
        answer = fake.answer(request)
        found = compare_answers(
            mapping, recorded.status, recorded.response_body, answer.status, answer.body
        )
        replayed += 1
        matched += not found
        differing += [
            Differing(
                entry=recorded.entry,
                method=method,
                host=host,
                path=shown,
                operation=operation.name,
                part=difference.part,
                pointer=difference.pointer,
                recorded=scrub(difference.recorded, secrets),
                fake=scrub(difference.fake, secrets),
            )
            for difference in found
        ]
    errors = tuple((e.entry, scrub(e.message, secrets)) for e in recording.errors)
    return ReplayedFile(
        file=str(path),
        format=recording.format,
        entries=len(recording.exchanges) + len(recording.errors),
        replayed=replayed,
        matched=matched,
        skipped=skipped,
        differences=tuple(differing),
        unreplayed=tuple(unreplayed),
        errors=errors,
    )


def _request(recorded: Recorded, scheme: str, host: str, mapping: Pairs, account: str) -> Request:
    """The recorded request, with the fake's SIDs for Twilio's, as the recorded account."""
    parts = urlsplit(recorded.url)
    url = f"{scheme}://{host}{mapping.request_text(parts.path or '/')}"
    if parts.query:
        url += "?" + mapping.request_text(parts.query)
    headers = {
        name: value
        for name, value in recorded.request_headers
        if name.lower() not in SECRET_HEADERS and name.lower() != "content-length"
    }
    if recorded.status != 401:
        headers["Authorization"] = basic_auth(_username(recorded) or account, _PASSWORD)
    body = recorded.request_body or b""
    with contextlib.suppress(UnicodeDecodeError):  # else sent as recorded: the fake's 400
        body = mapping.request_text(body.decode("utf-8")).encode("utf-8")
    return Request(recorded.method.upper(), url, headers, body)


def _username(recorded: Recorded) -> str | None:
    """The account SID a recorded request authenticated as, if its header still shows it."""
    for name, value in recorded.request_headers:
        if name.lower() != "authorization" or not value.lower().startswith("basic "):
            continue
        try:
            decoded = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        username = decoded.partition(":")[0]
        return username if ACCOUNT_SID.match(username) else None
    return None


def _account_of(recording: Recording, default: str) -> str:
    """The account a recording acted for: the first account SID a request authenticated
    as, else the first ``account_sid`` a response body shows, else ``default`` (recordings
    the fake wrote keep no credentials)."""
    for recorded in recording.exchanges:
        username = _username(recorded)
        if username:
            return username
    for recorded in recording.exchanges:
        try:
            data = json.loads(recorded.response_body or b"")
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        found = _account_in(data)
        if found:
            return found
    return default


def _default_account(settings: Options) -> str:
    """The first account of the starting state, else the ``account_sid`` option."""
    for account in settings.state or ():
        if isinstance(account, str) and ACCOUNT_SID.match(account):
            return account
    return settings.account_sid


def _account_in(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("account_sid")
        if isinstance(value, str) and ACCOUNT_SID.match(value):
            return value
        values: Iterable[Any] = data.values()
    elif isinstance(data, list):
        values = data
    else:
        return None
    for value in values:
        found = _account_in(value)
        if found:
            return found
    return None
