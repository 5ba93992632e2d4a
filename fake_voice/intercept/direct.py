"""Direct clients: twilio ``HttpClient``s that hand each request to the fake, with no HTTP.

``twilio.rest.Client`` builds every request as (method, URL, params, data, headers, auth)
and gives it to its ``http_client``. These clients encode that the way ``requests`` would
(repeated keys for lists, None dropped, HTTP Basic auth) into the fake's :class:`Request`,
and wrap the fake's answer in twilio's own ``Response``, so the official client parses
records, pages and errors exactly as it does over HTTP. No socket, no ``requests``
session, no ``responses`` patch: the fake need not even be started, and every exchange is
recorded as usual.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from requests import ConnectionError as RequestsConnectionError
from requests.structures import CaseInsensitiveDict
from twilio.http import AsyncHttpClient, HttpClient
from twilio.http.response import Response as TwilioResponse

from fake_voice.core.faults import TransportFault
from fake_voice.core.hosts import HostRefused
from fake_voice.core.wire import (
    FORM_CONTENT_TYPE,
    NO_PARAMS,
    MultiDict,
    Request,
    Response,
    basic_auth,
    encode_pairs,
    encode_plain_form,
)
from fake_voice.intercept.requests_adapter import as_requests_error

Answer = Callable[[Request], Response]
_JSON_TYPES = ("application/json", "application/scim+json")
_logger = logging.getLogger("fake_voice.direct")


def _pairs(values: Mapping[str, object] | None) -> list[tuple[str, object]]:
    """Form pairs as ``requests`` makes them: a list value repeats its key, None is dropped."""
    pairs: list[tuple[str, object]] = []
    for key, value in (values or {}).items():
        items = (
            [value] if isinstance(value, str | bytes) or not hasattr(value, "__iter__") else value
        )
        pairs.extend((key, item) for item in items if item is not None)
    return pairs


def _encoded(values: Mapping[str, object]) -> tuple[str, MultiDict | None]:
    """``values`` (not empty) form-encoded as ``requests`` encodes them, and what parsing
    that back gives, when that is certain without parsing (what twilio's calls send: see
    ``encode_plain_form``); else None, and the fake parses it."""
    plain = encode_plain_form(values)
    if plain is None:  # a list (a repeated key), bytes, anything else: as requests does it
        return encode_pairs(_pairs(values)), None
    return plain


def to_request(
    method: str,
    url: str,
    params: Mapping[str, object] | None,
    data: Mapping[str, object] | None,
    headers: Mapping[str, str] | None,
    auth: tuple[str, str] | None,
) -> Request:
    """The request ``TwilioHttpClient`` would send for these arguments, as the fake reads it."""
    all_headers = dict(headers) if headers else {}
    query, query_form = _encoded(params) if params else ("", NO_PARAMS)
    had_query = "?" in url
    if query:
        url += ("&" if had_query else "?") + query
    content_type = all_headers.get("Content-Type")
    if content_type in _JSON_TYPES:
        body = json.dumps(data).encode("utf-8")
        form = None
    else:
        text, form = _encoded(data) if data else ("", NO_PARAMS)
        body = text.encode("utf-8")
        if body and content_type is None:
            all_headers["Content-Type"] = content_type = FORM_CONTENT_TYPE
    if auth is not None:
        all_headers["Authorization"] = basic_auth(*auth)
    # What was just encoded need not be parsed back.
    query_form = None if had_query or "#" in url else query_form
    if content_type is None or content_type == FORM_CONTENT_TYPE:  # twilio's own header
        return Request(method.upper(), url, all_headers, body, query=query_form, form=form)
    # Another content type: whether its body carries form parameters is the request's to say.
    return Request(method.upper(), url, all_headers, body, query=query_form).knowing(form=form)


# Generic in types-requests only: older requests releases cannot be subscripted at run time.
if TYPE_CHECKING:
    _HeaderDict = CaseInsensitiveDict[str]
else:
    _HeaderDict = CaseInsensitiveDict


class _Headers(_HeaderDict):
    """The ``CaseInsensitiveDict`` of headers that ``TwilioHttpClient``'s answers carry,
    filled straight into its ``_store`` as its own constructor fills it (a key lower-cased,
    with its own case and value; of keys equal but for case, the last): that constructor
    goes through ``MutableMapping.update`` and costs twice as much, about a tenth of a
    direct fetch. The one private part of requests used here; tests/test_fast_paths.py
    compares the result with the public constructor's."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        store: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._store = store
        for key, value in headers.items():
            store[key.lower()] = (key, value)


class _Direct:
    """The part both direct clients share: one call into the fake per request."""

    answer: Answer

    def _exchange(
        self,
        method: str,
        uri: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        """``HttpClient.request``: the fake's answer as twilio's own ``Response``."""
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        try:
            answer = self.answer(to_request(method, uri, params, data, headers, auth))
        except HostRefused as refused:
            raise RequestsConnectionError(str(refused)) from None
        except TransportFault as fault:  # what TwilioHttpClient lets through from requests
            raise as_requests_error(fault) from None
        return TwilioResponse(answer.status, answer.body.decode("utf-8"), _Headers(answer.headers))


# twilio ships no type information (mypy sees its classes as Any), hence the ignores.
class DirectHttpClient(_Direct, HttpClient):  # type: ignore[misc]
    """A twilio ``HttpClient`` that calls the fake in-process (``voice.client()`` uses it)."""

    def __init__(self, answer: Answer, timeout: float | None = None) -> None:
        super().__init__(logger=_logger, is_async=False, timeout=timeout)
        self.answer = answer

    request = _Direct._exchange  # twilio's signature; no call in between, on every request


class AsyncDirectHttpClient(_Direct, AsyncHttpClient):  # type: ignore[misc]
    """The async twin: for ``*_async`` methods, with no aiohttp (``voice.async_client()``)."""

    def __init__(self, answer: Answer, timeout: float | None = None) -> None:
        super().__init__(logger=_logger, is_async=True, timeout=timeout)
        self.answer = answer

    async def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        return self._exchange(method, uri, params, data, headers, auth, timeout)

    async def close(self) -> None:
        """Nothing to close; here so code written for ``AsyncTwilioHttpClient`` runs as is."""
