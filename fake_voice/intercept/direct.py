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
from collections.abc import Callable, Mapping

from requests import ConnectionError as RequestsConnectionError
from requests.structures import CaseInsensitiveDict
from twilio.http import AsyncHttpClient, HttpClient
from twilio.http.response import Response as TwilioResponse

from fake_voice.core.faults import TransportFault
from fake_voice.core.hosts import HostRefused
from fake_voice.core.wire import FORM_CONTENT_TYPE, Request, Response, basic_auth, encode_pairs
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


def to_request(
    method: str,
    url: str,
    params: Mapping[str, object] | None,
    data: Mapping[str, object] | None,
    headers: Mapping[str, str] | None,
    auth: tuple[str, str] | None,
) -> Request:
    """The request ``TwilioHttpClient`` would send for these arguments, as the fake reads it."""
    all_headers = dict(headers or {})
    query = encode_pairs(_pairs(params))
    if query:
        url += ("&" if "?" in url else "?") + query
    content_type = all_headers.get("Content-Type")
    if content_type in _JSON_TYPES:
        body = json.dumps(data).encode("utf-8")
    else:
        body = encode_pairs(_pairs(data)).encode("utf-8")
        if body and content_type is None:
            all_headers["Content-Type"] = FORM_CONTENT_TYPE
    if auth is not None:
        all_headers["Authorization"] = basic_auth(*auth)
    return Request(method.upper(), url, all_headers, body)


def _twilio_response(response: Response) -> TwilioResponse:
    return TwilioResponse(
        response.status, response.body.decode("utf-8"), CaseInsensitiveDict(response.headers)
    )


class _Direct:
    """The part both direct clients share: one call into the fake per request."""

    answer: Answer

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, object] | None,
        data: Mapping[str, object] | None,
        headers: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
        timeout: float | None,
    ) -> TwilioResponse:
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        try:
            answer = self.answer(to_request(method, url, params, data, headers, auth))
        except HostRefused as refused:
            raise RequestsConnectionError(str(refused)) from None
        except TransportFault as fault:  # what TwilioHttpClient lets through from requests
            raise as_requests_error(fault) from None
        return _twilio_response(answer)


# twilio ships no type information (mypy sees its classes as Any), hence the ignores.
class DirectHttpClient(_Direct, HttpClient):  # type: ignore[misc]
    """A twilio ``HttpClient`` that calls the fake in-process (``voice.client()`` uses it)."""

    def __init__(self, answer: Answer, timeout: float | None = None) -> None:
        super().__init__(logger=_logger, is_async=False, timeout=timeout)
        self.answer = answer

    def request(
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
