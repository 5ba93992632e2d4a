"""The handle a test holds: what it reads back, and what it drives the fake with.

State and the request path live in ``fake_voice.core``; this is the public face over them:
the lifecycle (``intercept.registry``), recorded exchanges and their filters, faults, the
clock, direct calls that seed and read state by the same rules as HTTP, snapshots, direct
clients and serving.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from fake_voice import resources
from fake_voice.core import dialects
from fake_voice.core.errors import TwilioError
from fake_voice.core.exchanges import Exchange, Exchanges
from fake_voice.core.faults import (
    Fault,
    Matcher,
    TransportError,
    check_operation,
    path_fields,
    unmet_message,
)
from fake_voice.core.filters import Filter, expect
from fake_voice.core.hosts import voice_base
from fake_voice.core.options import Options, check_account_sid
from fake_voice.core.request_path import RequestPath, respond
from fake_voice.core.schemas import SchemaViolation, validator
from fake_voice.core.wire import Request, Response, v1_path
from fake_voice.intercept import registry
from fake_voice.resources import _stored, archived_calls, dialing_permissions, transcriptions
from fake_voice.state import snapshot
from fake_voice.state.clock import Clock
from fake_voice.state.store import US1, StateError, Store

if TYPE_CHECKING:
    import os

    from twilio.rest import Client as TwilioClient

    from fake_voice.intercept.direct import AsyncDirectHttpClient, DirectHttpClient
    from fake_voice.server.http import Server

F = TypeVar("F", bound=Callable[..., Any])


class FakeVoice:
    """A stateful fake of voice.twilio.com, and the handle a test inspects it through.

    Use it as a context manager (``with fake_voice.mock() as voice``), as a decorator on
    functions, coroutine functions and classes (fresh state for every decorated call), or
    with ``start()`` and ``stop()``. Its state, exchanges and direct calls work whether or
    not it intercepts.
    """

    def __init__(self, options: Options) -> None:
        self._core = RequestPath(options, resources.router())
        # What a client in this process sent to a Twilio host (interception and the direct
        # clients) is answered by the core at once; a Twilio host other than Voice is
        # refused (HostRefused), never answered.
        self._answer_client: Callable[[Request], Response] = functools.partial(
            self._core.answer, voice_hosts_only=True
        )

    # -- lifecycle (one registry for every fake of the process: intercept.registry) -----

    @property
    def active(self) -> bool:
        """True while this fake is started (intercepting)."""
        return registry.depth(self) > 0

    def start(self) -> FakeVoice:
        """Begin intercepting; calls nest, and only the outermost ``stop()`` ends it."""
        registry.start(self, self._answer_client)
        return self

    def stop(self) -> None:
        """Undo one ``start()``; after the outermost one this fake never answers again."""
        registry.stop(self)

    def __enter__(self) -> FakeVoice:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        outermost = registry.stop(self)
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

    # -- what a test reads and drives -------------------------------------------------

    @property
    def options(self) -> Options:
        return self._core.options

    @property
    def seed(self) -> int:
        """The seed of every random value: the one given, or one drawn when none was."""
        return self._core.seed

    @property
    def requests(self) -> Exchanges:
        """Every exchange the fake answered, oldest first: a read-only snapshot."""
        return self._core.log.snapshot()

    @property
    def requests_dropped(self) -> int:
        """How many of the oldest exchanges ``max_recorded`` dropped (0 without a limit)."""
        return self._core.log.dropped

    @property
    def clock(self) -> Clock:
        """The fake's clock: ``freeze()``, ``set()``, ``advance()``, ``unfreeze()``."""
        return self._core.clock

    # -- faults and inspection (rules in _faults.py and _inspect.py) ------------------

    def fail(
        self,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        sid: str | None = None,
        status: int | None = None,
        code: int | None = None,
        message: str | None = None,
        retry_after: int | None = None,
        error: TransportError | None = None,
        times: int | None = 1,
        optional: bool = False,
    ) -> Fault:
        """Make the next ``times`` matching requests fail (``times=None``: every one).

        Match by ``operation`` (Twilio's operationId), ``method``, ``path`` (exact, a glob
        with ``*`` / ``**``, or a compiled regex) and ``sid`` (a segment of the path). The
        answer is ``status`` (default 500) in Twilio's envelope with ``code`` (default
        20000 + status) and ``message`` (default the status phrase), plus ``Retry-After``
        (default 1 for a 429); or, with ``error="connection"`` / ``"timeout"``, the
        ``requests`` exception a real transport raises. Faults set earlier are used up
        first, so ``fail(status=429)`` then ``fail(error="timeout")`` fails in that order.
        """
        when = self._filter(operation, method=method, path=path, sid=sid).when
        fault = Fault(when, status, code, message, retry_after, error, times, optional)
        return self._core.faults.add(fault)

    @property
    def faults(self) -> list[Fault]:
        """Every fault set on this fake, in order, with how often each has ``fired``."""
        return self._core.faults.all()

    def clear_faults(self) -> None:
        self._core.faults.clear()

    def assert_all_faults_fired(self) -> None:
        """AssertionError naming every non-optional fault that fired fewer times than set."""
        unmet = self._core.faults.unmet()
        if unmet:
            raise AssertionError(unmet_message(unmet))

    def _check_faults_at_end(self) -> None:
        # What a clean exit from `with` and the fixture's teardown after a passing test run.
        if self.options.assert_all_faults_fired:
            self.assert_all_faults_fired()

    def calls(
        self,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        sid: str | None = None,
        form: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        status: int | None = None,
    ) -> list[Exchange]:
        """The recorded exchanges that match every filter given, oldest first.

        ``form`` / ``query``: each value must be among those sent for its key (a list:
        exactly the values sent, in order). Other filters work as in :meth:`fail`.
        """
        wanted = self._filter(
            operation, method=method, path=path, sid=sid, form=form, query=query, status=status
        )
        return wanted.select(self.requests)

    def assert_called(self, operation: str | None = None, **filters: Any) -> list[Exchange]:
        """The matching exchanges (filters as :meth:`calls`); AssertionError if there is none."""
        return self._expect(operation, filters, None)

    def assert_called_once(self, operation: str | None = None, **filters: Any) -> Exchange:
        """The one matching exchange; AssertionError if there are none or several."""
        return self._expect(operation, filters, 1)[0]

    def assert_not_called(self, operation: str | None = None, **filters: Any) -> None:
        self._expect(operation, filters, 0)

    def _expect(
        self, operation: str | None, filters: dict[str, Any], count: int | None
    ) -> list[Exchange]:
        return expect(self.requests, self._filter(operation, **filters), count=count)

    def _filter(
        self,
        operation: str | None,
        *,
        path: str | re.Pattern[str] | None = None,
        form: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        status: int | None = None,
        **when: str | None,
    ) -> Filter:
        check_operation(operation, self._core.router.operations)
        matcher = Matcher(operation=operation, **path_fields(path), **when)
        return Filter(matcher, form, query, status)

    def reset(self, account_sid: str | None = None) -> None:
        """Forget every resource and every recorded exchange; with ``account_sid``, only that
        account's (its records go back to what ``mock(state=...)`` gave it; faults stay)."""
        self._core.reset(account_sid)

    def save_cassette(self, path: Any) -> None:
        """Write every recorded exchange to ``path`` (a str or os.PathLike) as a VCR.py cassette.

        YAML, as vcrpy and pytest-recording read and replay it; Authorization headers and
        URL passwords are left out. ``fake-voice validate`` checks it like any cassette.
        """
        from fake_voice.traffic.write import write_cassette

        write_cassette(self.requests, path)

    def save_recording(self, path: Any) -> None:
        """Write every recorded exchange to ``path`` as a fake-voice recording (JSON, versioned).

        The format is described in ``fake_voice._traffic_write``; credentials are left out.
        """
        from fake_voice.traffic.write import write_recording

        write_recording(self.requests, path)

    def export_state(self, account_sid: str | None = None) -> dict[str, Any]:
        """A deep copy of every account's stored records (or only ``account_sid``'s), as
        JSON-ready data."""
        return self._core.store.export(account_sid)

    # -- direct clients: the official client on this fake, without HTTP (see _direct.py) --

    def client(
        self, account_sid: str | None = None, auth_token: str = "token", **options: Any
    ) -> TwilioClient:
        """An official ``twilio.rest.Client`` whose requests go straight to this fake.

        Same answers, errors, pages and recorded exchanges as over HTTP, without the HTTP
        stack (several times faster), whether or not the fake is started. ``account_sid``
        defaults to the fake's ``account_sid`` option; ``options`` go to ``Client``
        (``region=``, ``edge=``...).
        """
        return self._twilio_client(account_sid, auth_token, self.http_client(), options)

    def async_client(
        self, account_sid: str | None = None, auth_token: str = "token", **options: Any
    ) -> TwilioClient:
        """Like :meth:`client`, for the ``*_async`` methods (``create_async``...); no aiohttp."""
        return self._twilio_client(account_sid, auth_token, self.async_http_client(), options)

    def _twilio_client(
        self, account_sid: str | None, token: str, http: object, options: dict[str, Any]
    ) -> TwilioClient:
        from twilio.rest import Client

        untyped: Any = Client  # twilio ships no type information for its constructor
        username = account_sid or self.options.account_sid
        client: TwilioClient = untyped(username, token, http_client=http, **options)
        return client

    def http_client(self) -> DirectHttpClient:
        """A twilio ``HttpClient`` calling this fake, for a ``Client`` built your own way."""
        from fake_voice.intercept.direct import DirectHttpClient

        return DirectHttpClient(self._answer_client)

    def async_http_client(self) -> AsyncDirectHttpClient:
        """A twilio ``AsyncHttpClient`` calling this fake (no aiohttp involved)."""
        from fake_voice.intercept.direct import AsyncDirectHttpClient

        return AsyncDirectHttpClient(self._answer_client)

    def answer(self, request: Request, *, region: str = US1) -> Response:
        """Answer one transport-neutral request, from any host (what the server calls); a
        host that names no Voice region acts in ``region``."""
        return self._core.answer(request, region=region)

    # -- direct calls: seed and read state by the same rules as over HTTP -------------

    def _account(self, account_sid: str | None) -> str:
        """The account a direct call acts for (ValueError unless it is an account SID)."""
        if account_sid is None:
            return self.options.account_sid
        return check_account_sid(account_sid, "account_sid")

    def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        account_sid: str | None = None,
        region: str = US1,
    ) -> Any:
        """Send one request straight to the fake, with no HTTP and no recording.

        ``path`` is ``/v1/ConnectionPolicies`` or just ``ConnectionPolicies`` (v1), or names
        its version: ``/v2/Configurations/Recording``, ``v3/Transcriptions``. ``params`` take
        Twilio's names (``FriendlyName``, ``unique_name``, ``transcriptionConfigurationId``)
        and Python values, sent as that version's official client sends them: a form for
        v1, a JSON body for v2 and v3 (a dict or list is sent as it is); a None value is not
        sent, and a parameter the operation does not take is refused whatever
        ``unknown_parameters`` says (it is the test's own code). It acts in ``region``
        (``"au1"``...). Returns the parsed body (None for 204) or raises
        :class:`TwilioError` with Twilio's status, code and message (a v3 problem's
        ``detail``, else its ``title``).
        """
        account = self._account(account_sid)
        full = v1_path(path)
        dialect = dialects.for_path(full.partition("?")[0])
        request = dialect.request(method.upper(), voice_base(region) + full, params or {})
        response = self._core.answer(request, as_account=account)
        if response.status >= 400:
            data = response.data
            message = data.get("message") or data.get("detail") or data["title"]
            raise TwilioError(response.status, data["code"], message)
        return response.data

    def create(
        self, path: str, *, account_sid: str | None = None, region: str = US1, **params: object
    ) -> Any:
        """Create a resource: ``voice.create("ConnectionPolicies", FriendlyName="edge")``."""
        return self.call("POST", path, params, account_sid=account_sid, region=region)

    def fetch(self, path: str, *, account_sid: str | None = None, region: str = US1) -> Any:
        return self.call("GET", path, account_sid=account_sid, region=region)

    def update(
        self, path: str, *, account_sid: str | None = None, region: str = US1, **params: object
    ) -> Any:
        """Update a resource: POST for v1, PUT for v2 (whose updates are PUT)."""
        method = "PUT" if v1_path(path).startswith("/v2/") else "POST"
        return self.call(method, path, params, account_sid=account_sid, region=region)

    def delete(self, path: str, *, account_sid: str | None = None, region: str = US1) -> None:
        self.call("DELETE", path, account_sid=account_sid, region=region)

    def list_all(
        self, path: str, *, account_sid: str | None = None, region: str = US1, **filters: object
    ) -> list[Any]:
        """Every record of a list, following its pages: ``voice.list_all("ConnectionPolicies")``."""
        page = self.call("GET", path, filters, account_sid=account_sid, region=region)
        records: list[Any] = list(page[page["meta"]["key"]])
        while page["meta"].get("nextToken"):  # v3: the same filters, and the next token
            query = urlencode({**filters, "pageToken": page["meta"]["nextToken"]})
            page = self.call("GET", f"{path}?{query}", account_sid=account_sid)
            records.extend(page[page["meta"]["key"]])
        while page["meta"].get("next_page_url"):
            next_url = urlsplit(page["meta"]["next_page_url"])
            following = f"{next_url.path}?{next_url.query}"
            page = self.call("GET", following, account_sid=account_sid, region=region)
            records.extend(page[page["meta"]["key"]])
        return records

    def add_archived_call(
        self,
        date: str,
        sid: str | None = None,
        *,
        account_sid: str | None = None,
        region: str = US1,
    ) -> str:
        """Archive a call for Bulk Export, so ``DELETE /v1/Archives/{date}/Calls/{sid}`` finds it.

        ``date`` is ``YYYY-MM-DD`` (a ``datetime.date`` works too); a new CA SID is drawn
        unless ``sid`` is given. Returns the SID; raises ValueError for a malformed date or
        SID, or a call already archived under that date.
        """
        account = self._account(account_sid)
        return archived_calls.add_archived_call(self._core.store, account, region, date, sid)

    def set_high_risk_prefixes(
        self,
        iso_code: str,
        prefixes: list[str] | tuple[str, ...],
        *,
        account_sid: str | None = None,
        region: str = US1,
    ) -> None:
        """Set the high-risk special prefixes a country lists (``["+37181", "+3719000"]``).

        Replaces the country's earlier prefixes for that account; an empty list clears them.
        Raises ValueError for an unknown country or a prefix not under its calling code.
        """
        account = self._account(account_sid)
        dialing_permissions.set_high_risk_prefixes(
            self._core.store, account, region, iso_code, prefixes
        )

    def finish_transcription(
        self, transcription_id: str, status: str = "COMPLETED", *, account_sid: str | None = None
    ) -> None:
        """Settle a v3 transcription now, as ``COMPLETED`` or ``FAILED``, whatever the clock.

        Until then a transcription is PENDING for 5 seconds of the fake's clock, RUNNING
        until 15 seconds and COMPLETED after. Raises ValueError for another status and
        KeyError for a transcription the account does not have.
        """
        account = self._core.store.account(self._account(account_sid))
        with self._core.store.lock:
            transcriptions.finish(account, transcription_id, status, self._core.clock.now())

    # -- state from elsewhere, and the fake over real HTTP -----------------------------

    def load_state(
        self, state: Mapping[str, Any] | str | os.PathLike[str], account_sid: str | None = None
    ) -> None:
        """Replace every account's records with ``state``, as ``export_state()`` returned it,
        or with the JSON file at the path ``state`` names. With ``account_sid``, replace only
        that account's (``state`` may hold no other; the others are kept).

        All or nothing: the state is checked first (its shape, and every record fetched and
        rendered by the fake's own rules on a trial copy), and a bad one raises
        :class:`StateError` saying where and why, leaving the fake as it was. Recorded
        exchanges, faults and the clock are kept.
        """
        data = snapshot.read(state)
        self._core.store.adopt(_verified(self.options, data), account_sid)

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        timeout: float = 10.0,
        region: str = US1,
        proxy: bool = False,
        ca_dir: str | os.PathLike[str] | None = None,
    ) -> Server:
        """Serve this fake over HTTP from a background thread; returns the running server.

        ``port=0`` picks a free port; ``server.url`` says where it listens. Requests to the
        server and to the in-process fake share one state. ``timeout`` is how long a
        connection may stall mid-request. Requests whose Host header names a Voice region
        (``voice.au1.twilio.com``) act there; the rest act in ``region``. ``proxy=True``
        makes it an HTTP proxy for Voice hosts too, signing with the CA in ``ca_dir`` (see
        the README's proxy section). Use it as ``with voice.serve() as server:`` or call
        ``server.stop()``.
        """
        from fake_voice.server.http import Server

        voice_base(region)  # ValueError for a malformed region, before the port is bound
        if not proxy:
            return Server(self, host, port, timeout=timeout, region=region)
        from fake_voice.server.proxy import certificate_authority

        authority = certificate_authority(ca_dir)
        return Server(self, host, port, timeout=timeout, region=region, proxy=authority)


