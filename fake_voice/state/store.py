"""State per region and account behind one lock: accounts, their records, and extras.

As on Twilio, each region holds its own accounts' data: the same account SID in US1 and in
AU1 is two accounts here, sharing nothing. An export keeps US1's accounts at the top level,
keyed by account SID (the form a fake without regions wrote), and every other region's under
``"regions"``: ``{"AC...": {...}, "regions": {"au1": {"AC...": {...}}}}``.
"""

from __future__ import annotations

import copy
import operator
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any, overload

from fake_voice.state.clock import Clock
from fake_voice.state.json_copy import json_copy
from fake_voice.state.sids import ACCOUNT_SID, SidFactory

Record = dict[str, Any]


class Collection:
    """The records of one resource kind under one parent, in creation order.

    ``positions`` keeps the place of every SID ever stored here, deleted ones included, so a
    page token naming a since-deleted record still positions the next page. Which places
    still hold a record is kept in a Fenwick tree once one has been removed (until then
    every place does), so a page anywhere in a collection of any size costs O(log n) plus
    its own records, never a copy of the collection.
    """

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.positions: dict[str, int] = {}
        self._order: list[str] = []  # SIDs by place, deleted ones too
        self._live = _Live()
        self._ordered = Ordered(self.records, self.positions, self._order, self._live)

    def add(self, record: Record) -> None:
        sid = record["sid"]
        place = len(self._order)
        self.records[sid] = record
        self.positions[sid] = place
        self._live.add(place)
        self._order.append(sid)

    def extend(self, records: list[Record]) -> None:
        """Add records in order at once (a loaded state): one O(n) build of the tree."""
        start = len(self._order)
        sids = [record["sid"] for record in records]
        self.records.update(zip(sids, records, strict=True))
        self.positions.update(zip(sids, range(start, start + len(sids)), strict=True))
        self._order.extend(sids)
        self._live.extend(start, len(records))

    def remove(self, sid: str) -> None:
        del self.records[sid]
        self._live.remove(self.positions[sid])

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records.values())

    def in_order(self) -> Ordered:
        """``(sid, place, record)`` in creation order, built lazily, as pages want them (a
        view that follows the collection)."""
        return self._ordered

    def rank(self, place: int) -> int:
        """How many records stand before ``place`` (their index in :meth:`in_order`)."""
        return self._live.rank(place)

    def __len__(self) -> int:
        return len(self.records)


class _Live:
    """Which places hold a record: 0/1 flags, and a Fenwick tree over them once a record
    has been removed. Until then every place holds one (a collection only grows), ranks
    are places, and an add costs an append instead of a walk up the tree."""

    def __init__(self) -> None:
        self._flags = bytearray()
        self._tree: list[int] | None = None
        """1-based; _tree[i] sums the flags of (i - lowbit(i), i]. None: every place is live,
        and _flags has exactly one flag per place."""

    def add(self, place: int) -> None:
        """Mark the next place (``place`` is the number of places so far) live."""
        if self._tree is None:
            self._flags.append(1)
            return
        while place >= len(self._tree) - 1:
            self._grow()
        self._flags[place] = 1
        self._update(place, 1)

    def remove(self, place: int) -> None:
        if self._tree is None:
            size = 16
            while size < len(self._flags):
                size *= 2
            self._rebuild(size)
        self._flags[place] = 0
        self._update(place, -1)

    def extend(self, start: int, count: int) -> None:
        """Mark ``count`` places from ``start`` (the number of places so far) live, with one
        O(n) build of the tree if there is one."""
        if self._tree is None:
            self._flags.extend(b"\x01" * count)
            return
        size = max(16, len(self._tree) - 1)
        while size < start + count:
            size *= 2
        self._flags.extend(bytes(size - len(self._flags)))
        self._flags[start : start + count] = b"\x01" * count
        self._rebuild(size)

    def is_live(self, place: int) -> bool:
        return place < len(self._flags) and self._flags[place] == 1

    def rank(self, place: int) -> int:
        """The number of live places below ``place``."""
        tree = self._tree
        if tree is None:
            return min(place, len(self._flags))
        index, total = min(place, len(tree) - 1), 0
        while index > 0:
            total += tree[index]
            index &= index - 1
        return total

    def select(self, rank: int) -> int:
        """The place of the live place with ``rank`` live places below it."""
        tree = self._tree
        if tree is None:
            return rank
        index, step = 0, 1 << (len(tree) - 1).bit_length()
        while step:
            above = index + step
            if above < len(tree) and tree[above] <= rank:
                index = above
                rank -= tree[above]
            step >>= 1
        return index  # the 1-based tree's index is the 0-based place that follows

    def _update(self, place: int, delta: int) -> None:
        tree, index = self._tree, place + 1
        assert tree is not None  # built before any update
        while index < len(tree):
            tree[index] += delta
            index += index & -index

    def _grow(self) -> None:
        assert self._tree is not None  # only a built tree grows
        self._rebuild(max(16, 2 * (len(self._tree) - 1)))

    def _rebuild(self, size: int) -> None:
        self._flags.extend(bytes(size - len(self._flags)))
        tree = [0, *self._flags]
        for index in range(1, size + 1):  # the O(n) build, amortized over the doubling
            parent = index + (index & -index)
            if parent <= size:
                tree[parent] += tree[index]
        self._tree = tree


