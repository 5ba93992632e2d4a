"""Which stored records of a declared kind its fetch answers, told without running it.

Loading a state fetches every record on a trial copy, so a state the fake could not serve
is refused when it is loaded. For a :class:`Kind`, what its fetch does is known: it takes
the parent from the url (a 404 unless that record exists), finds the record by the url's
last segment, renders it and checks the rendering against the kind's schema (JSON encoding
cannot fail for a state that came through JSON as UTF-8, which ``Store.load`` reports). So
a record whose url is the one the kind gives it, under an existing parent, whose rendering
the schema accepts, is answered; routing, the context and the encoding need not be run for
it. Any other record is left to the fetch itself, which says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fake_voice.core.errors import TwilioError
from fake_voice.core.operations import Router
from fake_voice.core.schemas import is_valid
from fake_voice.resources._crud import Kind
from fake_voice.state.store import Account, Record


def answered(
    router: Router, account: Account, kind_key: str, parent: str, base_url: str
) -> Callable[[Record], bool] | None:
    """A test true only of a record of ``account``'s collection ``(kind_key, parent)`` that
    a fetch on ``base_url`` answers (the record rendered, by its schema) at its ``url``, a
    ``/v1/...`` path with no query whose last segment is its sid; None where only the fetch
    can tell (a kind not declared as a :class:`Kind`, a missing parent)."""
    kind = _kinds(router).get(kind_key)
    if kind is None or bool(parent) != bool(kind.parent_key):
        return None
    if parent and parent not in account.collection(kind.parent_key).records:
        return None
    path = kind.collection_path.format(parent=parent) + "/"
    # The router tells path segments apart only by literal segments (a parameter matches
    # anything but a slash), and no literal segment is a SID: every SID of the kind's form
    # routes as this one does.
    sample = kind.prefix + "0" * 32
    try:
        operation, path_params = router.match("GET", path + sample)
    except TwilioError:
        return None
    wanted = {kind.parent_param: parent, "Sid": sample} if parent else {"Sid": sample}
    if operation.implementation != kind.fetch or path_params != wanted:
        return None
    if "?" in path or re.match(r"/v[123]/", path) is None:  # what the loader asks of a url
        return None
    sid_form = _sid_form(kind.prefix).match
    valid = is_valid(kind.schema)
    render = kind.render

    def test(record: Record) -> bool:
        sid = record["sid"]
        return (
            record.get("url") == path + sid
            and sid_form(sid) is not None
            and valid(render(record, base_url))
        )

    return test


@cache
def _kinds(router: Router) -> dict[str, Kind]:
    """The kinds whose fetch ``router`` runs as it is, by collection key."""
    found: dict[str, Kind] = {}
    literals = {
        segment
        for operation in router.operations.values()
        for segment in operation.template.split("/")
        if not segment.startswith("{")
    }
    for operation in router.operations.values():
        kind = getattr(operation.implementation, "__self__", None)
        if (
            isinstance(kind, Kind)
            and operation.implementation == kind.fetch
            and not any(_sid_form(kind.prefix).match(literal) for literal in literals)
        ):
            found[kind.key] = kind
    return found


@cache
def _sid_form(prefix: str) -> re.Pattern[str]:
    return re.compile(re.escape(prefix) + r"[0-9a-fA-F]{32}\Z")
