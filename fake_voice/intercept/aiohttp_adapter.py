"""aiohttp interception: what ``AsyncTwilioHttpClient`` sends to ``*.twilio.com`` reaches the fake.

While a fake is started, ``aiohttp.ClientSession._request`` is replaced. It is the one way
out of every session (``request()``, ``get()``..., and aiohttp-retry's ``RetryClient`` all
end there), it is reached before any DNS lookup or socket, and it is patched on the class,
so sessions created before the fake started are covered too. Voice URLs are answered by
the fake's one request path; other Twilio hosts get ``aiohttp.ClientConnectionError``
naming the host; every other URL goes to the method that was there before (the network,
or a mock of the user's own), untouched.

aiohttp's own pieces build the request (``ClientSession._build_url``, yarl's
``extend_query``, ``FormData`` and its payloads, ``BasicAuth.encode``), so the fake sees the
bytes aiohttp would send; the answer is a real ``ClientResponse`` holding the whole body,
so ``read()``, ``text()``, ``json()``, ``content``, ``raise_for_status()`` and ``async with``
behave as on the wire. Intercepted requests skip what only a connection would do: client
middlewares, trace callbacks, cookies, redirects and timeouts.

Why not aioresponses (0.7.9, the newest): it builds its responses with a ``ClientResponse``
signature that aiohttp 3.14 changed (``stream_writer`` became required), so it fails on
the aiohttp that twilio installs today; and its callbacks get the keyword arguments, not the
encoded request, so the form would have to be encoded a second time by hand anyway.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiohttp import (
    BasicAuth,
    ClientConnectionError,
    ClientResponse,
    ClientSession,
    FormData,
    ServerTimeoutError,
)
from aiohttp import payload as payloads
from aiohttp.abc import AbstractStreamWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.client_reqrep import RequestInfo
from aiohttp.helpers import TimerNoop
from aiohttp.streams import StreamReader
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from fake_voice.core.faults import TransportFault
from fake_voice.core.hosts import HostRefused, is_twilio_host
from fake_voice.core.wire import Request, Response, basic_auth, reason_phrase

Answer = Callable[[Request], Response]
_Send = Callable[..., Awaitable[ClientResponse]]


def install(answer: Answer) -> Callable[[], None]:
    """Put the interception in place; returns what takes it away again."""
    original: _Send = ClientSession.__dict__["_request"]

    async def intercepted(
        session: ClientSession, method: str, str_or_url: Any, **kwargs: Any
    ) -> ClientResponse:
        url = _twilio_url(session, str_or_url)
        if url is None:
            return await original(session, method, str_or_url, **kwargs)
        return await _answer(answer, session, method, url, kwargs)

    ClientSession._request = intercepted  # type: ignore[method-assign,assignment]

    def uninstall() -> None:
        # If someone patched over us since, leave theirs in place.
        if ClientSession.__dict__["_request"] is intercepted:
            ClientSession._request = original  # type: ignore[method-assign,assignment]

    return uninstall


async def _answer(
    answer: Answer, session: ClientSession, method: str, url: URL, kwargs: dict[str, Any]
) -> ClientResponse:
    if session.closed:
        raise RuntimeError("Session is closed")
    request = await _fake_request(session, method.upper(), url, kwargs)
    try:
        answered = answer(request)
    except HostRefused as refused:
        raise ClientConnectionError(str(refused)) from None
    except TransportFault as fault:  # an injected failure, raised as aiohttp raises its kind
        error = ServerTimeoutError if fault.kind == "timeout" else ClientConnectionError
        raise error(str(fault)) from None
    response = _client_response(session, request, answered)

    raise_for_status = kwargs.get("raise_for_status")
    if raise_for_status is None:
        raise_for_status = session.raise_for_status
    if callable(raise_for_status):
        await raise_for_status(response)
    elif raise_for_status:
        response.raise_for_status()
    return response


async def _fake_request(
    session: ClientSession, method: str, url: URL, kwargs: dict[str, Any]
) -> Request:
    """The request aiohttp would send for these arguments, as the fake reads it."""
    if kwargs.get("params"):
        url = url.extend_query(kwargs["params"])
    body, content_type = await _body(session, kwargs.get("data"), kwargs.get("json"))
    headers: CIMultiDict[str] = CIMultiDict(session.headers)
    headers.update(kwargs.get("headers") or {})
    if content_type is not None and "Content-Type" not in headers:
        headers["Content-Type"] = content_type
    auth: BasicAuth | None = kwargs.get("auth") or session.auth
    if "Authorization" not in headers:
        if url.user is not None:
            headers["Authorization"] = basic_auth(url.user, url.password or "")
        elif auth is not None:
            headers["Authorization"] = auth.encode()
    url = url.with_user(None)
    return Request(method, str(url), {str(k): v for k, v in headers.items()}, body)


def _twilio_url(session: ClientSession, str_or_url: Any) -> URL | None:
    """The absolute URL if it is for a ``*.twilio.com`` host; None for any other."""
    try:
        url = session._build_url(str_or_url)
    except (TypeError, ValueError):
        return None  # aiohttp itself reports a malformed URL
    if url.scheme not in ("http", "https"):
        return None
    return url if is_twilio_host(url.host or "") else None


class _Collect:
    """Just enough of a stream writer to take a payload's bytes."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(chunk))