class Ordered(Sequence[tuple[str, int, Record]]):
    """A read-only view of a collection's records in order, which follows the collection:
    it builds only the entries a page asks for, finding the first of them in O(log n). It
    holds the collection's parts, not the collection (no reference cycle)."""

    def __init__(
        self, records: dict[str, Record], positions: dict[str, int], order: list[str], live: _Live
    ) -> None:
        self._records = records
        self._positions = positions
        self._order = order
        self._live = live

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[tuple[str, int, Record]]:
        return iter(self._run(0, len(self._records)))  # one walk, not a search per entry

    @overload
    def __getitem__(self, index: int) -> tuple[str, int, Record]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, int, Record]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, int, Record] | Sequence[tuple[str, int, Record]]:
        length = len(self._records)
        if isinstance(index, slice):
            start, stop, step = index.indices(length)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._run(start, stop - start)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError(index)
        return self._run(index, 1)[0]

    def sids(self, start: int, end: int) -> list[str]:
        """The SIDs of ``self[start:end]`` (``start`` and ``end`` not negative), without
        building the entries: what a list page takes."""
        count = min(end, len(self._records)) - start
        if count <= 0:
            return []
        live, order = self._live, self._order
        if live._tree is None:  # every place is live: places are indexes
            return order[start : start + count]
        place = live.select(start)
        sids: list[str] = []
        flags, last = live._flags, len(order)  # flags cover every place order has
        while len(sids) < count and place < last:  # as many places as SIDs are missing
            stop = min(last, place + count - len(sids))
            sids += compress(order[place:stop], flags[place:stop])
            place = stop
        return sids

    def _run(self, start: int, count: int) -> list[tuple[str, int, Record]]:
        """``count`` entries from the one at ``start``."""
        sids = self.sids(start, start + count)
        places = map(self._positions.__getitem__, sids)
        return list(zip(sids, places, map(self._records.__getitem__, sids), strict=True))


US1 = "us1"
"""The region of requests that name none (``voice.twilio.com``)."""
REGION = re.compile(r"[a-z][a-z0-9]{1,15}\Z")
"""A region's name as hosts carry it (``us1``, ``ie1``, ``au1``)."""


