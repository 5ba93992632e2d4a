"""The seam per API version: how a body is read, how an error and a list page are written.

Voice v1 reads form bodies (query strings for GET and DELETE), answers errors in Twilio's
legacy envelope and writes list pages with ``meta`` and ``PageToken``; v2 reads JSON bodies
and answers the legacy envelope; v3 reads JSON bodies, answers RFC 9457 problem documents
and writes token pages (``pageSize``, ``pageToken``). The request path and
the resources ask the operation's :class:`Dialect` and never test for a version.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from fake_voice.core.errors import TwilioError
from fake_voice.core.schemas import ParamViolation, RequestSchema
from fake_voice.core.wire import JSON, Encoded, MultiDict, Request, Response, encode_json


@dataclass(frozen=True, init=False)
class Page:
    """A list page: its items (each already ``Encoded``, or data yet to check) under ``key``,
    and the rest of the body (v1: ``meta``).

    ``rest_key``, if given, is everything ``rest`` is made from: pages with equal keys have
    equal rests, so the request path encodes and checks a rest once per key.
    """

    key: str
    items: list[Any]
    rest: dict[str, JSON]
    rest_key: Hashable | None = None

    def __init__(
        self, key: str, items: list[Any], rest: dict[str, JSON], rest_key: Hashable | None = None
    ) -> None:
        # Stores into the instance's dict: what the generated __init__ does, without an
        # object.__setattr__ call per field (every list answer builds one).
        fields = self.__dict__
        fields["key"] = key
        fields["items"] = items
        fields["rest"] = rest
        fields["rest_key"] = rest_key

    def unchecked(self) -> dict[str, JSON]:
        """The page as data, with only the items nobody has checked against a schema yet."""
        return {self.key: [i for i in self.items if not isinstance(i, Encoded)], **self.rest}

    def encoded_items(self) -> tuple[bytes, bool]:
        """The items encoded and joined (``{...},{...}``), and whether every one of them was
        ``Encoded`` already (so checked). Data to encode is never bytes: that an item is
        bytes at all says it is ``Encoded``."""
        try:
            return b",".join(self.items), True  # one C call when all are Encoded
        except TypeError:
            joined = b",".join(i if isinstance(i, Encoded) else encode_json(i) for i in self.items)
            return joined, False

    def encoded_rest(self) -> bytes:
        """The rest of the body as it follows the items (``,"meta":{...}``)."""
        # The rest encoded as one object, its braces dropped: the same bytes as key by key.
        return b"," + encode_json(self.rest)[1:-1] if self.rest else b""

    def encode(self, rest: bytes | None = None, items: bytes | None = None) -> bytes:
        """The page's body; ``rest`` and ``items``, if given, are what
        :meth:`encoded_rest` and :meth:`encoded_items` return."""
        if items is None:
            items = self.encoded_items()[0]
        if rest is None:
            rest = self.encoded_rest()
        return b"".join((_json_key(self.key), b":[", items, b"]", rest, b"}"))


_KEYS: dict[str, bytes] = {}


def _json_key(key: str) -> bytes:
    """``{"key"`` as a page body starts: a list's key, encoded once."""
    found = _KEYS.get(key)
    if found is None:
        found = _KEYS[key] = b"{" + encode_json(key)
    return found


@dataclass(frozen=True, init=False)
class Listing:
    """What a list operation hands its dialect: the records in order, and how to show them.

    ``items`` are ``(token key, place, item)`` triples in ascending place; ``position`` gives
    the place of any key ever listed, deleted ones included, or None for one never seen.
    ``filters`` are the list's own query parameters, which lead every URL of the page.
    A listing that can tell a page, its rendering or a rank faster overrides
    :meth:`page_items`, :meth:`rendered` or :meth:`index_of` (a kind's list does).
    """

    key: str
    items: Sequence[tuple[str, int, Any]]
    position: Callable[[str], int | None]
    render: Callable[[Any], JSON]
    filters: Sequence[tuple[str, str]] = ()

    def __init__(
        self,
        key: str,
        items: Sequence[tuple[str, int, Any]],
        position: Callable[[str], int | None],
        render: Callable[[Any], JSON],
        filters: Sequence[tuple[str, str]] = (),
    ) -> None:
        fields = self.__dict__  # as Page does it
        fields["key"] = key
        fields["items"] = items
        fields["position"] = position
        fields["render"] = render
        fields["filters"] = filters

    def page_items(self, start: int, end: int) -> tuple[list[str], list[JSON]]:
        """The token keys of ``items[start:end]`` and their items rendered (``start`` and
        ``end`` not negative)."""
        chosen = self.items[start:end]
        return [key for key, _, _ in chosen], self.rendered(chosen)

    def rendered(self, chosen: Sequence[tuple[str, int, Any]]) -> list[JSON]:
        """The chosen ``(token key, place, item)`` triples' items, rendered."""
        return [self.render(item) for _, _, item in chosen]

    def index_of(self, place: int) -> int:
        """How many items stand before ``place``."""
        return bisect_left(self.items, place, key=_place)


def _place(item: tuple[str, int, Any]) -> int:
    return item[1]


class ListRequest(Protocol):
    """What a dialect reads of the list request it writes a page for (an operation's context)."""

    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def page_size_over_limit(self) -> Literal["cap", "reject"]: ...


class Dialect(Protocol):
    """One API version's wire conventions."""

    version: str
    error_schema: str
    """The schema under ``schemas/`` that every error body of this version satisfies."""

    def read(self, request: Request, method: str) -> MultiDict | JSON:
        """The raw parameters an operation of ``method`` takes from ``request`` (400 if
        they cannot be read at all): form or query pairs, or a JSON body."""
        ...

    def where(self, method: str) -> str:
        """Where an operation's parameters travel, as this version's messages name it."""
        ...

    def body_type(self, method: str) -> str | None:
        """The media type of the bodies an operation of ``method`` reads its parameters
        from, or None when they travel elsewhere (the query string). A body of another type
        is reported as an unknown parameter (``fake_voice.core.unknown``)."""
        ...

    def parse(self, given: MultiDict | JSON, schema: RequestSchema, method: str) -> dict[str, Any]:
        """The parameters coerced and validated by ``schema`` (Twilio's 400 on any fault).

        A request that sent nothing (``given`` is ``NO_PARAMS``) to a schema that
        ``takes_nothing`` parses to ``{}`` in every version: the request path relies on it,
        and makes no call for the fetches and deletes that send nothing."""
        ...

    def violations(
        self, given: MultiDict | JSON, schema: RequestSchema, method: str
    ) -> list[ParamViolation]:
        """Every fault :meth:`parse` would refuse ``given`` for, without raising (what
        ``fake-voice validate`` lists for recorded traffic)."""
        ...

    def error_response(self, error: TwilioError) -> Response:
        """The answer for ``error``, in this version's error shape."""
        ...

    def page(self, request: ListRequest, listing: Listing) -> Page:
        """One page of ``listing`` as this version writes list bodies."""
        ...

    def request(self, method: str, url: str, params: Mapping[str, object]) -> Request:
        """``params`` sent to ``url`` as this version's official clients send them (a None
        value is left out, as they leave it out)."""
        ...
