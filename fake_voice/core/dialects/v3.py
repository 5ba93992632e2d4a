"""Voice v3's dialect: JSON bodies, RFC 9457 problem documents, token pages.

Errors are problem documents (``type``, ``title``, ``status``, ``code``, and ``detail``
when the message is long enough for the description's 16 characters), sent as
``application/problem+json``; twilio-python raises ``TwilioServiceException`` for them. A
fault in a JSON body also names its place in ``errors`` (``detail`` and a JSON pointer).

Lists are newest first. ``meta`` holds ``key``, ``pageSize`` (the number of items on this
page) and, when there is such a page, ``nextToken`` and ``previousToken``. A token is opaque
(base64url) and names the record it continues from and the filters of the walk: a token
sent with other filters, or one never written, is Twilio's 400 21481 "Invalid PageToken".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from fake_voice.core.dialect import Listing, ListRequest, Page
from fake_voice.core.dialects._json import JsonBodies
from fake_voice.core.errors import TwilioError, bad_request
from fake_voice.core.json_bodies import BodyError
from fake_voice.core.wire import JSON, Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Invalid request parameters",
    401: "Authentication required",
    403: "Forbidden for this account",
    404: "Resource was not found",
    405: "Method is not allowed",
    409: "Conflict with the current state",
    412: "Precondition failed",
    422: "Request cannot be processed",
    429: "Too many requests were sent",
    500: "Internal server error",
    502: "Bad gateway response",
    503: "Service is unavailable",
    504: "Gateway timed out on the request",
}


def problem(error: TwilioError) -> dict[str, JSON]:
    """An RFC 9457 problem document for ``error``, within the description's lengths."""
    body: dict[str, JSON] = {
        "type": f"https://www.twilio.com/docs/api/errors/{error.code}",
        "title": _TITLES.get(error.status, f"Error with HTTP status {error.status}"),
        "status": error.status,
        "code": error.code,
    }
    detail = str(error.extra.get("detail") or error.message)
    if len(detail) >= 16:
        body["detail"] = detail[:1024]
    if isinstance(error, BodyError) and len(error.message) >= 16:
        body["errors"] = [{"detail": error.message[:1024], "pointer": error.pointer}]
    return body


def _fingerprint(listing: Listing) -> str:
    filters = "&".join(f"{k}={v}" for k, v in sorted(listing.filters))
    return hashlib.sha256(filters.encode("utf-8")).hexdigest()[:12]


def _token(direction: str, key: str, listing: Listing) -> str:
    raw = f"{direction}:{key}:{_fingerprint(listing)}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _read_token(token: str, listing: Listing) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raw = ""
    direction, _, rest = raw.partition(":")
    key, _, fingerprint = rest.partition(":")
    place = listing.position(key) if direction in ("n", "p") else None
    if place is None or fingerprint != _fingerprint(listing):
        raise TwilioError(400, 21481, "Invalid PageToken")
    return direction, place


def _page_size(request: ListRequest) -> int:
    size: int = request.params.get("pageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        if request.page_size_over_limit == "reject":
            raise bad_request(
                f"Invalid value for parameter pageSize: must be a whole number from 1 to "
                f"{MAX_PAGE_SIZE}"
            )
        size = MAX_PAGE_SIZE
    return size


def _page(request: ListRequest, listing: Listing) -> Page:
    size = _page_size(request)
    newest_first = list(reversed(listing.items))
    token: str | None = request.params.get("pageToken")
    if token is None:
        start = 0
    else:
        direction, anchor = _read_token(token, listing)
        places = [place for _, place, _ in newest_first]
        if direction == "n":  # the records older than the anchor
            start = next((i for i, p in enumerate(places) if p < anchor), len(places))
        else:  # the records newer than the anchor, the closest ones
            newer = sum(1 for p in places if p > anchor)
            start = max(0, newer - size)
            chosen = newest_first[start:newer]
            return _written(listing, chosen, start, start + len(chosen) < len(newest_first))
    chosen = newest_first[start : start + size]
    return _written(listing, chosen, start, start + size < len(newest_first))


def _written(listing: Listing, chosen: list[Any], start: int, more: bool) -> Page:
    meta: dict[str, JSON] = {"key": listing.key, "pageSize": len(chosen)}
    if chosen and start > 0:
        meta["previousToken"] = _token("p", chosen[0][0], listing)
    if chosen and more:
        meta["nextToken"] = _token("n", chosen[-1][0], listing)
    items = listing.rendered(chosen)
    return Page(listing.key, items, {"meta": meta})


class V3(JsonBodies):
    version = "v3"
    error_schema = "problem.json"

    def error_response(self, error: TwilioError) -> Response:
        headers = {**error.headers, "Content-Type": PROBLEM_CONTENT_TYPE}
        return Response.json(error.status, problem(error), headers=headers)

    def page(self, request: ListRequest, listing: Listing) -> Page:
        return _page(request, listing)


DIALECT = V3()
