"""Reading recorded exchanges back: filters and the assertions built on them.

A filter is a :class:`Matcher` (method, path, operation, SID: the same rules faults use)
plus optional parameters and status. Every assertion that fails lists what was recorded,
one line per exchange, so the message alone shows what the code under test really sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fake_voice.core.exchanges import Exchange
from fake_voice.core.faults import Matcher
from fake_voice.core.wire import MultiDict, form_value

Params = Mapping[str, object]
_SHOWN = 50


def _has(sent: MultiDict, wanted: Params) -> bool:
    """True if ``sent`` carries every wanted parameter.

    A single value must be among the values sent for its key; a list or tuple must be
    exactly the values sent, in order. Python values compare as direct calls send them.
    """
    for key, value in wanted.items():
        values = sent.getlist(key)
        if isinstance(value, (list, tuple)):
            if values != [form_value(item) for item in value]:
                return False
        elif form_value(value) not in values:
            return False
    return True


@dataclass(frozen=True)
class Filter:
    when: Matcher = field(default_factory=Matcher)
    form: Params | None = None
    query: Params | None = None
    status: int | None = None

    def matches(self, exchange: Exchange) -> bool:
        return (
            self.when.matches(exchange.method, exchange.path, exchange.operation)
            and (self.form is None or _has(exchange.form, self.form))
            and (self.query is None or _has(exchange.query, self.query))
            and (self.status is None or exchange.status == self.status)
        )

    def select(self, exchanges: Sequence[Exchange]) -> list[Exchange]:
        return [exchange for exchange in exchanges if self.matches(exchange)]

    def describe(self) -> str:
        given = [self.when.describe()] if self.when != Matcher() else []
        given += [
            f"{name}={value!r}"
            for name, value in (("form", self.form), ("query", self.query), ("status", self.status))
            if value is not None
        ]
        return " ".join(given) or "any request"


def line(exchange: Exchange) -> str:
    """``POST /v1/ConnectionPolicies 201``; injected failures say so."""
    fault = exchange.fault
    if fault is not None and fault.error is not None:
        return f"{exchange.method} {exchange.path} {fault.error} error (injected)"
    suffix = " (injected)" if fault is not None else ""
    return f"{exchange.method} {exchange.path} {exchange.status}{suffix}"


def recorded(exchanges: Sequence[Exchange]) -> str:
    if not exchanges:
        return "no requests were recorded"
    lines = [f"  {line(exchange)}" for exchange in exchanges[:_SHOWN]]
    if len(exchanges) > _SHOWN:
        lines.append(f"  ... and {len(exchanges) - _SHOWN} more")
    return f"recorded ({len(exchanges)}):\n" + "\n".join(lines)


def expect(exchanges: Sequence[Exchange], wanted: Filter, *, count: int | None) -> list[Exchange]:
    """The matching exchanges; AssertionError unless there are ``count`` (None: one or more)."""
    found = wanted.select(exchanges)
    if count is None and found:
        return found
    if count is not None and len(found) == count:
        return found
    expected = "at least one request" if count is None else f"{count} request(s)"
    raise AssertionError(
        f"expected {expected} matching {wanted.describe()}, found {len(found)}; "
        + recorded(exchanges)
    )