class Account:
    """Everything one Twilio account owns in one region of the fake."""

    def __init__(self, sid: str, region: str = US1) -> None:
        self.sid = sid
        self.region = region
        self._collections: dict[tuple[str, str], Collection] = {}
        self.extras: dict[str, Any] = {}

    def collection(self, kind: str, parent: str = "") -> Collection:
        key = (kind, parent)
        found = self._collections.get(key)
        if found is None:
            found = self._collections[key] = Collection()
        return found

    def collections(self) -> list[tuple[tuple[str, str], Collection]]:
        """Every ``((kind, parent), collection)`` that holds a record, by kind and parent."""
        return sorted((item for item in self._collections.items() if len(item[1])), key=_key)

    def record_sids(self) -> Iterator[str]:
        for collection in self._collections.values():
            yield from collection.records

    def drop(self, kind: str, parent: str) -> Collection | None:
        """Forget a whole collection (a parent deleted with everything under it); returns
        it, if there was one."""
        return self._collections.pop((kind, parent), None)

    def export(self) -> dict[str, Any]:
        """Every record (by ``kind`` or ``kind/parent``, in creation order) and extra, as JSON."""
        collections = {
            (f"{kind}/{parent}" if parent else kind): [dict(r) for r in collection]
            for (kind, parent), collection in sorted(self._collections.items())
            if len(collection)
        }
        return {"collections": collections, "extras": copy.deepcopy(self.extras)}

    @classmethod
    def load(cls, sid: str, data: object, region: str = US1, *, copied: bool = False) -> Account:
        """An account rebuilt from what :meth:`export` wrote (a deep copy of ``data``, unless
        ``copied`` says it is already a private copy made only of what JSON holds).

        Raises :class:`StateError` naming the first thing wrong: a missing or unknown key,
        a collection name that is not ``kind`` or ``kind/parent``, a record without a
        ``sid`` (or one given twice, or whose ``account_sid`` names another account), or a
        value JSON cannot hold. Extras are taken as they are: their resources own their form.
        """
        where = f"account {sid}" + ("" if region == US1 else f" in {region}")
        if not isinstance(data, dict):
            raise StateError(f"{where} must be an object with collections and extras")
        unknown = sorted(str(key) for key in data if key not in ("collections", "extras"))
        if unknown:
            raise StateError(f"{where} has the unknown key {unknown[0]!r}")
        collections = data.get("collections", {})
        extras = data.get("extras", {})
        if not isinstance(collections, dict) or not isinstance(extras, dict):
            raise StateError(f"{where}: collections and extras must be objects")
        account = cls(sid, region)
        for name, records in collections.items():
            kind, slash, parent = name.partition("/")
            if not _is_name(kind) or (slash and not _is_name(parent)):
                raise StateError(
                    f"{where}: {name!r} is not a collection name (kind or kind/parent)"
                )
            if not isinstance(records, list):
                raise StateError(f"{where}: {name} must be a list of records")
            if not (copied and _well_formed(records, sid)):
                records = _checked_records(f"{where}: {name}", records, sid, copied)
            for record in records:  # private copies now: let them share one account SID
                if "account_sid" in record:
                    record["account_sid"] = sid
            account.collection(kind, parent).extend(records)
        if not copied:
            _check_json(f"{where}: extras", extras)
            extras = copy.deepcopy(extras)
        account.extras = extras
        return account


