"""Create, fetch, list, update and delete for any SID-keyed resource, from a declaration.

A resource module declares a :class:`Kind` (its SID prefix, paths, parameters and defaults,
and the rules beyond its schema) and gets the five handlers from :func:`handlers`.
Every handler validates everything before it changes anything, so a refused request
leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fake_voice._pages import paginate
from fake_voice._routes import Call, Handler
from fake_voice._schemas import check_response
from fake_voice._store import Collection, Record, format_date
from fake_voice._wire import JSON, Encoded, encode_json, not_found

Rule = Callable[[Call, Record, "Record | None"], None]
Cascade = Callable[[Call, Record], None]


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

    def collection(self, call: Call, parent: str = "") -> Collection:
        return call.account.collection(self.key, parent)

    def render(self, record: Record, base_url: str) -> dict[str, JSON]:
        """The record as Twilio sends it, every URL on the host the caller used."""
        url = base_url + record["url"]
        body = {**record, "url": url}
        if self.links:
            body["links"] = {name: f"{url}/{sub}" for name, sub in self.links.items()}
        return body

    def encoded(self, call: Call, record: Record) -> Encoded:
        """The record as the caller's host sees it, encoded and checked once per version.

        Records are never changed in place (an update stores a new dict), so the cache
        entry is valid exactly while it holds the very record stored now.
        """
        by_host = call.store.encoded.setdefault(record["sid"], {})
        cached = by_host.get(call.base_url)
        if cached is not None and cached[0] is record:
            return cached[1]
        body = self.render(record, call.base_url)
        if call.options.self_check:
            check_response(self.schema, body, call.operation.name)
        encoded = Encoded(encode_json(body))
        by_host[call.base_url] = (record, encoded)
        return encoded

    def parent_of(self, call: Call) -> str:
        """The parent SID in the path, after checking the parent exists (else 404)."""
        if not self.parent_key:
            return ""
        parent = call.path_params[self.parent_param]
        if parent not in call.account.collection(self.parent_key).records:
            raise not_found(call.path)
        return parent

    def find(self, call: Call) -> tuple[Collection, Record]:
        collection = self.collection(call, self.parent_of(call))
        record = collection.records.get(call.path_params["Sid"])
        if record is None:
            raise not_found(call.path)
        return collection, record

    def new_record(self, call: Call, values: Mapping[str, Any]) -> Record:
        """A record built from ``values`` (property name -> value), checked but not stored."""
        parent = self.parent_of(call)
        sid = call.store.sids.new(self.prefix)
        now = format_date(call.store.clock.now())
        record: Record = {}
        if self.with_account:
            record["account_sid"] = call.account.sid
        if self.parent_field:
            record[self.parent_field] = parent
        record["sid"] = sid
        for spec in self.fields:
            record[spec.name] = values.get(spec.name, spec.default)
        record["date_created"] = record["date_updated"] = now
        record["url"] = self.collection_path.format(parent=parent) + "/" + sid
        for rule in self.rules:
            rule(call, record, None)
        return record

    def given(self, call: Call) -> dict[str, Any]:
        """The properties this request sets, from the parameters it sent."""
        params = call.params
        return {spec.name: params[spec.param] for spec in self.fields if spec.param in params}

    def create(self, call: Call) -> JSON:
        record = self.new_record(call, self.given(call))
        self.collection(call, record.get(self.parent_field, "")).add(record)
        return self.encoded(call, record)

    def fetch(self, call: Call) -> JSON:
        return self.encoded(call, self.find(call)[1])

    def list(self, call: Call) -> JSON:
        collection = self.collection(call, self.parent_of(call))
        return paginate(
            call,
            self.key,
            collection.in_order(),
            collection.positions.get,
            lambda record: self.encoded(call, record),
        )

    def update(self, call: Call) -> JSON:
        collection, old = self.find(call)
        record = {**old, **self.given(call), "date_updated": format_date(call.store.clock.now())}
        for rule in self.rules:
            rule(call, record, old)
        collection.records[record["sid"]] = record
        return self.encoded(call, record)

    def delete(self, call: Call) -> JSON:
        collection, record = self.find(call)
        for cascade in self.on_delete:
            cascade(call, record)
        del collection.records[record["sid"]]
        call.store.encoded.pop(record["sid"], None)
        return None


def handlers(kind: Kind, name: str) -> dict[str, Handler]:
    """The five operations of ``kind``, under Twilio's operationIds (``Create<name>``...)."""
    return {
        f"Create{name}": kind.create,
        f"Fetch{name}": kind.fetch,
        f"List{name}": kind.list,
        f"Update{name}": kind.update,
        f"Delete{name}": kind.delete,
    }
