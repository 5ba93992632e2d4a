"""Which stored records of a declared kind its fetch answers, told without running it.

Loading a state fetches every record on a trial copy, so a state the fake could not serve
is refused when it is loaded. For a :class:`Kind`, what its fetch does is known: it takes
the parent from the url (a 404 unless that record exists), finds the record by the url's
last segment, renders it and checks the rendering against the kind's schema (JSON encoding
cannot fail for a state that came through JSON as UTF-8, which ``Store.load`` reports). So
records whose url is the one the kind gives them, under an existing parent, whose
renderings the schema accepts, are answered: routing, a context and encoding need not be
run for each, and the schema is checked over the whole collection at once. Any other
record is left to the fetch itself, which says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fake_voice.core.column_checks import all_valid
from fake_voice.core.errors import TwilioError
from fake_voice.core.operations import Router
from fake_voice.resources._crud import Kind
from fake_voice.state.store import Account, Record


def answered(
    router: Router, account: Account, kind_key: str, parent: str, base_url: str
) -> Callable[[list[Record]], bool] | None:
    """A test true of records of ``account``'s collection ``(kind_key, parent)`` only if a
    fetch on ``base_url`` answers each (the record, rendered by its schema) at its ``url``,
    a ``/v1/...`` path with no query whose last segment is its sid. None where only the
    fetch can tell: a kind not declared as a :class:`Kind`, a missing parent."""
    kind = _kinds(router).get(kind_key)
    if kind is None or bool(parent) != bool(kind.parent_key):
        return None
    if parent and parent not in account.collection(kind.parent_key).records:
        return None
    path = kind.collection_path.format(parent=parent) + "/"
    if "?" in path or re.match(r"/v[123]/", path) is None:  # what the loader asks of a url
        return None
    # The router tells paths apart by their literal segments only (a parameter matches
    # anything but a slash): every sid that is not empty, has no slash (nor a newline,
    # before which a pattern's $ matches) and is no literal segment routes as this one.
    sample = kind.prefix + "0" * 32
    try:
        operation, path_params = router.match("GET", path + sample)
    except TwilioError:
        return None
    wanted = {kind.parent_param: parent, "Sid": sample} if parent else {"Sid": sample}
    if operation.implementation != kind.fetch or path_params != wanted:
        return None
    literals = _literals(router)
    if sample in literals:
        return None
    valid = all_valid(kind.schema)
    render = kind.render

    def test(records: list[Record]) -> bool:
        sids = [record["sid"] for record in records]
        return (
            all(sids)
            and not _ROUTING.search("".join(sids))
            and literals.isdisjoint(sids)
            and [record.get("url") for record in records] == [path + sid for sid in sids]
            and all(
                valid([render(record, base_url) for record in records[start : start + _CHUNK]])
                for start in range(0, len(records), _CHUNK)
            )
        )

    return test


# Renderings are checked a chunk at a time: few are alive at once, so the garbage collector
# (renderings with links are tracked) never walks a whole collection's worth of them.
_CHUNK = 2048


_ROUTING = re.compile("[/\n]")


@cache
def _kinds(router: Router) -> dict[str, Kind]:
    """The kinds whose fetch ``router`` runs as it is, by collection key."""
    found: dict[str, Kind] = {}
    for operation in router.operations.values():
        kind = getattr(operation.implementation, "__self__", None)
        if isinstance(kind, Kind) and operation.implementation == kind.fetch:
            found[kind.key] = kind
    return found


@cache
def _literals(router: Router) -> frozenset[str]:
    """Every path segment of ``router``'s templates that is not a parameter."""
    return frozenset(
        segment
        for operation in router.operations.values()
        for segment in operation.template.split("/")
        if not segment.startswith("{")
    )
