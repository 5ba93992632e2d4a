"""Archived calls (``/v1/Archives/{Date}/Calls/{Sid}``): call records kept for Bulk Export.

The API only deletes them; tests add them with ``voice.add_archived_call(date, sid)``.

Decisions: ``Date`` must be a real calendar date written ``YYYY-MM-DD`` (else 400, checked
before anything else); a call that is not archived under that date for this account, or a
``Sid`` that is not a well-formed CA SID, is Twilio's 404. Deleting an archived call does
not touch anything else (the Voice API's own call records are not part of the fake).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from fake_voice.core.errors import bad_request, not_found
from fake_voice.core.operations import Check, Context, Implementation
from fake_voice.core.wire import JSON
from fake_voice.state.store import Store

ARCHIVED_CALLS = "archived_calls"
"""``extras`` key: date (``YYYY-MM-DD``) -> SIDs of the calls archived under it."""
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}\Z")


def parse_date(text: str) -> dt.date | None:
    """The calendar date ``text`` names in the form YYYY-MM-DD, or None."""
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(params: Mapping[str, Any], path_params: Mapping[str, str]) -> None:
    if parse_date(path_params["Date"]) is None:
        raise bad_request(
            "Invalid value for parameter Date: must be a calendar date in the form YYYY-MM-DD"
        )


def delete_archived_call(ctx: Context) -> JSON:
    date = ctx.path_params["Date"]
    archive = ctx.account.extras.get(ARCHIVED_CALLS, {})
    sids: list[str] = archive.get(date, [])
    sid = ctx.path_params["Sid"]
    if sid not in sids:
        raise not_found(ctx.path)
    sids.remove(sid)
    if not sids:
        del archive[date]
    if not archive:
        del ctx.account.extras[ARCHIVED_CALLS]
    return None


def add_archived_call(
    store: Store, account_sid: str, region: str, date: dt.date | str, sid: str | None = None
) -> str:
    """Archive a call under ``date`` (a new CA SID unless ``sid`` is given); returns its SID."""
    day = date.isoformat() if isinstance(date, dt.date) else str(date)
    if parse_date(day) is None:
        raise ValueError(f"{date!r} is not a calendar date (a datetime.date or 'YYYY-MM-DD')")
    if sid is not None and not _CALL_SID.match(sid):
        raise ValueError(f"{sid!r} is not a call SID ('CA' and 32 hexadecimal digits)")
    with store.lock:
        account = store.account(account_sid, region)
        sids = account.extras.get(ARCHIVED_CALLS, {}).get(day, [])
        if sid in sids:
            raise ValueError(f"call {sid} is already archived under {day}")
        sid = sid or store.sids.new("CA")
        account.extras.setdefault(ARCHIVED_CALLS, {}).setdefault(day, []).append(sid)
    return sid


OPERATIONS: dict[str, Implementation] = {"DeleteArchivedCall": delete_archived_call}
CHECKS: dict[str, Check] = {"DeleteArchivedCall": check_date}
