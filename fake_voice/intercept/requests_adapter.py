"""``requests`` interception through ``responses``: what the official sync client sends.

One private ``responses.RequestsMock`` (never the module-level default one) catches every
request ``requests`` sends to a ``*.twilio.com`` host while any fake is started. Voice hosts
are answered by the fake; any other Twilio host gets a ``ConnectionError`` naming it, so
nothing meant for Twilio reaches the network. Requests to every other host go to whatever
handled ``requests`` before the first fake started (``real_adapter_send``): the network, or
a ``responses`` mock of the user's own.

A ``responses`` mock started after the fake (``@responses.activate`` on a test that also
uses the fixture) patches over it and would refuse every Twilio request it does not stub;
``RequestsMock._find_match`` is wrapped so that it hands those to the fake instead. That is
the one private hook: it is replaced only while a fake is started, and only if nobody has
replaced it since is it put back. The one private attribute is the fake's own mock's
``_calls``: a list that keeps nothing, since the fake records every exchange itself.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import requests
import responses
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from fake_voice.core.faults import TransportFault
from fake_voice.core.hosts import NOT_TWILIO_URL, TWILIO_URL, HostRefused
from fake_voice.core.wire import HTTP_METHODS, Request, Response

Answer = Callable[[Request], Response]
Callback = Callable[[PreparedRequest], tuple[int, dict[str, str], bytes]]
# What responses patches, named so that every start finds it cheaply: from 3.11 on,
# unittest.mock resolves a dotted name by importing each part in turn (a failing import of
# "requests.adapters.HTTPAdapter" on every start), and the "module:object" form skips that.
_TARGET = (
    "requests.adapters:HTTPAdapter.send"
    if sys.version_info >= (3, 11)
    else "requests.adapters.HTTPAdapter.send"
)


def install(answer: Answer) -> Callable[[], None]:
    """Start intercepting; returns what stops it."""
    interceptor, callback = _interceptor(answer)
    interceptor.start()
    original_find_match = responses.RequestsMock._find_match

    def find_match_or_fake(
        self: responses.RequestsMock, request: PreparedRequest
    ) -> tuple[Any, list[str]]:
        match, reasons = original_find_match(self, request)
        if match is None and TWILIO_URL.match(str(request.url)):
            method = str(request.method)
            bridge = responses.CallbackResponse(method, TWILIO_URL, callback, content_type=None)
            return bridge, reasons
        return match, reasons

    responses.RequestsMock._find_match = find_match_or_fake  # type: ignore[method-assign]

    def uninstall() -> None:
        interceptor.stop(allow_assert=False)
        if responses.RequestsMock.__dict__["_find_match"] is find_match_or_fake:
            responses.RequestsMock._find_match = original_find_match  # type: ignore[method-assign]

    return uninstall


# The last mock built, with what it was built for: registering its routes costs more than
# the rest of a fake's start, so it is started again while nothing it depends on changed.
_built: list[tuple[Answer, Any, responses.RequestsMock, Callback]] = []


class _Unkept(responses.CallList):
    """A call list that keeps nothing. The fake records every exchange itself; ``responses``
    would keep each request and response a second time, in the mock's list and in the
    match's, for as long as the process lives (the mock is started again and again), and
    every object kept makes each full garbage collection longer."""

    def add(self, request: PreparedRequest, response: object) -> None:
        pass

    def add_call(self, call: responses.Call) -> None:
        pass


_UNKEPT = _Unkept()


class _ToTheFake(responses.CallbackResponse):
    """The registered match for every Twilio host: a callback whose calls are not kept."""

    @property
    def calls(self) -> responses.CallList:
        return _UNKEPT


def _interceptor(answer: Answer) -> tuple[responses.RequestsMock, Callback]:
    """The mock that routes Twilio hosts to ``answer`` and every other host to what handles
    ``requests`` now."""
    real_send = HTTPAdapter.send
    if _built and _built[0][0] is answer and _built[0][1] is real_send:
        return _built[0][2], _built[0][3]
    callback = _callback(answer)
    interceptor = responses.RequestsMock(
        assert_all_requests_are_fired=False, real_adapter_send=real_send, target=_TARGET
    )
    # The mock's own list is the private attribute ``_calls`` (no public way to set it), the
    # same in every responses release supported; ``interceptor.calls`` stays empty.
    interceptor._calls = _UNKEPT
    interceptor.add_passthru(NOT_TWILIO_URL)
    for method in HTTP_METHODS:
        interceptor.add(_ToTheFake(method, TWILIO_URL, callback=callback, content_type=None))
    _built[:] = [(answer, real_send, interceptor, callback)]
    return interceptor, callback


def _callback(answer: Answer) -> Callback:
    def on_twilio(prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        """The ``responses`` callback for every request to a ``*.twilio.com`` host."""
        headers = plain_headers(prepared.headers)
        body = prepared.body  # a form's text, as requests encodes it, or bytes, or None
        request = Request(
            str(prepared.method),
            str(prepared.url),
            headers,
            body.encode("utf-8") if type(body) is str else _body_bytes(body),
        )
        try:
            response = answer(request)
        except HostRefused as refused:
            raise requests.ConnectionError(str(refused)) from None
        except TransportFault as fault:
            raise as_requests_error(fault) from None
        answered = response.headers  # made for this answer; responses only reads it
        return (
            response.status,
            answered if type(answered) is dict else dict(answered),
            response.body,
        )

    return on_twilio


def plain_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``dict(headers)``; for requests' ``CaseInsensitiveDict`` read from its ``_store`` (each
    name in the case it was set in, with its value, in order), at a quarter of the cost of
    its Mapping methods. The one private part of requests used here, as in direct.py."""
    store = getattr(headers, "_store", None)
    if type(store) is OrderedDict:
        return dict(store.values())
    return dict(headers)


def as_requests_error(fault: TransportFault) -> requests.RequestException:
    """The exception ``requests`` raises for an injected fault of this kind."""
    if fault.kind == "timeout":
        return requests.ReadTimeout(str(fault))
    return requests.ConnectionError(str(fault))


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    raise TypeError(f"fake_voice cannot read a request body of type {type(body).__name__}")
