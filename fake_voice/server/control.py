"""The control API: what a test drives the served fake with, under a prefix Twilio never uses.

| method | path                       | does                                                  |
|--------|----------------------------|-------------------------------------------------------|
| GET    | /__fake_voice__/           | this table, as JSON                                   |
| POST   | /__fake_voice__/reset      | forget every resource, exchange and fault (204)       |
| GET    | /__fake_voice__/export     | every account's state as JSON (what load takes)       |
| POST   | /__fake_voice__/load       | replace the state with the JSON body (204; 400 if bad)|
| GET    | /__fake_voice__/requests   | every recorded exchange, oldest first, credentials    |
|        |                            | redacted                                              |
|        | (these four)               | ``?account_sid=AC...``: only that account             |
| GET    | /__fake_voice__/faults     | every fault set, with how often each fired            |
| POST   | /__fake_voice__/faults     | set a fault: the JSON body holds voice.fail()'s       |
|        |                            | keywords (201 with the fault; 400 if bad)             |
| DELETE | /__fake_voice__/faults     | remove every fault (204)                              |

``?account_sid=AC...`` scopes reset, export, load and requests to that one account, so
processes that share a server, each on an account of its own, never disturb each other: a
scoped reset forgets only that account's records and exchanges (faults stay), a scoped
load replaces only that account (the body may hold no other). The other endpoints refuse it.

Answers are JSON; an error is ``{"message": ..., "status": ...}`` (not Twilio's envelope:
these paths are the fake's own). There is no authentication: the server is for loopback.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Callable, Mapping
from typing import Any, cast

from fake_voice.core.errors import TwilioError
from fake_voice.core.exchanges import Exchange
from fake_voice.core.faults import Fault
from fake_voice.core.wire import MultiDict, Response, parse_pairs
from fake_voice.server.served import Served
from fake_voice.state.sids import ACCOUNT_SID
from fake_voice.state.store import StateError

PREFIX = "/__fake_voice__"
FAULT_KEYWORDS = (
    "operation",
    "method",
    "path",
    "sid",
    "status",
    "code",
    "message",
    "retry_after",
    "error",
    "times",
    "optional",
)
"""What a fault set through the control API may name: the keywords of ``voice.fail()``."""
DROPPED = "Fake-Voice-Requests-Dropped"
"""Header of ``/requests``: how many older exchanges the server's ``--max-recorded`` dropped."""

Endpoint = Callable[[Served, bytes], Response]
Scoped = Callable[[Served, bytes, "str | None"], Response]
"""An endpoint that ``?account_sid=`` scopes: it gets the account SID, or None."""


def _index(voice: Served, body: bytes) -> Response:
    """This list of endpoints."""
    endpoints = [
        {"method": method, "path": f"{PREFIX}{path}", "description": endpoint.__doc__ or ""}
        for (method, path), endpoint in ROUTES.items()
    ]
    return Response.json(200, {"endpoints": endpoints})


def _reset(voice: Served, body: bytes, account: str | None) -> Response:
    """Forget every resource, every recorded exchange and every fault."""
    voice.reset(account)
    return Response.empty(204)


def _export(voice: Served, body: bytes, account: str | None) -> Response:
    """Every account's records and extras, as load takes them."""
    return Response.json(200, voice.export_state(account))


def _load(voice: Served, body: bytes, account: str | None) -> Response:
    """Replace the whole state with the JSON body (as export wrote it); all or nothing."""
    try:
        data = json.loads(body)
    except ValueError as error:
        return error_response(400, f"The body is not JSON: {error}")
    if isinstance(data, str):  # load_state would read it as the path of a file here
        return error_response(
            400, "The state was refused: state must be an object keyed by account SID"
        )
    try:
        voice.load_state(data, account)
    except StateError as error:
        return error_response(400, f"The state was refused: {error}")
    return Response.empty(204)


def _requests(voice: Served, body: bytes, account: str | None) -> Response:
    """Every exchange the fake recorded, oldest first, with credentials redacted."""
    exchanges = [e for e in voice.requests if account is None or e.account_sid == account]
    listed = [exchange_json(exchange) for exchange in exchanges]
    return Response.json(200, listed, headers={DROPPED: str(voice.requests_dropped)})


