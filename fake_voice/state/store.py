"""Per-account state behind one lock: accounts, their collections of records, and extras."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from fake_voice.state.clock import Clock
from fake_voice.state.sids import ACCOUNT_SID, SidFactory

Record = dict[str, Any]


class Collection:
    """The records of one resource kind under one parent, in creation order.

    ``positions`` keeps the place of every SID ever stored here, deleted ones included, so a
    page token naming a since-deleted record still positions the next page.
    """

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.positions: dict[str, int] = {}
        self._next = 0

    def add(self, record: Record) -> None:
        sid = record["sid"]
        self.records[sid] = record
        self.positions[sid] = self._next
        self._next += 1

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records.values())

    def in_order(self) -> Sequence[tuple[str, int, Record]]:
        """``(sid, place, record)`` in creation order, built lazily, as pages want them."""
        return _Ordered(self)

    def __len__(self) -> int:
        return len(self.records)


class _Ordered(Sequence[tuple[str, int, Record]]):
    """A read-only view of a collection that builds only the entries a page asks for."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        self._sids = list(collection.records)  # a C-speed copy of the keys, not of records

    def __len__(self) -> int:
        return len(self._sids)

    def _entry(self, sid: str) -> tuple[str, int, Record]:
        return sid, self._collection.positions[sid], self._collection.records[sid]

    @overload
    def __getitem__(self, index: int) -> tuple[str, int, Record]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, int, Record]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, int, Record] | Sequence[tuple[str, int, Record]]:
        if isinstance(index, slice):
            return [self._entry(sid) for sid in self._sids[index]]
        return self._entry(self._sids[index])


class Account:
    """Everything one Twilio account owns in the fake."""

    def __init__(self, sid: str) -> None:
        self.sid = sid
        self._collections: dict[tuple[str, str], Collection] = {}
        self.extras: dict[str, Any] = {}

    def collection(self, kind: str, parent: str = "") -> Collection:
        key = (kind, parent)
        found = self._collections.get(key)
        if found is None:
            found = self._collections[key] = Collection()
        return found

    def record_sids(self) -> Iterator[str]:
        for collection in self._collections.values():
            yield from collection.records

    def drop(self, kind: str, parent: str) -> None:
        self._collections.pop((kind, parent), None)

    def export(self) -> dict[str, Any]:
        """Every record (by ``kind`` or ``kind/parent``, in creation order) and extra, as JSON."""
        collections = {
            (f"{kind}/{parent}" if parent else kind): [dict(r) for r in collection]
            for (kind, parent), collection in sorted(self._collections.items())
            if len(collection)
        }
        return {"collections": collections, "extras": copy.deepcopy(self.extras)}

    @classmethod
    def load(cls, sid: str, data: object) -> Account:
        """An account rebuilt from what :meth:`export` wrote (a deep copy of ``data``).

        Raises :class:`StateError` naming the first thing wrong: a missing or unknown key,
        a collection name that is not ``kind`` or ``kind/parent``, a record without a
        ``sid`` (or one given twice, or whose ``account_sid`` names another account), or a
        value JSON cannot hold. Extras are taken as they are: their resources own their form.
        """
        where = f"account {sid}"
        if not isinstance(data, dict):
            raise StateError(f"{where} must be an object with collections and extras")
        unknown = sorted(str(key) for key in data if key not in ("collections", "extras"))
        if unknown:
            raise StateError(f"{where} has the unknown key {unknown[0]!r}")
        collections = data.get("collections", {})
        extras = data.get("extras", {})
        if not isinstance(collections, dict) or not isinstance(extras, dict):
            raise StateError(f"{where}: collections and extras must be objects")
        account = cls(sid)
        for name, records in collections.items():
            kind, slash, parent = name.partition("/")
            if not _is_name(kind) or (slash and not _is_name(parent)):
                raise StateError(
                    f"{where}: {name!r} is not a collection name (kind or kind/parent)"
                )
            if not isinstance(records, list):
                raise StateError(f"{where}: {name} must be a list of records")
            collection = account.collection(kind, parent)
            for index, record in enumerate(records):
                here = f"{where}: {name}[{index}]"
                if not isinstance(record, dict) or not isinstance(record.get("sid"), str):
                    raise StateError(f"{here} must be an object with a string sid")
                if record["sid"] in collection.records:
                    raise StateError(f"{here} repeats the sid {record['sid']}")
                if record.get("account_sid", sid) != sid:
                    raise StateError(f"{here} belongs to account {record['account_sid']}")
                _check_json(here, record)
                collection.add(copy.deepcopy(record))
        _check_json(f"{where}: extras", extras)
        account.extras = copy.deepcopy(extras)
        return account


