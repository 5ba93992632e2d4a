"""The one path every request takes, whichever way it came in.

route -> authenticate -> read (the version's dialect) -> fault? -> validate and coerce ->
operation -> encode -> self-check -> record. Any error on the way becomes the error shape
of the request's API version; the store changes only when the operation itself succeeds.
"""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

from fake_voice.core import dialects
from fake_voice.core.dialect import Dialect, Page
from fake_voice.core.errors import TwilioError, bad_request, unauthorized
from fake_voice.core.exchanges import ExchangeLog
from fake_voice.core.faults import Fault, Faults, TransportFault
from fake_voice.core.hosts import HostRefused, region_of
from fake_voice.core.operations import Context, Operation, Reply, Router
from fake_voice.core.options import Options
from fake_voice.core.redact import redact_url
from fake_voice.core.schemas import check_body, check_response
from fake_voice.core.unknown import UnknownParameterWarning, unknown_messages
from fake_voice.core.wire import (
    JSON_CONTENT_TYPE,
    NO_PARAMS,
    Encoded,
    MultiDict,
    Request,
    Response,
)
from fake_voice.state.clock import Clock
from fake_voice.state.sids import ACCOUNT_SID
from fake_voice.state.store import US1, Store


class RequestPath:
    """State, routes and the request path of one fake; thread-safe."""

    def __init__(self, options: Options, router: Router) -> None:
        self.options = options
        # Without a seed one is drawn, so any run can be repeated: seed=<voice.seed>.
        self.seed = options.seed if options.seed is not None else secrets.randbits(32)
        self.clock = Clock()
        self.store = Store(self.seed, self.clock)
        self.router = router
        self.log = ExchangeLog(options.max_recorded, self.store.lock)
        self.faults = Faults()
        self._signed_in: dict[str, str] = {}
        """Authorization values that sign in as an account SID whatever the region."""

    def reset(self, account_sid: str | None = None) -> None:
        """Back to the world mock(state=...) started from, without exchanges or faults; with
        ``account_sid``, only that account's records and exchanges (faults are kept)."""
        with self.store.lock:
            if account_sid is not None:
                self.store.reset_account(account_sid, self.options.state)
                self.log.clear(account_sid)
                return
            self.store.reset()
            if self.options.state is not None:
                self.store.load(self.options.state)
            self.log.clear()
            self.faults.clear()

    def answer(
        self,
        request: Request,
        *,
        as_account: str | None = None,
        region: str = US1,
        voice_hosts_only: bool = False,
    ) -> Response:
        """Answer ``request``; ``as_account`` skips authentication, faults and recording
        (direct calls on the handle).

        The request acts in the region its Voice host names (``voice.au1.twilio.com``); a
        host that names none (the server's own address) acts in ``region``, or, with
        ``voice_hosts_only`` (a client in this process, which sent it to a Twilio host), is
        refused with ``HostRefused`` and neither answered nor recorded.
        """
        operation: Operation | None = None
        account: str | None = None
        acted_in: str | None = None  # recorded once routed (None for a path that is none)
        fault: Fault | None = None
        host_region = region_of(request.host)
        if host_region is None:
            if voice_hosts_only:
                raise HostRefused(request.method, request.url)
            host_region = region
        method = request.method.upper()
        path = request.path
        from_client = as_account is None
        # One function for the whole path, its common case written out: every request takes
        # it, and each call saved counts (the calls left do what the common case cannot).
        try:
            operation, path_params = self.router.match(method, path)
            dialect = operation.dialect
            acted_in = host_region
            if as_account is not None:
                account = as_account
            else:
                authorization = request.header("Authorization")
                account = (authorization and self._signed_in.get(authorization)) or (
                    self._authenticate(request, authorization, acted_in)
                )
            given = dialect.read(request, method)
            # Injected faults (never on direct calls) answer before validation; see faults.
            if from_client and self.faults.listed:
                fault = self.faults.take(method, path, operation.name)
                if fault is not None:
                    raise fault.exception(method, redact_url(request.url))
            schema = operation.request
            if given is NO_PARAMS and not request.body:  # nothing sent: nothing unknown
                takes_nothing = schema.takes_nothing  # see Dialect.parse
                params = {} if takes_nothing else dialect.parse(given, schema, method)
            else:
                self._check_unknown(request, dialect, method, operation, given, from_client)
                params = dialect.parse(given, schema, method)
            if operation.check is not None:
                operation.check(params, path_params)
            body = self.operate(
                operation, path_params, params, account, acted_in, request.base_url, path, request
            )
            response = respond(operation, body, self.options.self_check)
        except TwilioError as error:
            # The version's error shape: the operation's, else the one its path names.
            dialect = operation.dialect if operation is not None else dialects.for_path(path)
            response = dialect.error_response(error)
            if self.options.self_check:
                where = f"{method} {path}"
                if response.unparsed:  # an error the dialect has written before
                    check_body(dialect.error_schema, response.body, where)
                else:
                    check_response(dialect.error_schema, response.data, where)
        except TransportFault:
            name = operation.name if operation is not None else None
            with self.store.lock:  # the log's lock
                self.log.record(request, None, {}, b"", name, account, acted_in, fault)
            raise
        headers = response.headers
        # SIDs are drawn under the store lock, request IDs too; the log is kept under it.
        with self.store.lock:
            request_id = self.store.sids.new_unrecorded("RQ")
            if type(headers) is dict:  # made for this answer alone (respond, error_response)
                headers["Twilio-Request-Id"] = request_id
            else:
                response = response.with_header("Twilio-Request-Id", request_id)
                headers = response.headers
            if from_client:
                name = operation.name if operation is not None else None
                self.log.record(
                    request, response.status, headers, response.body, name, account, acted_in, fault
                )
        return response

    def operate(
        self,
        operation: Operation,
        path_params: Mapping[str, str],
        params: dict[str, Any],
        account: str,
        region: str,
        base_url: str,
        path: str,
        request: Request,
    ) -> Any:
        """Run an operation on the store, under its lock: the body its implementation
        returns (data, ``Encoded``, a ``Page``, a ``Reply``, or None), or the
        ``TwilioError`` it raises, for ``request``."""
        store = self.store
        with store.lock:
            context = Context(
                store,
                self.options,
                store.account(account, region),
                operation,
                path_params,
                params,
                base_url,
                path,
                request,
            )
            return operation.implementation(context)

    def _check_unknown(
        self,
        request: Request,
        dialect: Dialect,
        method: str,
        operation: Operation,
        given: MultiDict,
        from_client: bool,
    ) -> None:
        """Unknown parameters, as the option says; direct calls (the test's own seeding
        code) always refuse them. Checked before the other parameter rules: a typo of a
        required name is better named as the typo than as the missing parameter."""
        mode = self.options.unknown_parameters if from_client else "reject"
        if mode == "ignore":
            return
        found = unknown_messages(request, dialect, method, operation.name, operation.request, given)
        if found and mode == "reject":
            raise bad_request(found[0][1])
        for _, message in found:
            warnings.warn(UnknownParameterWarning(f"{operation.name}: {message}"), stacklevel=2)

    def _authenticate(self, request: Request, value: str | None, region: str) -> str:
        """The account a request acts for in ``region``, from HTTP Basic auth (else 401),
        for an ``Authorization`` value (``value``) that has not signed in already."""
        credentials = request.credentials()
        if credentials is None:
            raise unauthorized()
        username = credentials.username
        if ACCOUNT_SID.match(username):
            account = username
            if self.options.auth_tokens is None and len(self._signed_in) < 256:
                # With no tokens set, an account SID signs in with any secret, anywhere.
                self._signed_in[value] = account  # type: ignore[index]  # value is a str
        else:
            mapped = self.options.account_of_key(username, region)
            if mapped is None:
                raise unauthorized()
            account = mapped
        if not self.options.secret_is_right(username, credentials.password, region):
            raise unauthorized()
        return account


