"""Create, fetch, list, update and delete for any SID-keyed resource, from a declaration.

A resource module declares a :class:`Kind` (its SID prefix, paths, parameters and defaults,
and the rules beyond its schema) and gets the five operations from :func:`crud_operations`.
Every operation validates everything before it changes anything, so a refused request
leaves the store as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import is_
from typing import Any, cast

from fake_voice.core.dialect import Listing
from fake_voice.core.errors import not_found
from fake_voice.core.operations import Context, Implementation
from fake_voice.core.schema_compiler import Check
from fake_voice.core.schemas import check_response, is_valid
from fake_voice.core.wire import JSON, Encoded, encode_json
from fake_voice.state.store import Collection, Record

Rule = Callable[[Context, Record, "Record | None"], None]
_NONE: dict[str, tuple[Record, bytes]] = {}  # never written: what a record never encoded has
Cascade = Callable[[Context, Record], None]


@dataclass(frozen=True)
class Field:
    """A form parameter and the property it sets, with the value it takes when not sent."""

    param: str
    name: str
    default: Any = None


@dataclass(frozen=True)
class Kind:
    key: str
    """Collection name, and the list key of its pages (``connection_policies``)."""
    prefix: str
    collection_path: str
    """e.g. ``/v1/ConnectionPolicies/{parent}/Targets``; ``{parent}`` is the parent's SID."""
    fields: tuple[Field, ...]
    schema: str
    """The resource schema under ``schemas/`` that every rendered record must satisfy."""
    parent_key: str = ""
    """The parent kind's collection name, for nested resources."""
    parent_field: str = ""
    """The property holding the parent's SID (``connection_policy_sid``)."""
    parent_param: str = ""
    """The path parameter naming the parent (``ConnectionPolicySid``)."""
    links: Mapping[str, str] = field(default_factory=dict)
    with_account: bool = True
    rules: tuple[Rule, ...] = ()
    on_delete: tuple[Cascade, ...] = ()

    @cached_property
    def _valid(self) -> Check:
        """Whether a rendering satisfies ``schema`` (check_response's verdict, at once)."""
        return is_valid(self.schema)

    def render(self, record: Record, base_url: str) -> dict[str, JSON]:
        """The record as Twilio sends it, every URL on the host the caller used."""
        url = base_url + record["url"]
        body = {**record, "url": url}
        if self.links:
            links = body["links"] = {}
            for name, sub in self.links.items():  # a loop, not a comprehension: no call
                links[name] = f"{url}/{sub}"
        return body

    def encoded(self, ctx: Context, record: Record) -> Encoded:
        """The record as the caller's host sees it, encoded and checked once per version.

        Records are never changed in place (an update stores a new dict), so the cache
        entry is valid exactly while it holds the very record stored now.
        """
        base_url = ctx.base_url
        by_host = ctx.store.encoded.get(record["sid"])
        if by_host is None:
            by_host = ctx.store.encoded[record["sid"]] = {}
        else:
            cached = by_host.get(base_url)
            if cached is not None and cached[0] is record:
                return cast(Encoded, cached[1])
        body = self.render(record, base_url)
        if ctx.options.self_check and not self._valid(body):
            check_response(self.schema, body, ctx.operation.name)  # raises, saying why
        encoded = Encoded(encode_json(body))
        by_host[base_url] = (record, encoded)
        return encoded

    def encoded_all(self, ctx: Context, records: list[Record]) -> list[Encoded]:
        """:meth:`encoded` for every record of a page: one lookup each where it is cached."""
        cache, base_url = ctx.store.encoded, ctx.base_url
        out: list[Encoded] = []
        for record in records:
            cached = cache.get(record["sid"], _NONE).get(base_url)
            if cached is not None and cached[0] is record:
                out.append(cached[1])  # type: ignore[arg-type]  # what encoded() stored
            else:
                out.append(self.encoded(ctx, record))
        return out

    def parent_of(self, ctx: Context) -> str:
        """The parent SID in the path, after checking the parent exists (else 404)."""
        if not self.parent_key:
            return ""
        parent = ctx.path_params[self.parent_param]
        if parent not in ctx.account.collection(self.parent_key).records:
            raise not_found(ctx.path)
        return parent

    def find(self, ctx: Context) -> tuple[Collection, Record]:
        collection = ctx.account.collection(self.key, self.parent_of(ctx))
        record = collection.records.get(ctx.path_params["Sid"])
        if record is None:
            raise not_found(ctx.path)
        return collection, record

    def new_record(self, ctx: Context, values: Mapping[str, Any]) -> Record:
        """A record built from ``values`` (property name -> value), checked but not stored."""
        parent = self.parent_of(ctx)
        sid = ctx.store.sids.new(self.prefix)
        now = ctx.store.clock.stamp()
        record: Record = {}
        if self.with_account:
            record["account_sid"] = ctx.account.sid
        if self.parent_field:
            record[self.parent_field] = parent
        record["sid"] = sid
        for spec in self.fields:
            record[spec.name] = values.get(spec.name, spec.default)
        record["date_created"] = record["date_updated"] = now
        record["url"] = self.collection_path.format(parent=parent) + "/" + sid
        for rule in self.rules:
            rule(ctx, record, None)
        return record

    def given(self, ctx: Context) -> dict[str, Any]:
        """The properties this request sets, from the parameters it sent."""
        params = ctx.params
        given: dict[str, Any] = {}
        for spec in self.fields:  # a loop, not a comprehension: no call
            if spec.param in params:
                given[spec.name] = params[spec.param]
        return given

    def create(self, ctx: Context) -> JSON:
        record = self.new_record(ctx, self.given(ctx))
        ctx.account.collection(self.key, record.get(self.parent_field, "")).add(record)
        return self.encoded(ctx, record)

    def fetch(self, ctx: Context) -> JSON:
        return self.encoded(ctx, self.find(ctx)[1])

    def list(self, ctx: Context) -> JSON:
        parent = self.parent_of(ctx)
        return ctx.page(_Listed(self, ctx, ctx.account.collection(self.key, parent)))

    def update(self, ctx: Context) -> JSON:
        collection, old = self.find(ctx)
        record = {**old, **self.given(ctx), "date_updated": ctx.store.clock.stamp()}
        for rule in self.rules:
            rule(ctx, record, old)
        collection.records[record["sid"]] = record
        return self.encoded(ctx, record)

    def delete(self, ctx: Context) -> JSON:
        collection, record = self.find(ctx)
        for cascade in self.on_delete:
            cascade(ctx, record)
        collection.remove(record["sid"])
        ctx.store.encoded.pop(record["sid"], None)
        return None