async def _body(session: ClientSession, data: Any, json: Any) -> tuple[bytes, str | None]:
    """The body bytes and content type, from aiohttp's own payload for ``data``/``json``."""
    if data is not None and json is not None:
        raise ValueError("data and json parameters can not be used at the same time")
    if json is not None:
        payload: payloads.Payload = payloads.JsonPayload(json, dumps=session.json_serialize)
    elif data is None:
        return b"", None
    elif isinstance(data, FormData):
        payload = data()
    else:
        try:
            payload = payloads.get_payload(data)
        except payloads.LookupError:
            payload = FormData(data)()
    collect = _Collect()
    await payload.write(cast(AbstractStreamWriter, collect))
    return b"".join(collect.chunks), payload.content_type


class _Sent:
    """What a response reads of the request it answers when the body is already sent."""

    def __init__(self, size: int) -> None:
        self.output_size = size


def _client_response(session: ClientSession, request: Request, answer: Response) -> ClientResponse:
    """A real ``ClientResponse`` holding the fake's whole answer, as if read off the wire."""
    loop = asyncio.get_running_loop()
    url, method = URL(request.url), request.method
    request_headers: CIMultiDict[str] = CIMultiDict(request.headers)
    response_class: type[ClientResponse] = getattr(session, "_response_class", ClientResponse)
    offered: dict[str, Any] = {
        "writer": None,
        "continue100": None,
        "timer": TimerNoop(),
        "request_info": RequestInfo(url, method, CIMultiDictProxy(request_headers), url),
        "traces": [],
        "loop": loop,
        "session": session,
        "stream_writer": _Sent(len(request.body)),
    }
    # The constructor's keywords differ between aiohttp releases: give it those it takes.
    wanted = _keywords(response_class)
    response = response_class(method, url, **{k: v for k, v in offered.items() if k in wanted})

    headers: CIMultiDict[str] = CIMultiDict(answer.headers)
    headers["Content-Length"] = str(len(answer.body))
    response.status = answer.status
    response.reason = reason_phrase(answer.status)
    response._headers = CIMultiDictProxy(headers)
    response._raw_headers = tuple((k.encode(), v.encode()) for k, v in headers.items())
    response._body = answer.body
    content = StreamReader(BaseProtocol(loop), 2**16, loop=loop)
    content.feed_data(answer.body)
    content.feed_eof()
    response.content = content
    return response


_KEYWORDS: dict[type[ClientResponse], frozenset[str]] = {}


def _keywords(response_class: type[ClientResponse]) -> frozenset[str]:
    found = _KEYWORDS.get(response_class)
    if found is None:
        found = frozenset(inspect.signature(response_class.__init__).parameters)
        _KEYWORDS[response_class] = found
    return found
