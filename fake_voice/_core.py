"""The one path every request takes, whichever way it came in.

route -> authenticate -> validate and coerce -> operation -> serialize -> self-check -> record.
Any fault on the way becomes Twilio's error envelope; the store changes only when the
operation itself succeeds.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from faker import Faker

from fake_voice import _schemas
from fake_voice._faults import Fault, Faults, TransportFault
from fake_voice._options import Options
from fake_voice._routes import Call, Operation, Router
from fake_voice._store import Clock, Store
from fake_voice._wire import JSON, MultiDict, Request, Response, TwilioError
from fake_voice.resources import all_handlers

_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}\Z")
_REDACTED = "[redacted]"


class SchemaViolation(AssertionError):
    """The fake built a response its own schemas refuse: a bug in fake_voice, never in you."""


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
    json: JSON
    """The response body, parsed (None for an empty body)."""
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
        self.seed = options.seed
        faker = Faker()
        if options.seed is not None:
            faker.seed_instance(options.seed)
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
            # Injected faults (never on direct calls) answer before validation; see _faults.
            if as_account is None:
                fault = self.faults.take(request.method, request.path, operation.name)
                if fault is not None:
                    raise fault.exception(request.method.upper(), request.url)
            given = request.query if operation.params_in == "query string" else form
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
                    query=request.query,
                )
                body = operation.handler(call)
            response = (
                Response.empty(operation.status)
                if body is None
                else Response.json(operation.status, body)
            )
            if self.options.self_check:
                self._self_check(operation, response)
        except TwilioError as error:
            response = error.response()
            if self.options.self_check:
                _check("error.json", response.data, f"{request.method} {request.path}")
        except TransportFault:
            self._record(request, form, None, operation, account, fault)
            raise
        with self.store.lock:  # SIDs are drawn under the store lock, request IDs too
            request_id = self.store.sids.new("RQ")
        response = Response(
            response.status,
            {**response.headers, "Twilio-Request-Id": request_id},
            response.body,
            response.data,
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
        if _ACCOUNT_SID.match(username):
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

    def _self_check(self, operation: Operation, response: Response) -> None:
        if operation.response is not None:
            _check(operation.response, response.data, operation.name)

    def _record(
        self,
        request: Request,
        form: MultiDict,
        response: Response | None,
        operation: Operation | None,
        account: str | None,
        fault: Fault | None,
    ) -> None:
        headers = {
            key: (_REDACTED if key.lower() == "authorization" else value)
            for key, value in request.headers.items()
        }
        exchange = Exchange(
            method=request.method.upper(),
            url=request.url,
            path=request.path,
            query=request.query,
            form=form,
            headers=headers,
            status=response.status if response else None,
            json=response.data if response else None,
            operation=operation.name if operation else None,
            account_sid=account,
            response_headers=dict(response.headers) if response else {},
            request_body=request.body,
            response_body=response.body if response else b"",
            fault=fault,
        )
        with self._log_lock:
            self.requests.append(exchange)


def _check(schema: str, data: Any, where: str) -> None:
    if _schemas.is_valid(schema)(data):
        return
    error = next(iter(_schemas.validator(schema).iter_errors(data)), None)
    if error is not None:
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        raise SchemaViolation(
            f"fake_voice answered {where} with a body that {schema} refuses at {pointer}: "
            f"{error.message}\nbody: {json.dumps(data)[:2000]}"
        )


@cache
def _router() -> Router:
    """One router per process: schemas are read and validators compiled only once."""
    return Router(all_handlers())
