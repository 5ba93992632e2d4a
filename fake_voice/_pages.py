"""List pages: Twilio's ``meta`` object, its URL forms and token positioning.

A ``PageToken`` is ``PA`` + the key of the last record of the page before (fetch what comes
after it) or ``PB`` + the key of the first record of the page after (fetch what comes
before it). Tokens position pages by a record's place in creation order, not by an offset,
so pages stay right while records are created or deleted between fetches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fake_voice._routes import Call
from fake_voice._wire import JSON, Encoded, TwilioError, bad_request, encode_json

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Page:
    """A list page: its items (each already ``Encoded``, or data yet to check) and ``meta``."""

    key: str
    items: list[Any]
    meta: dict[str, JSON]

    def unchecked(self) -> dict[str, JSON]:
        """The page as data, with only the items nobody has checked against a schema yet."""
        return {self.key: [i for i in self.items if not isinstance(i, Encoded)], "meta": self.meta}

    def encode(self) -> bytes:
        items = b",".join(i if isinstance(i, Encoded) else encode_json(i) for i in self.items)
        key = encode_json(self.key)
        return b"{" + key + b":[" + items + b'],"meta":' + encode_json(self.meta) + b"}"


def _place(item: tuple[str, int, Any]) -> int:
    return item[1]


def page_size(call: Call) -> int:
    size: int = call.params.get("PageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        if call.options.page_size_over_limit == "reject":
            raise bad_request(
                "Invalid value for parameter PageSize: "
                f"must be a whole number from 1 to {MAX_PAGE_SIZE}"
            )
        size = MAX_PAGE_SIZE
    return size


def paginate(
    call: Call,
    key: str,
    items: Sequence[tuple[str, int, Any]],
    position: Callable[[str], int | None],
    render: Callable[[Any], JSON],
    filters: Sequence[tuple[str, str]] = (),
) -> Page:
    """One page of ``items`` as Twilio's list body.

    ``items`` are ``(token key, place, item)`` triples in ascending place; ``position`` gives
    the place of any key ever listed, including deleted ones, or None for one never seen.
    ``filters`` are the list's own query parameters, which lead every URL of the page.
    """
    size = page_size(call)
    page: int = call.params.get("Page", 0)
    token: str | None = call.params.get("PageToken")

    if token is None:
        start = page * size
        end = start + size
    else:
        anchor = position(token[2:]) if token[:2] in ("PA", "PB") else None
        if anchor is None:
            raise TwilioError(400, 21481, "Invalid PageToken")
        if token[:2] == "PA":
            start = bisect_right(items, anchor, key=_place)
            end = start + size
        else:
            end = bisect_left(items, anchor, key=_place)
            start = max(0, end - size)
    chosen = items[start:end]

    def url(number: int, page_token: str | None) -> str:
        query = [*filters, ("PageSize", str(size)), ("Page", str(number))]
        if page_token:
            query.append(("PageToken", page_token))
        return f"{call.base_url}{call.path}?{urlencode(query)}"

    next_url = url(page + 1, "PA" + chosen[-1][0]) if chosen and end < len(items) else None
    previous_url = url(page - 1, "PB" + chosen[0][0]) if chosen and page > 0 else None
    meta: dict[str, JSON] = {
        "first_page_url": url(0, None),
        "key": key,
        "next_page_url": next_url,
        "page": page,
        "page_size": size,
        "previous_page_url": previous_url,
        "url": url(page, token),
    }
    return Page(key, [render(item) for _, _, item in chosen], meta)
