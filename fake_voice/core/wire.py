"""Transport-neutral request and response values, and the encodings every dialect shares.

Every way into the fake (``responses``, aiohttp, the direct clients, the server) turns what
it received into a :class:`Request` and sends back the :class:`Response` it gets.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fake_voice.core.errors import bad_request

JSON = Any

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
HTTP_METHODS = ("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS")
"""Every method the fake answers (Voice v1 uses only the first three; the rest get 405)."""


class MultiDict(Mapping[str, str]):
    """A read-only mapping that keeps every value of a repeated key, in order.

    ``d[key]`` gives the first value (as werkzeug's MultiDict does); ``d.getlist(key)`` all.
    """

    __slots__ = ("_index", "_items")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: tuple[tuple[str, str], ...] = tuple(items)
        index: dict[str, list[str]] = {}
        for key, value in self._items:
            index.setdefault(key, []).append(value)
        self._index = index

    def __getitem__(self, key: str) -> str:
        return self._index[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def getlist(self, key: str) -> list[str]:
        return list(self._index.get(key, ()))

    def multi_items(self) -> tuple[tuple[str, str], ...]:
        """Every (key, value) pair in the order received, repeats included."""
        return self._items

    def __repr__(self) -> str:
        return f"MultiDict({list(self._items)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self) == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


@dataclass(frozen=True, init=False)
class Request:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""
    scheme: str = field(init=False)
    host: str = field(init=False)
    path: str = field(init=False)
    _query: str = field(init=False, repr=False, compare=False)
    _lower_headers: dict[str, str] = field(init=False, repr=False, compare=False)
    # Parsed on first use (plain attributes: functools.cached_property takes a lock on
    # every read in Python 3.11, which costs more than the parsing of a short form).
    _parsed_query: MultiDict | None = field(init=False, default=None, repr=False, compare=False)
    _parsed_form: MultiDict | None = field(init=False, default=None, repr=False, compare=False)

    def __init__(self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""):
        # The generated __init__ and a __post_init__ would make eleven object.__setattr__
        # calls; one dict update sets the same fields (every request builds one of these).
        parts = urlsplit(url)
        self.__dict__.update(
            method=method,
            url=url,
            headers=headers,
            body=body,
            scheme=parts.scheme or "https",
            # Never the user:password@ a URL may carry (requests sends it as Authorization).
            host=parts.netloc.rpartition("@")[2].lower(),
            path=parts.path or "/",
            _query=parts.query,
            _lower_headers={k.lower(): v for k, v in headers.items()},
            _parsed_query=None,
            _parsed_form=None,
        )

    @property
    def query(self) -> MultiDict:
        """The query string's parameters; raises Twilio's 400 (as :meth:`form` does) if they
        are not UTF-8, so building a request never fails and the core answers the error."""
        parsed = self._parsed_query
        if parsed is None:
            parsed = parse_pairs(self._query)
            object.__setattr__(self, "_parsed_query", parsed)
        return parsed

    @property
    def base_url(self) -> str:
        """Scheme and host the client used; every URL the fake writes starts with it."""
        return f"{self.scheme}://{self.host}"

    def header(self, name: str) -> str | None:
        return self._lower_headers.get(name.lower())

    def form(self) -> MultiDict:
        """The body as form parameters; bodies of other content types carry none."""
        parsed = self._parsed_form
        if parsed is None:
            parsed = self._read_form()
            object.__setattr__(self, "_parsed_form", parsed)
        return parsed

    def _read_form(self) -> MultiDict:
        if not self.body:
            return MultiDict()
        if self.content_type not in ("", FORM_CONTENT_TYPE):
            return MultiDict()
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request("The request body is not valid UTF-8 form data") from None
        return parse_pairs(text)

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters ("" when not given)."""
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def credentials(self) -> Credentials | None:
        value = self.header("Authorization")
        if not value:
            return None
        return _credentials(value)


# A pure function of the header's value: a client sends the same one on every request.
@lru_cache(maxsize=256)
def _credentials(value: str) -> Credentials | None:
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII, or not UTF-8 inside
        return None
    username, colon, password = decoded.partition(":")
    if not colon:
        return None
    return Credentials(username, password)


def reason_phrase(status: int, unknown: str = "") -> str:
    """The standard reason phrase of an HTTP status (``unknown`` for a status with none)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return unknown


_VERSIONED = re.compile(r"v[0-9]+/")


def v1_path(path: str) -> str:
    """``/v1/ConnectionPolicies`` from that or from ``ConnectionPolicies``, as users write it;
    a path that names its version (``v2/Configurations/Recording``) keeps it."""
    path = path.lstrip("/")
    return "/" + (path if _VERSIONED.match(path) else "v1/" + path)


def form_value(value: object) -> str:
    """A Python value as a form string, as the official client sends it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_pairs(text: str) -> MultiDict:
    """Parse a query string or form body, keeping repeated keys (never ``dict(parse_qsl())``)."""
    if not text:
        return MultiDict()
    if "%" not in text and "+" not in text:  # nothing to unquote: what parse_qsl would give
        return MultiDict(
            (key, value)
            for key, _, value in (pair.partition("=") for pair in text.split("&") if pair)
        )
    try:
        return MultiDict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The request parameters are not valid UTF-8 form data") from None


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*\Z")
"""What quote_plus leaves as it is: a string of only these needs no quoting."""


def encode_pairs(pairs: Iterable[tuple[Any, Any]]) -> str:
    """``urlencode(pairs, doseq=True)``, exactly; a pair of plain strings that need no
    quoting (most SIDs, numbers, names) is joined as it is, in a tenth of urlencode's time."""
    out: list[str] = []
    for key, value in pairs:
        if (
            type(key) is str
            and type(value) is str
            and _UNRESERVED.match(key)
            and _UNRESERVED.match(value)
        ):
            out.append(f"{key}={value}")
        else:
            encoded = urlencode([(key, value)], doseq=True)
            if encoded:  # an empty sequence as a value encodes to nothing
                out.append(encoded)
    return "&".join(out)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_json(data: JSON) -> bytes:
    return _ENCODER.encode(data).encode("utf-8")


class Encoded(bytes):
    """A JSON body already encoded and already checked against its schema: sent as it is."""


_UNPARSED: Any = object()


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    parsed: JSON = field(default=_UNPARSED, repr=False, compare=False)
    """The body as data, if the maker had it; otherwise :attr:`data` parses ``body`` once."""

    @property
    def data(self) -> JSON:
        if self.parsed is _UNPARSED:
            object.__setattr__(self, "parsed", json.loads(self.body) if self.body else None)
        return self.parsed

    @classmethod
    def json(cls, status: int, data: JSON, *, headers: Mapping[str, str] | None = None) -> Response:
        all_headers = {"Content-Type": JSON_CONTENT_TYPE, **(headers or {})}
        return cls(status, all_headers, encode_json(data), data)

    @classmethod
    def encoded(cls, status: int, body: bytes) -> Response:
        """A response whose body is already JSON; its data is parsed only if someone asks."""
        return cls(status, {"Content-Type": JSON_CONTENT_TYPE}, body)

    @classmethod
    def empty(cls, status: int, *, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status, dict(headers or {}), b"", None)


def basic_auth(username: str, password: str) -> str:
    """An ``Authorization`` header value, encoded as requests and aiohttp do (latin-1)."""
    token = base64.b64encode(f"{username}:{password}".encode("latin-1")).decode("ascii")
    return f"Basic {token}"