def _verified(options: Options, data: object) -> Store:
    """A store holding ``data``, once every record loads and renders by the fake's rules
    (else StateError, and nothing else changed).

    A trial fake loads the data and fetches each record at its ``url``, so a record must be
    one its resource can find and render by its schema (a Target under a missing policy, a
    stray property or a wrong type are all refused). Records of a declared kind that are
    known answered without it (``resources/_stored.py``) are not fetched one by one: a
    collection of them is checked whole. What an account holds beyond its records
    (``extras``) must satisfy ``schemas/state/extras.json``.
    """
    trial = RequestPath(dataclasses.replace(options, self_check=True), resources.router())
    sendable = trial.store.load(data)
    extras = validator("state/extras.json")
    for (region, account_sid), account in sorted(trial.store.accounts.items()):
        named = f"account {account_sid}" + ("" if region == US1 else f" in {region}")
        error = next(iter(extras.iter_errors(account.extras)), None)
        if error is not None:
            pointer = "/".join(str(part) for part in error.absolute_path)
            raise StateError(f"{named}: extras/{pointer}: {error.message}")
        base = voice_base(region)
        # What each fetch is given as its request: it reads its path from its context, and
        # a request's headers (none here) only; one for the account, not one per record.
        request = Request("GET", base, {})
        for (kind, parent), collection in account.collections():
            name = f"{kind}/{parent}" if parent else kind
            # A collection whose records are all known answered needs no fetch; otherwise
            # each record not known answered is fetched, which names the first that fails.
            answered = None
            if sendable:
                answered = _stored.answered(trial.router, account, kind, parent, base)
            records = list(collection)
            if answered is not None and answered(records):
                continue
            for index, record in enumerate(records):
                if answered is None or not answered([record]):
                    where = f"{named}: {name}[{index}]"
                    _fetch(trial, account_sid, region, request, where, record)
    return trial.store