class Store:
    """All accounts, the SID factory and the clock; callers hold ``lock`` around each operation."""

    def __init__(self, seed: int, clock: Clock) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.sids = SidFactory(seed)
        self.encoded: dict[str, dict[str, tuple[Record, bytes]]] = {}
        """Rendered records by SID and host, with the record each was rendered from."""
        self.accounts: dict[str, Account] = {}

    def account(self, sid: str) -> Account:
        found = self.accounts.get(sid)
        if found is None:
            found = self.accounts[sid] = Account(sid)
        return found

    def reset(self) -> None:
        with self.lock:
            self.accounts.clear()
            self.encoded.clear()

    def export(self, account_sid: str | None = None) -> dict[str, Any]:
        """Every account that holds anything (or only ``account_sid``, if it does); one a
        refused request merely named is left out."""
        with self.lock:
            exported = {
                sid: account.export()
                for sid, account in sorted(self.accounts.items())
                if account_sid is None or sid == account_sid
            }
        return {
            sid: data for sid, data in exported.items() if data["collections"] or data["extras"]
        }

    def load(self, data: object, account_sid: str | None = None) -> None:
        """Replace every account with those ``data`` holds, as :meth:`export` wrote them;
        with ``account_sid``, replace only that account (``data`` may hold no other).

        All or nothing: everything is checked before anything changes, so bad data raises
        :class:`StateError` and leaves the store as it was. A loaded SID is never drawn
        again. Each collection's records keep their order; a page token naming a record
        deleted before the export no longer positions a page.
        """
        if not isinstance(data, dict):
            raise StateError("state must be an object keyed by account SID")
        if account_sid is not None:
            self._load_account(account_sid, data)
            return
        accounts, sids = _accounts(data, {})
        with self.lock:
            self.accounts.clear()
            self.encoded.clear()
            self.accounts.update(accounts)
            self.sids.reserve(sids)

    def _load_account(self, account_sid: str, data: dict[Any, Any]) -> None:
        others = sorted(str(sid) for sid in data if sid != account_sid)
        if others:
            raise StateError(
                f"the state for account {account_sid} holds another account: {others[0]}"
            )
        with self.lock:
            # A record SID must stay unique across the accounts kept.
            taken = {
                record_sid: sid
                for sid, account in self.accounts.items()
                if sid != account_sid
                for record_sid in account.record_sids()
            }
            accounts, sids = _accounts(data, taken)
            old = self.accounts.pop(account_sid, None)
            for record_sid in old.record_sids() if old is not None else ():
                self.encoded.pop(record_sid, None)
            self.accounts.update(accounts)
            self.sids.reserve(sids)

    def reset_account(self, account_sid: str, initial: Mapping[str, Any] | None) -> None:
        """Forget ``account_sid``'s records, back to its part of ``initial`` (as export wrote
        it) if that holds it; every other account is kept."""
        start = {} if initial is None or account_sid not in initial else initial
        self._load_account(account_sid, {account_sid: start[account_sid]} if start else {})


def _accounts(
    data: dict[Any, Any], taken: dict[str, str]
) -> tuple[dict[str, Account], dict[str, str]]:
    """The accounts ``data`` holds, and which account each record SID belongs to; SIDs in
    ``taken`` (kept from other accounts) may not appear again."""
    accounts: dict[str, Account] = {}
    sids: dict[str, str] = {}
    for sid, account_data in data.items():
        if not (isinstance(sid, str) and ACCOUNT_SID.match(sid)):
            raise StateError(f"{sid!r} is not an account SID (AC and 32 hexadecimal digits)")
        account = accounts[sid] = Account.load(sid, account_data)
        for record_sid in account.record_sids():
            owner = sids.get(record_sid) or taken.get(record_sid)
            if owner is not None:
                raise StateError(
                    f"account {sid}: sid {record_sid} is already used in account {owner}"
                )
            sids[record_sid] = sid
    return accounts, sids


class StateError(ValueError):
    """State given to load is not what an export writes; the message says where and why."""


_NAME = frozenset("abcdefghijklmnopqrstuvwxyz_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")


def _is_name(text: str) -> bool:
    return bool(text) and set(text) <= _NAME


def _check_json(where: str, value: object) -> None:
    """StateError unless ``value`` is made only of what JSON holds (finite numbers, string keys)."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise StateError(f"{where} holds {value}, which JSON cannot hold")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(f"{where}[{index}]", item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise StateError(f"{where} has the key {key!r}; JSON keys are strings")
            _check_json(f"{where}.{key}", item)
        return
    raise StateError(f"{where} holds a {type(value).__name__}, which JSON cannot hold")