def _faults(voice: Served, body: bytes) -> Response:
    """Every fault set, in order, with how often each has fired."""
    return Response.json(200, [fault.to_dict() for fault in voice.faults])


def _fail(voice: Served, body: bytes) -> Response:
    """Set a fault; the JSON body holds the keywords of voice.fail() (operation, status...)."""
    try:
        keywords = json.loads(body)
    except ValueError as error:
        return error_response(400, f"The body is not JSON: {error}")
    if not isinstance(keywords, dict):
        return error_response(400, "The body must be a JSON object of voice.fail() keywords")
    unknown = sorted(str(key) for key in keywords if key not in FAULT_KEYWORDS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], FAULT_KEYWORDS, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return error_response(
            400,
            f"The fault was refused: {unknown[0]!r} is not a fault keyword: {hint}the keywords "
            f"are {', '.join(FAULT_KEYWORDS)}",
        )
    try:
        fault = voice.fail(**keywords)
    except (TypeError, ValueError) as error:
        return error_response(400, f"The fault was refused: {error}")
    return Response.json(201, fault.to_dict())


def _clear_faults(voice: Served, body: bytes) -> Response:
    """Remove every fault."""
    voice.clear_faults()
    return Response.empty(204)


ROUTES: dict[tuple[str, str], Endpoint | Scoped] = {
    ("GET", "/"): _index,
    ("POST", "/reset"): _reset,
    ("GET", "/export"): _export,
    ("POST", "/load"): _load,
    ("GET", "/requests"): _requests,
    ("GET", "/faults"): _faults,
    ("POST", "/faults"): _fail,
    ("DELETE", "/faults"): _clear_faults,
}
SCOPED = frozenset({_reset, _export, _load, _requests})


class ControlAPI:
    """The control API of one served fake."""

    def __init__(self, voice: Served) -> None:
        self.voice = voice

    def respond(self, method: str, path: str, body: bytes, query: str = "") -> Response:
        path = path.rstrip("/") or "/"
        endpoint = ROUTES.get((method, path))
        if endpoint is not None:
            try:
                account = _account(query)
            except ValueError as error:
                return error_response(400, str(error))
            if endpoint in SCOPED:
                return cast(Scoped, endpoint)(self.voice, body, account)
            if account is not None:
                return error_response(
                    400,
                    f"{method} {PREFIX}{path} is not scoped by account_sid: only "
                    "reset, export, load and requests are",
                )
            return cast(Endpoint, endpoint)(self.voice, body)
        allowed = sorted(m for (m, p) in ROUTES if p == path)
        if allowed:
            return error_response(
                405, f"{method} is not allowed on {PREFIX}{path}", {"Allow": ", ".join(allowed)}
            )
        return error_response(404, f"{PREFIX}{path} is not part of the control API")


def _account(query: str) -> str | None:
    """The ``account_sid`` the query names, or None; ValueError if it is not one SID."""
    try:
        values = parse_pairs(query).getlist("account_sid")
    except TwilioError:
        raise ValueError("The query string is not valid UTF-8") from None
    if not values:
        return None
    if len(values) > 1 or not ACCOUNT_SID.match(values[0]):
        shown = ", ".join(values)
        raise ValueError(
            f"account_sid must be one account SID (AC and 32 hexadecimal digits), not {shown!r}"
        )
    return values[0]


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response.json(status, {"message": message, "status": status}, headers=headers)


def exchange_json(exchange: Exchange) -> dict[str, Any]:
    """One recorded exchange as JSON: every public field of :class:`Exchange`, and its body."""
    fields = {
        field.name: _jsonable(getattr(exchange, field.name))
        for field in dataclasses.fields(exchange)
        if not field.name.startswith("_")
    }
    return {**fields, "json": exchange.json}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, MultiDict):
        return {key: value.getlist(key) for key in value}
    if isinstance(value, Fault):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