class _Listed(Listing):
    """A kind's collection as its list operation hands it to the dialect: Listing's
    callables as methods, so that a list builds none it does not call, and the collection's
    own rank instead of a binary search. A page's items are
    the kind's encoded records: the same page of the very same records (identical objects,
    never changed in place) for the same host, self-check on or off, is encoded as before,
    its records only looked up and compared."""

    _kind: Kind
    _ctx: Context
    _collection: Collection

    def __init__(self, kind: Kind, ctx: Context, collection: Collection) -> None:
        fields = self.__dict__  # as Listing does it
        fields["key"] = kind.key
        fields["items"] = collection.in_order()
        fields["_kind"] = kind
        fields["_ctx"] = ctx
        fields["_collection"] = collection

    def position(self, key: str) -> int | None:
        return self._collection.positions.get(key)

    def index_of(self, place: int) -> int:
        return self._collection.rank(place)

    def render(self, record: Record) -> JSON:
        return self._kind.encoded(self._ctx, record)

    def rendered(self, chosen: Sequence[tuple[str, int, Any]]) -> list[JSON]:
        records = [record for _, _, record in chosen]
        return cast("list[JSON]", self._kind.encoded_all(self._ctx, records))

    def page_items(self, start: int, end: int) -> tuple[list[str], list[JSON]]:
        collection = self._collection
        sids = collection.in_order().sids(start, end)
        if not sids:
            return sids, []
        kind, ctx, records = self._kind, self._ctx, collection.records
        key = (kind.key, ctx.base_url, ctx.options.self_check, sids[0], len(sids))
        found = _PAGES.get(key)
        if (
            found is not None
            and found[0] is kind
            and found[1] == sids
            and all(map(is_, found[2], map(records.__getitem__, sids)))
        ):
            return sids, list(found[3])
        chosen = list(map(records.__getitem__, sids))
        encoded = kind.encoded_all(ctx, chosen)
        entry = (kind, list(sids), tuple(chosen), tuple(encoded))
        global _PAGES_HELD
        with _PAGES_LOCK:  # fakes in other threads hold other store locks
            if _PAGES_HELD + len(encoded) > _PAGES_BOUND:
                _PAGES.clear()
                _PAGES_HELD = 0
            if key not in _PAGES:
                _PAGES_HELD += len(encoded)
            _PAGES[key] = entry
        return sids, cast("list[JSON]", encoded)


_PAGES: dict[
    tuple[str, str, bool, str, int],
    tuple[Kind, list[str], tuple[Record, ...], tuple[Encoded, ...]],
] = {}
"""The encoded records of recent pages by kind, host, self-check, first SID and length,
with the kind, the SIDs and the very records they were encoded from; at most
``_PAGES_BOUND`` records in all."""
_PAGES_BOUND = 4096
_PAGES_HELD = 0
_PAGES_LOCK = threading.Lock()


def crud_operations(kind: Kind, name: str) -> dict[str, Implementation]:
    """The five operations of ``kind``, under Twilio's operationIds (``Create<name>``...)."""
    return {
        f"Create{name}": kind.create,
        f"Fetch{name}": kind.fetch,
        f"List{name}": kind.list,
        f"Update{name}": kind.update,
        f"Delete{name}": kind.delete,
    }