class Store:
    """Every region's accounts and the SID factory; callers hold ``lock`` around each operation."""

    def __init__(self, seed: int, clock: Clock) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.sids = SidFactory(seed)
        self.encoded: dict[str, dict[str, tuple[Record, bytes]]] = {}
        """Rendered records by SID and host, with the record each was rendered from."""
        self.accounts: dict[tuple[str, str], Account] = {}
        """By (region, account SID)."""

    def account(self, sid: str, region: str = US1) -> Account:
        found = self.accounts.get((region, sid))
        if found is None:
            found = self.accounts[(region, sid)] = Account(sid, region)
        return found

    def reset(self) -> None:
        """Forget every account, and draw SIDs from the seed's start again: the same calls
        after a reset get the SIDs they got in a new store."""
        with self.lock:
            self.accounts.clear()
            self.encoded.clear()
            self.sids = SidFactory(self.sids.seed)

    def export(self, account_sid: str | None = None) -> dict[str, Any]:
        """Every account that holds anything (or only ``account_sid``'s, in every region);
        one a refused request merely named is left out. US1's accounts stand by account
        SID, every other region's under ``"regions"``."""
        with self.lock:
            exported = {
                key: account.export()
                for key, account in sorted(self.accounts.items())
                if account_sid is None or key[1] == account_sid
            }
        state: dict[str, Any] = {}
        for (region, sid), data in exported.items():
            if not (data["collections"] or data["extras"]):
                continue
            if region == US1:
                state[sid] = data
            else:
                state.setdefault("regions", {}).setdefault(region, {})[sid] = data
        return state

    def load(self, data: object, account_sid: str | None = None) -> bool:
        """Replace every account with those ``data`` holds, as :meth:`export` wrote them;
        with ``account_sid``, replace only that account (``data`` may hold no other).

        All or nothing: everything is checked before anything changes, so bad data raises
        :class:`StateError` and leaves the store as it was. A loaded SID is never drawn
        again. Each collection's records keep their order; a page token naming a record
        deleted before the export no longer positions a page.

        Returns whether every value went through JSON and every string can be sent as
        UTF-8 (a lone surrogate cannot): then any record renders to a body that encodes.
        """
        if not isinstance(data, dict):
            raise StateError("state must be an object keyed by account SID")
        if account_sid is not None:
            return self._load_account(account_sid, data)
        accounts, sids, sendable = _accounts(data, {})
        with self.lock:
            self.accounts.clear()
            self.encoded.clear()
            self.accounts.update(accounts)
            self.sids.reserve(sids)
        return sendable

    def adopt(self, other: Store, account_sid: str | None = None) -> None:
        """Take over the accounts of ``other`` (a trial store that loaded and checked a
        state) instead of loading the same state a second time; with ``account_sid``, only
        that account's, refused as :meth:`load` with ``account_sid`` refuses them. What the
        trial rendered is left behind: it was rendered for no client's host."""
        if account_sid is not None:
            _only(account_sid, (sid for _, sid in other.accounts))
        with self.lock, other.lock:
            if account_sid is not None:
                sids: dict[str, str] = {}
                taken = self._taken(account_sid)
                for account in other.accounts.values():
                    _claim(account, sids, taken)
                self._put_account(account_sid, other.accounts, sids)
                return
            self.accounts = other.accounts
            self.encoded = {}
            for account in other.accounts.values():
                for collection in account._collections.values():
                    self.sids.reserve(collection.records)

    def _load_account(self, account_sid: str, data: dict[Any, Any]) -> bool:
        """Replace ``account_sid``'s records in every region with what ``data`` holds (which
        may name no other account); every other account is kept."""
        _only(account_sid, (sid for _, sid, _ in _entries(data)))
        with self.lock:
            accounts, sids, sendable = _accounts(data, self._taken(account_sid))
            self._put_account(account_sid, accounts, sids)
        return sendable

    def _taken(self, account_sid: str) -> dict[str, str]:
        """Which account owns each record SID of every account but ``account_sid``: a SID
        must stay unique across the accounts kept."""
        return {
            record_sid: sid
            for (_, sid), account in self.accounts.items()
            if sid != account_sid
            for record_sid in account.record_sids()
        }

    def _put_account(
        self, account_sid: str, accounts: dict[tuple[str, str], Account], sids: dict[str, str]
    ) -> None:
        for key in [key for key in self.accounts if key[1] == account_sid]:
            for record_sid in self.accounts.pop(key).record_sids():
                self.encoded.pop(record_sid, None)
        self.accounts.update(accounts)
        self.sids.reserve(sids)

    def reset_account(self, account_sid: str, initial: Mapping[str, Any] | None) -> None:
        """Forget ``account_sid``'s records, back to its part of ``initial`` (as export wrote
        it) if that holds any; every other account is kept."""
        self._load_account(account_sid, _part_of(initial or {}, account_sid))


def _only(account_sid: str, sids: Iterable[str]) -> None:
    """StateError if a state loaded for ``account_sid`` holds any other account."""
    others = sorted({sid for sid in sids if sid != account_sid})
    if others:
        raise StateError(f"the state for account {account_sid} holds another account: {others[0]}")


def _part_of(state: Mapping[str, Any], account_sid: str) -> dict[str, Any]:
    """The part of an export that belongs to one account, in every region."""
    part: dict[str, Any] = {}
    if account_sid in state:
        part[account_sid] = state[account_sid]
    for region, accounts in state.get("regions", {}).items():
        if account_sid in accounts:
            part.setdefault("regions", {})[region] = {account_sid: accounts[account_sid]}
    return part