def respond(operation: Operation, body: Any, self_check: bool) -> Response:
    """The success response for what an implementation returned, checked against its schema.

    ``Encoded`` bodies and the encoded items of a ``Page`` were checked when they were
    encoded; everything else is checked here.
    """
    if type(body) is Encoded:  # the usual answer first: a record (Response.encoded's)
        return Response(operation.status, {"Content-Type": JSON_CONTENT_TYPE}, body)
    if isinstance(body, Reply):
        answer = respond(operation, body.body, self_check)
        return Response(answer.status, {**answer.headers, **body.headers}, answer.body)
    if body is None:
        return Response.empty(operation.status)
    if isinstance(body, Page):
        return Response.encoded(operation.status, _page_body(operation, body, self_check))
    if isinstance(body, Encoded):
        return Response.encoded(operation.status, body)
    if self_check and operation.response is not None:
        check_response(operation.response, body, operation.name)
    return Response.json(operation.status, body)


_MEMO_SIZE = 512
_RESTS: dict[Hashable, bytes] = {}
"""The encoded rests of pages (v1: ``,"meta":{...}``) by the schema they were checked by
(None: unchecked) and the page's ``rest_key``: a page whose items are all checked already
and whose rest was checked before needs no check at all."""


def _page_body(operation: Operation, page: Page, self_check: bool) -> bytes:
    schema = operation.response if self_check else None
    items, checked_items = page.encoded_items()
    memo = (schema, page.key, page.rest_key) if page.rest_key is not None else None
    if memo is not None and checked_items:
        rest = _RESTS.get(memo)
        if rest is not None:
            return page.encode(rest, items)
    if schema is not None:
        check_response(schema, page.unchecked(), operation.name)
    rest = page.encoded_rest()
    if memo is not None and checked_items:
        if len(_RESTS) >= _MEMO_SIZE:
            _RESTS.clear()
        _RESTS[memo] = rest
    return page.encode(rest, items)