def _fetch(
    trial: RequestPath,
    account_sid: str,
    region: str,
    request: Request,
    where: str,
    record: dict[str, Any],
) -> None:
    """Fetch ``record`` at its ``url`` as the fake's fetch operation would, minus HTTP."""
    url = record.get("url")
    if not isinstance(url, str) or not re.match(r"/v[123]/", url) or "?" in url:
        raise StateError(f"{where} needs a url: the /vN/... path it is fetched at")
    try:
        operation, path_params = trial.router.match("GET", url)
        base = request.base_url
        body = trial.operate(operation, path_params, {}, account_sid, region, base, url, request)
        respond(operation, body, self_check=True)  # what the body is checked by, if not yet
    except TwilioError as error:
        raise StateError(f"{where} cannot be fetched at {url}: {error.message}") from None
    except SchemaViolation as violation:
        raise StateError(
            f"{where} does not render by its schema at {violation.pointer}: {violation.reason}"
        ) from None
    except (KeyError, TypeError, ValueError) as error:  # a v2/v3 record missing what it needs
        raise StateError(f"{where} cannot be rendered: {type(error).__name__} {error}") from None
    # A fetch finds its record by the url's last segment (a sid, an id, a v2 Type).
    if url.rsplit("/", 1)[1] != record["sid"]:
        raise StateError(f"{where} has the sid {record['sid']} but its url names another")
