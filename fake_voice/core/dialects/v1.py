"""Voice v1's dialect: form bodies, Twilio's legacy error envelope, ``meta`` list pages.

Parameters travel in the query string for GET and DELETE and in a form-encoded body for
POST; a body of another content type carries none. Values are strings, coerced to the types
the request schema names, then validated.

List pages: a ``PageToken`` is ``PA`` + the key of the last record of the page before (fetch
what comes after it) or ``PB`` + the key of the first record of the page after (fetch what
comes before it). Tokens position pages by a record's place in creation order, not by an
offset, so pages stay right while records are created or deleted between fetches.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import urlencode

from fake_voice.core.dialect import Listing, ListRequest, Page
from fake_voice.core.errors import TwilioError, bad_request
from fake_voice.core.schemas import ParamViolation, RequestSchema, request_violations
from fake_voice.core.wire import (
    FORM_CONTENT_TYPE,
    JSON,
    MultiDict,
    Request,
    Response,
    encode_pairs,
    form_value,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def _over_limit(request: ListRequest) -> int:
    """The page size a PageSize over the limit gets: the limit, or Twilio's 400."""
    if request.page_size_over_limit == "reject":
        message = f"must be a whole number from 1 to {MAX_PAGE_SIZE}"
        raise bad_request(f"Invalid value for parameter PageSize: {message}")
    return MAX_PAGE_SIZE


def _page(request: ListRequest, listing: Listing) -> Page:
    items = listing.items
    size: int = request.params.get("PageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        size = _over_limit(request)
    page: int = request.params.get("Page", 0)
    token: str | None = request.params.get("PageToken")

    if token is None:
        start = page * size
        end = start + size
    else:
        anchor = listing.position(token[2:]) if token[:2] in ("PA", "PB") else None
        if anchor is None:
            raise TwilioError(400, 21481, "Invalid PageToken")
        if token[:2] == "PA":
            start = listing.index_of(anchor + 1)
            end = start + size
        else:
            end = listing.index_of(anchor)
            start = max(0, end - size)
    keys, rendered = listing.page_items(start, end)
    next_token = "PA" + keys[-1] if keys and end < len(items) else None
    previous_token = "PB" + keys[0] if keys and page > 0 else None
    base, path = request.base_url, request.path
    # Everything meta is made of: a client asking for the same page again gets the very
    # same meta (which the request path then encodes and checks once).
    filters = tuple(listing.filters)
    rest_key: Hashable = (
        listing.key,
        base,
        path,
        filters,
        size,
        page,
        token,
        next_token,
        previous_token,
    )
    try:
        meta = _METAS.get(rest_key)
    except TypeError:  # a filter value that is no key: nothing remembered
        meta, rest_key = None, None
    if meta is None:

        def url(number: int, page_token: str | None) -> str:
            query = [*listing.filters, ("PageSize", str(size)), ("Page", str(number))]
            if page_token:
                query.append(("PageToken", page_token))
            return f"{base}{path}?{encode_pairs(query)}"

        meta = {
            "first_page_url": url(0, None),
            "key": listing.key,
            "next_page_url": url(page + 1, next_token) if next_token else None,
            "page": page,
            "page_size": size,
            "previous_page_url": url(page - 1, previous_token) if previous_token else None,
            "url": url(page, token),
        }
        if rest_key is not None:
            if len(_METAS) >= _MEMO_SIZE:
                _METAS.clear()
            _METAS[rest_key] = meta
    return Page(listing.key, rendered, {"meta": meta}, rest_key)


_MEMO_SIZE = 512
_METAS: dict[Hashable, dict[str, JSON]] = {}
"""Page metas by what each is made of; shared and never changed (one is read-only data)."""


def envelope(error: TwilioError) -> dict[str, JSON]:
    """Twilio's legacy error envelope (v1 and v2 describe it)."""
    body: dict[str, JSON] = {
        "code": error.code,
        "message": error.message,
        "more_info": f"https://www.twilio.com/docs/errors/{error.code}",
        "status": error.status,
    }
    body.update(error.extra)
    if error.details is not None:
        body["details"] = dict(error.details)
    return body


_ENVELOPES: dict[tuple[int, int, str], bytes] = {}


def error_response(error: TwilioError) -> Response:
    """The answer for ``error`` in the legacy envelope (v1 and v2). The body of a plain
    error (status, code and message only) is a function of those three, so each is
    encoded once; its data is then parsed from the body only if someone asks."""
    plain = (
        type(error) is TwilioError
        and not error.extra
        and error.details is None
        and type(error.status) is int
        and type(error.code) is int
        and type(error.message) is str
    )
    if plain:
        body = _ENVELOPES.get((error.status, error.code, error.message))
        if body is not None:
            return Response.encoded(error.status, body, headers=error.headers)
    response = Response.json(error.status, envelope(error), headers=error.headers)
    if plain:
        if len(_ENVELOPES) >= _MEMO_SIZE:
            _ENVELOPES.clear()
        _ENVELOPES[(error.status, error.code, error.message)] = response.body
    return response


_WHERE = {"GET": "query string", "DELETE": "query string"}
"""Where parameters travel, by method (all others: "post body")."""


class V1:
    version = "v1"
    error_schema = "error.json"

    def where(self, method: str) -> str:
        return _WHERE.get(method, "post body")

    def body_type(self, method: str) -> str | None:
        return None if method in ("GET", "DELETE") else FORM_CONTENT_TYPE

    def read(self, request: Request, method: str) -> MultiDict:
        form = request.form()  # a body that is not UTF-8 form data is a 400, whatever the method
        query = request.query  # so is a query string that is not UTF-8
        return query if method in ("GET", "DELETE") else form

    def parse(self, given: MultiDict, schema: RequestSchema, method: str) -> dict[str, Any]:
        return schema.parse(given, self.where(method))

    def violations(
        self, given: MultiDict, schema: RequestSchema, method: str
    ) -> list[ParamViolation]:
        return request_violations(schema, given, self.where(method))

    # The module's functions themselves: no call in between (every error, every list).
    error_response = staticmethod(error_response)
    page = staticmethod(_page)

    def request(self, method: str, url: str, params: Mapping[str, object]) -> Request:
        pairs = [(key, form_value(value)) for key, value in params.items() if value is not None]
        if method in ("GET", "DELETE"):
            if pairs:
                url += ("&" if "?" in url else "?") + urlencode(pairs)
            return Request(method, url, {"Content-Type": FORM_CONTENT_TYPE})
        body = urlencode(pairs).encode("utf-8")
        return Request(method, url, {"Content-Type": FORM_CONTENT_TYPE}, body)


DIALECT = V1()
