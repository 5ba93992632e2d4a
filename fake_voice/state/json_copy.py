"""A private copy of loaded state, exactly as a JSON round trip gives it back.

A loaded state must not share a dict or list with the caller, and must hold only what
JSON holds, as a state read from a file does. ``json.loads(json.dumps(data))`` gives both
(in C, many times faster than ``deepcopy``), but most of its time goes to writing and
reading text. State as :meth:`Store.export` writes it is made only of dicts, lists, strings,
booleans, None and small numbers: for those the round trip gives back equal values of the
same types in the same order, so a walk copies the containers and keeps the rest as they
are. Anything else (a tuple, a key that is not a string, a subclass, NaN, a huge int) goes
through JSON itself, so it comes back, or is refused, exactly as before.
"""

from __future__ import annotations

import json
from typing import Any

_LIMIT = 1 << 63  # integers beyond ~4300 digits do not go through JSON: leave them to it


class _NotPlain(Exception):
    """The walk met a value it leaves to JSON."""


def json_copy(data: dict[Any, Any]) -> tuple[dict[Any, Any] | None, bool]:
    """``json.loads(json.dumps(data))``, or None where JSON cannot hold ``data`` (the
    caller then names the value at fault). Keys JSON writes as strings (numbers, booleans)
    come back as those strings, as from a state file.

    Also whether the copy can be sent: JSON text is UTF-8, in which a lone surrogate
    (``"\\ud800"`` in a file) cannot be written.
    """
    unusual: list[str] = []  # strings that are not ASCII
    try:
        copied: dict[Any, Any] = _walk(data, unusual)
    except (_NotPlain, RecursionError):
        return _round_trip(data)
    return copied, all(_is_utf8(text) for text in unusual)


def _round_trip(data: dict[Any, Any]) -> tuple[dict[Any, Any] | None, bool]:
    try:
        text = json.dumps(data, allow_nan=False, ensure_ascii=False)
        copied: dict[Any, Any] = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return None, False
    return copied, _is_utf8(text)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(value: Any, unusual: list[str]) -> Any:
    """A copy of ``value`` with new dicts and lists; _NotPlain where it meets what only
    JSON itself can say how it comes back. Scalars are tested inline: most values are."""
    kind = type(value)
    if kind is dict:
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            if not key.isascii():
                unusual.append(key)
            kind = type(item)
            if kind is str:
                if not item.isascii():
                    unusual.append(item)
                copied[key] = item
            elif item is None or kind is bool or (kind is int and -_LIMIT < item < _LIMIT):
                copied[key] = item
            else:
                copied[key] = _walk(item, unusual)
        return copied
    if kind is list:
        return [_walk(item, unusual) for item in value]
    if kind is str:
        if not value.isascii():
            unusual.append(value)
        return value
    if value is None or kind is bool or (kind is int and -_LIMIT < value < _LIMIT):
        return value
    if kind is float and value - value == 0:  # finite (NaN and infinities are not)
        return value
    raise _NotPlain