def _accounts(
    data: dict[Any, Any], taken: Mapping[str, str]
) -> tuple[dict[tuple[str, str], Account], dict[str, str], bool]:
    """The accounts ``data`` holds by (region, SID), which account each record SID belongs
    to, and whether every string can be sent (see :func:`json_copy`); SIDs in ``taken``
    (kept from other accounts) may not appear again."""
    copied, sendable = json_copy(data)
    accounts: dict[tuple[str, str], Account] = {}
    sids: dict[str, str] = {}
    for region, sid, account_data in _entries(copied or data):
        account = Account.load(sid, account_data, region, copied=copied is not None)
        accounts[(region, sid)] = account
        _claim(account, sids, taken)
    return accounts, sids, sendable


def _claim(account: Account, sids: dict[str, str], taken: Mapping[str, str]) -> None:
    """Record in ``sids`` that ``account`` owns its record SIDs, unless one is in ``sids``
    or ``taken`` already (StateError naming the first). A collection at a time, in bulk."""
    for collection in account._collections.values():
        mine = collection.records.keys()
        if sids.keys().isdisjoint(mine) and taken.keys().isdisjoint(mine):
            sids.update(dict.fromkeys(mine, account.sid))
            continue
        for record_sid in mine:
            owner = sids.get(record_sid) or taken.get(record_sid)
            if owner is not None:
                raise StateError(
                    f"account {account.sid}: sid {record_sid} is already used in account {owner}"
                )
            sids[record_sid] = account.sid


def _well_formed(records: list[Any], account_sid: str) -> bool:
    """Whether every record is an object with a string sid given once, of ``account_sid``:
    checked in bulk, for the common case; :func:`_checked_records` names the first fault."""
    try:
        sids = list(map(_SID, records))  # TypeError for a record that is not an object
        unique = len(set(sids)) == len(sids)
    except (TypeError, KeyError):
        return False
    return (
        unique
        and all(type(sid) is str for sid in sids)
        and all(record.get("account_sid", account_sid) == account_sid for record in records)
    )


_SID = operator.itemgetter("sid")


def _checked_records(
    where: str, records: list[Any], account_sid: str, copied: bool
) -> list[Record]:
    """``records`` (deep-copied unless ``copied``), once each is an object with a string
    sid given once, of ``account_sid``, made only of what JSON holds; else StateError."""
    kept: list[Record] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        here = f"{where}[{index}]"
        if not isinstance(record, dict) or not isinstance(record.get("sid"), str):
            raise StateError(f"{here} must be an object with a string sid")
        if record["sid"] in seen:
            raise StateError(f"{here} repeats the sid {record['sid']}")
        seen.add(record["sid"])
        if record.get("account_sid", account_sid) != account_sid:
            raise StateError(f"{here} belongs to account {record['account_sid']}")
        if not copied:
            _check_json(here, record)
            record = copy.deepcopy(record)
        kept.append(record)
    return kept


def _entries(data: dict[Any, Any]) -> list[tuple[str, str, object]]:
    """(region, account SID, account data) for every account of an export."""
    found: list[tuple[str, str, object]] = []
    for key, value in data.items():
        if key == "regions":
            if not isinstance(value, dict):
                raise StateError("regions must be an object keyed by region (au1, ie1...)")
            for region, accounts in value.items():
                if not (isinstance(region, str) and REGION.match(region)) or region == US1:
                    raise StateError(
                        f"{region!r} is not a region other than us1 (whose accounts stand "
                        "at the top level)"
                    )
                if not isinstance(accounts, dict):
                    raise StateError(f"regions.{region} must be an object keyed by account SID")
                found += [(region, sid, account) for sid, account in _checked(accounts)]
        else:
            found += [(US1, sid, account) for sid, account in _checked({key: value})]
    return found


def _checked(data: dict[Any, Any]) -> list[tuple[str, object]]:
    for sid in data:
        if not (isinstance(sid, str) and ACCOUNT_SID.match(sid)):
            raise StateError(f"{sid!r} is not an account SID (AC and 32 hexadecimal digits)")
    return list(data.items())


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


def _key(item: tuple[tuple[str, str], Collection]) -> tuple[str, str]:
    return item[0]
