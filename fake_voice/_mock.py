"""Lifecycle of a fake: context manager, decorator, ``start()``/``stop()``.

Each fake owns a private ``responses.RequestsMock`` (never the module-level default one)
that catches every request ``requests`` sends to a ``*.twilio.com`` host. Voice hosts are
answered by the fake; any other Twilio host gets a ``ConnectionError`` naming it, so
nothing meant for Twilio reaches the network. Requests to every other host pass through
to whatever handled ``requests`` before the fake started: the network, or a ``responses``
mock of the user's own.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import requests
import responses
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from fake_voice import _adapters, _state
from fake_voice._handle import Handle
from fake_voice._options import DEFAULT_ACCOUNT_SID, Options
from fake_voice._wire import HTTP_METHODS, Request

if TYPE_CHECKING:
    import os

F = TypeVar("F", bound=Callable[..., Any])

_TWILIO = r"https?://(?:[^/?#]*\.)?twilio\.com(?::[0-9]+)?(?:[/?#]|$)"
_TWILIO_URL = re.compile(f"^{_TWILIO}", re.IGNORECASE)
_NOT_TWILIO_URL = re.compile(f"^(?!{_TWILIO})", re.IGNORECASE)


class FakeVoice(Handle):
    """A stateful fake of voice.twilio.com, and the handle a test inspects it through.

    Use it as a context manager (``with fake_voice.mock() as voice``), as a decorator on
    functions, coroutine functions and classes (fresh state for every decorated call), or
    with ``start()`` and ``stop()``.
    """

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._depth = 0
        self._interceptor: responses.RequestsMock | None = None

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._depth > 0

    def start(self) -> FakeVoice:
        """Begin intercepting; calls nest, and only the outermost ``stop()`` ends it."""
        self._depth += 1
        if self._depth == 1:
            interceptor = responses.RequestsMock(assert_all_requests_are_fired=False)
            # Whatever answered requests before us (the network, or a user's responses
            # mock) answers everything that is not for Twilio.
            interceptor._real_send = HTTPAdapter.send
            interceptor.add_passthru(_NOT_TWILIO_URL)
            for method in HTTP_METHODS:
                interceptor.add_callback(
                    method, _TWILIO_URL, callback=self._on_twilio, content_type=None
                )
            interceptor.start()
            self._interceptor = interceptor
            _adapters.activate(self)
            _bridge_later_mocks()
        return self

    def stop(self) -> None:
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0 and self._interceptor is not None:
            self._interceptor.stop(allow_assert=False)
            self._interceptor = None
            _adapters.deactivate(self)
            if _adapters.current() is None:
                _unbridge()

    def __enter__(self) -> FakeVoice:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        outermost = self._depth == 1
        self.stop()
        if outermost and exc_info[0] is None:
            self._check_faults_at_end()

    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            for name, value in list(vars(target).items()):
                if name.startswith("test") and callable(value):
                    setattr(target, name, self(value))
            return target
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                self.reset()
                with self:
                    return await target(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            self.reset()
            with self:
                return target(*args, **kwargs)

        return cast(F, run)

    def _on_twilio(self, prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        """The ``responses`` callback for every request to a ``*.twilio.com`` host."""
        request = Request(
            method=str(prepared.method),
            url=str(prepared.url),
            headers=dict(prepared.headers),
            body=_body_bytes(prepared.body),
        )
        try:
            response = self._answer_twilio(request)
        except _adapters.HostRefused as refused:
            raise requests.ConnectionError(str(refused)) from None
        return response.status, dict(response.headers), response.body


_original_find_match = responses.RequestsMock._find_match


def _find_match_or_fake(
    self: responses.RequestsMock, request: PreparedRequest
) -> tuple[Any, list[str]]:
    """A ``responses`` mock's own match, or, for a Twilio URL it does not stub, the fake.

    A ``responses`` mock started after a fake (``@responses.activate`` on a test that also
    uses the fixture) patches over it and would refuse every Twilio request it does not
    stub; this hands those to the active fake, which records them as its own.
    """
    match, reasons = _original_find_match(self, request)
    if match is None and _TWILIO_URL.match(str(request.url)):
        fake = _adapters.current()
        if isinstance(fake, FakeVoice):
            bridge = responses.CallbackResponse(
                str(request.method), _TWILIO_URL, fake._on_twilio, content_type=None
            )
            return bridge, reasons
    return match, reasons


def _bridge_later_mocks() -> None:
    responses.RequestsMock._find_match = _find_match_or_fake  # type: ignore[method-assign]


def _unbridge() -> None:
    responses.RequestsMock._find_match = _original_find_match  # type: ignore[method-assign]


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    raise TypeError(f"fake_voice cannot read a request body of type {type(body).__name__}")


def mock(
    *,
    seed: int | None = None,
    api_keys: Mapping[str, str] | None = None,
    auth_tokens: Mapping[str, str] | None = None,
    page_size_over_limit: Literal["cap", "reject"] = "cap",
    self_check: bool = True,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    now: datetime | None = None,
    assert_all_faults_fired: bool = True,
    state: Mapping[str, Any] | str | os.PathLike[str] | None = None,
) -> FakeVoice:
    """A new fake of voice.twilio.com, not yet started.

    ``now`` freezes the fake's clock at that moment. ``state`` is the world the fake starts
    in and ``reset()`` returns to: what ``export_state()`` returned, or the path of a JSON
    file of it (checked as ``load_state()`` checks it). See :class:`Options` for the rest.
    """

    data = None if state is None else copy.deepcopy(_state.read(state))
    fake = FakeVoice(
        Options(
            seed=seed,
            api_keys=dict(api_keys or {}),
            auth_tokens=None if auth_tokens is None else dict(auth_tokens),
            page_size_over_limit=page_size_over_limit,
            self_check=self_check,
            account_sid=account_sid,
            assert_all_faults_fired=assert_all_faults_fired,
            state=data,
        )
    )
    if data is not None:
        fake.load_state(data)
    if now is not None:
        fake.clock.freeze(now)
    return fake
