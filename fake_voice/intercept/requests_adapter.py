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
replaced it since is it put back.
"""

from __future__ import annotations

from collections.abc import Callable
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


def install(answer: Answer) -> Callable[[], None]:
    """Start intercepting; returns what stops it."""
    callback = _callback(answer)
    interceptor = responses.RequestsMock(
        assert_all_requests_are_fired=False, real_adapter_send=HTTPAdapter.send
    )
    interceptor.add_passthru(NOT_TWILIO_URL)
    for method in HTTP_METHODS:
        interceptor.add_callback(method, TWILIO_URL, callback=callback, content_type=None)
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


def _callback(answer: Answer) -> Callback:
    def on_twilio(prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        """The ``responses`` callback for every request to a ``*.twilio.com`` host."""
        request = Request(
            method=str(prepared.method),
            url=str(prepared.url),
            headers=dict(prepared.headers),
            body=_body_bytes(prepared.body),
        )
        try:
            response = answer(request)
        except HostRefused as refused:
            raise requests.ConnectionError(str(refused)) from None
        except TransportFault as fault:
            raise as_requests_error(fault) from None
        return response.status, dict(response.headers), response.body

    return on_twilio


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
