"""The one path every request takes, whichever way it came in.

route -> authenticate -> validate and coerce -> operation -> serialize -> self-check -> record.
Any fault on the way becomes Twilio's error envelope; the store changes only when the
operation itself succeeds.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from faker import Faker

from fake_voice._faults import Fault, Faults, TransportFault
from fake_voice._options import ACCOUNT_SID, Options
from fake_voice._pages import Page
from fake_voice._routes import Call, Operation, Router
from fake_voice._schemas import SchemaViolation, check_response
from fake_voice._store import Clock, Store
from fake_voice._wire import JSON, Encoded, MultiDict, Request, Response, TwilioError
from fake_voice.resources import all_handlers

_REDACTED = "[redacted]"
_UNPARSED: Any = object()
__all__ = ["Core", "Exchange", "SchemaViolation"]


@dataclass(frozen=True)
class Exchange:
    """One request the fake answered, as a test reads it back."""

    method: str
    url: str
    path: str
    query: MultiDict
    form: MultiDict
    headers: Mapping[str, str]
    """Request headers, with credentials redacted."""
    status: int | None
    """The HTTP status, or None for an injected connection error or timeout."""
    operation: str | None
    """Twilio's operationId (``CreateConnectionPolicy``), or None if no route matched."""
    account_sid: str | None
    response_headers: Mapping[str, str]
    request_body: bytes = b""
    """The request body exactly as received."""
    response_body: bytes = b""
    """The response body exactly as sent (what a cassette stores)."""
    fault: Fault | None = None
    """The injected fault that answered this request, if one did."""
    _parsed: JSON = field(default=_UNPARSED, repr=False, compare=False)

    @property
    def json(self) -> JSON:
        """The response body, parsed (None for an empty body): parsed on first use, so
        what a test reads is its own copy, never shared with the fake's state."""
        if self._parsed is _UNPARSED:
            parsed = json.loads(self.response_body) if self.response_body else None
            object.__setattr__(self, "_parsed", parsed)
        return self._parsed


def _unauthorized() -> TwilioError:
    return TwilioError(
        401,
        20003,
        "Authenticate",
        extra={"detail": "Your AccountSid or AuthToken was incorrect."},
        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
    )


class Core:
    """State, routes and the request path of one fake; thread-safe."""

    def __init__(self, options: Options) -> None:
        self.options = options
        # Without a seed one is drawn, so any run can be repeated: seed=<voice.seed>.
        self.seed = options.seed if options.seed is not None else secrets.randbits(32)
        faker = Faker()
        faker.seed_instance(self.seed)
        self.clock = Clock()
        self.store = Store(faker, self.clock)
        self.router = _router()
        self.requests: list[Exchange] = []
        self.faults = Faults()
        self._log_lock = threading.Lock()

    def reset(self) -> None:
        with self.store.lock:
            self.store.reset()
            if self.options.state is not None:  # the world mock(state=...) started from
                self.store.load(self.options.state)
            with self._log_lock:
                self.requests.clear()
            self.faults.clear()

    def handle(self, request: Request, *, as_account: str | None = None) -> Response:
        """Answer ``request``; ``as_account`` skips authentication and recording (direct calls)."""
        operation: Operation | None = None
        account: str | None = None
        form = MultiDict()
        fault: Fault | None = None
        try:
            operation, path_params = self.router.match(request.method.upper(), request.path)
            account = as_account or self._authenticate(request)
            form = request.form()
            query = request.query  # a query string that is not UTF-8 is a 400 here
            # Injected faults (never on direct calls) answer before validation; see _faults.
            if as_account is None:
                fault = self.faults.take(request.method, request.path, operation.name)
                if fault is not None:
                    raise fault.exception(request.method.upper(), request.url)
            given = query if operation.params_in == "query string" else form
            params = operation.request.parse(given, operation.params_in)
            with self.store.lock:
                call = Call(
                    store=self.store,
                    options=self.options,
                    account=self.store.account(account),
                    operation=operation,
                    path_params=path_params,
                    params=params,
                    base_url=request.base_url,
                    path=request.path,
                )
                body = operation.handler(call)
            response = _respond(operation, body, self.options.self_check)
        except TwilioError as error:
            response = error.response()
            if self.options.self_check:
                check_response("error.json", response.data, f"{request.method} {request.path}")
        except TransportFault:
            self._record(request, form, None, operation, account, fault)
            raise
        with self.store.lock:  # SIDs are drawn under the store lock, request IDs too
            request_id = self.store.sids.new("RQ")
        response = Response(
            response.status,
            {**response.headers, "Twilio-Request-Id": request_id},
            response.body,
            response.parsed,
        )
        if as_account is None:
            self._record(request, form, response, operation, account, fault)
        return response

    def _authenticate(self, request: Request) -> str:
        """The account a request acts for, from HTTP Basic auth (401 if there is none)."""
        credentials = request.credentials()
        if credentials is None:
            raise _unauthorized()
        username = credentials.username
        if ACCOUNT_SID.match(username):
            account = username
        else:
            mapped = self.options.api_keys.get(username)
            if mapped is None:
                raise _unauthorized()
            account = mapped
        tokens = self.options.auth_tokens
        if tokens is not None and tokens.get(username) != credentials.password:
            raise _unauthorized()
        return account

    def _record(
        self,
        request: Request,
        form: MultiDict,
        response: Response | None,
        operation: Operation | None,
        account: str | None,
        fault: Fault | None,
    ) -> None:
        try:
            query = request.query
        except TwilioError:  # not UTF-8: answered with a 400, recorded without parameters
            query = MultiDict()
        headers = dict(request.headers)
        if "Authorization" in headers:  # how every client spells it; others are rarer
            headers["Authorization"] = _REDACTED
        elif request.header("Authorization") is not None:
            for key in headers:
                if key.lower() == "authorization":
                    headers[key] = _REDACTED
        exchange = Exchange(
            method=request.method.upper(),
            url=request.url,
            path=request.path,
            query=query,
            form=form,
            headers=headers,
            status=response.status if response else None,
            operation=operation.name if operation else None,
            account_sid=account,
            response_headers=dict(response.headers) if response else {},
            request_body=request.body,
            response_body=response.body if response else b"",
            fault=fault,
        )
        with self._log_lock:
            self.requests.append(exchange)


def _respond(operation: Operation, body: Any, self_check: bool) -> Response:
    """The success response for what a handler returned, checked against its schema.

    ``Encoded`` bodies and the encoded items of a ``Page`` were checked when they were
    encoded; everything else is checked here.
    """
    if body is None:
        return Response.empty(operation.status)
    if isinstance(body, Page):
        if self_check and operation.response is not None:
            check_response(operation.response, body.unchecked(), operation.name)
        return Response.encoded(operation.status, body.encode())
    if isinstance(body, Encoded):
        return Response.encoded(operation.status, body)
    if self_check and operation.response is not None:
        check_response(operation.response, body, operation.name)
    return Response.json(operation.status, body)


@cache
def _router() -> Router:
    """One router per process: schemas are read and validators compiled only once."""
    return Router(all_handlers())
