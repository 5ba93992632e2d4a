"""Transport-neutral request and response values, and the encodings every dialect shares.

Every way into the fake (``responses``, aiohttp, the direct clients, the server) turns what
it received into a :class:`Request` and sends back the :class:`Response` it gets.
"""

from __future__ import annotations

import base64
import json
import json.encoder as json_encoder
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote_plus, unquote, urlencode, urlsplit

from fake_voice.core.errors import bad_request

JSON = Any

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_FORM_TYPES = ("", FORM_CONTENT_TYPE)
"""Content types whose bodies carry form parameters (none given is taken as a form)."""
HTTP_METHODS = ("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS")
"""Every method the fake answers (Voice v1 uses only the first three; the rest get 405)."""


class MultiDict(Mapping[str, str]):
    """A read-only mapping that keeps every value of a repeated key, in order.

    ``d[key]`` gives the first value (as werkzeug's MultiDict does); ``d.getlist(key)`` all.
    """

    __slots__ = ("_items", "lists")

    lists: dict[str, list[str]]
    """Every value of each key, in order: for reading only (what :meth:`getlist` copies;
    the request path reads it on every request)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: tuple[tuple[str, str], ...] = tuple(items)
        index: dict[str, list[str]] = {}
        for key, value in self._items:
            index.setdefault(key, []).append(value)
        self.lists = index

    def __getitem__(self, key: str) -> str:
        return self.lists[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self.lists)

    def __len__(self) -> int:
        return len(self.lists)

    def getlist(self, key: str) -> list[str]:
        return list(self.lists.get(key, ()))

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


NO_PARAMS = MultiDict()
"""The parameters of an empty query string or body: one shared instance (it is read-only)."""


_ORIGIN = re.compile(r"(https?)://([A-Za-z0-9.:-]+)\Z")
"""Scheme and host of a URL that urlsplit takes as they are: a lower-case scheme, an ASCII
host with no user, no IPv6 brackets."""
_ORIGINS: dict[str, tuple[str, str] | None] = {}
"""What _ORIGIN makes of the part of a URL before its path, for the few a fake is sent."""


def _split_url(url: str) -> tuple[str, str, str, str]:
    """``urlsplit(url)``'s scheme, netloc, path and query, without urlsplit for a URL it
    would take as it is (urlsplit remembers only its last 128 URLs, and one with a new SID
    in it costs several microseconds): a known plain origin, then a path and a query with
    nothing urlsplit strips (tabs, newlines) or splits off (a fragment)."""
    slash = url.find("/", 8)  # after "https://" and at least one character of the host
    if slash != -1:
        origin = url[:slash]
        known = _ORIGINS.get(origin)
        if known is None and origin not in _ORIGINS:
            plain = _ORIGIN.match(origin)
            known = (plain[1], plain[2]) if plain is not None else None
            if len(_ORIGINS) < 64:
                _ORIGINS[origin] = known
        if known is not None and not ("#" in url or "\t" in url or "\n" in url or "\r" in url):
            path, _, query = url[slash:].partition("?")
            return known[0], known[1], path, query
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, parts.query


_LOWER: dict[str, str] = {}
"""Header names in lower case, by name: the core asks for the same few on every request."""
_INDEXES: dict[tuple[str, ...], dict[str, int]] = {}
"""Where each lower-cased header name stands, by the names a request sent: a client sends
the same names on every request."""


def _header_index(names: tuple[str, ...]) -> dict[str, int]:
    index = _INDEXES.get(names)
    if index is None:
        index = {}
        for where, name in enumerate(names):
            low = name.lower()
            index[low] = where  # of names equal but for case, the last
            if type(name) is str and len(_LOWER) < 256:
                _LOWER[name] = low
        if len(_INDEXES) < 256:
            _INDEXES[names] = index
    return index


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
    base_url: str = field(init=False, repr=False, compare=False)
    """Scheme and host the client used; every URL the fake writes starts with it."""
    header_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The names of the headers as they were when the request was made, in order."""
    header_values: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Their values, in the same order."""
    _query: str = field(init=False, repr=False, compare=False)
    # Where each lower-cased header name stands (the last of names equal but for case).
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    # Parsed on first use (plain attributes: functools.cached_property takes a lock on
    # every read in Python 3.11, which costs more than the parsing of a short form).
    _parsed_query: MultiDict | None = field(init=False, default=None, repr=False, compare=False)
    _parsed_form: MultiDict | None = field(init=False, default=None, repr=False, compare=False)

    def __init__(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes = b"",
        *,
        query: MultiDict | None = None,
        form: MultiDict | None = None,
    ):
        """``query`` and ``form``, if given, are what parsing the query string and the
        form body would give back (the maker encoded them), so neither is parsed; a maker
        gives ``form`` only for a body it made as form data (see :meth:`knowing`)."""
        # The generated __init__ and a __post_init__ would make eleven object.__setattr__
        # calls; stores into the instance's dict set the same fields in a fraction of that
        # (every request builds one of these). _parsed_query and _parsed_form keep their
        # class defaults (None, parsed on first read) unless given.
        scheme, netloc, path, query_string = _split_url(url)
        fields = self.__dict__
        fields["method"] = method
        fields["url"] = url
        fields["headers"] = headers
        fields["body"] = body
        fields["scheme"] = scheme = scheme or "https"
        # Never the user:password@ a URL may carry (requests sends it as Authorization).
        fields["host"] = host = netloc.rpartition("@")[2].lower()
        fields["base_url"] = f"{scheme}://{host}"
        fields["path"] = path or "/"
        fields["header_names"] = names = tuple(headers)
        fields["header_values"] = tuple(headers.values())
        fields["_query"] = query_string
        fields["_index"] = _header_index(names)
        if query is not None:
            fields["_parsed_query"] = query
        if form is not None:
            fields["_parsed_form"] = form

    @property
    def query(self) -> MultiDict:
        """The query string's parameters; raises Twilio's 400 (as :meth:`form` does) if they
        are not UTF-8, so building a request never fails and the core answers the error."""
        parsed = self._parsed_query
        if parsed is None:
            parsed = parse_pairs(self._query)
            object.__setattr__(self, "_parsed_query", parsed)
        return parsed

    def header(self, name: str) -> str | None:
        where = self._index.get(_LOWER.get(name) or name.lower())
        return None if where is None else self.header_values[where]

    def knowing(self, query: MultiDict | None = None, form: MultiDict | None = None) -> Request:
        """This request, told what its maker encoded into its query string and its body
        (what parsing them would give back), so that neither is parsed again; a body of a
        type that carries no form parameters still carries none."""
        if query is not None:
            object.__setattr__(self, "_parsed_query", query)
        if form is not None and (not self.body or self.content_type in _FORM_TYPES):
            object.__setattr__(self, "_parsed_form", form if self.body else NO_PARAMS)
        return self

    def form(self) -> MultiDict:
        """The body as form parameters; bodies of other content types carry none."""
        parsed = self._parsed_form
        if parsed is None:
            parsed = self._read_form()
            object.__setattr__(self, "_parsed_form", parsed)
        return parsed

    def _read_form(self) -> MultiDict:
        if not self.body or self.content_type not in _FORM_TYPES:
            return NO_PARAMS
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request("The request body is not valid UTF-8 form data") from None
        return parse_pairs(text)

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters ("" when not given)."""
        return _media_type(self.header("Content-Type") or "")

    def credentials(self) -> Credentials | None:
        value = self.header("Authorization")
        if not value:
            return None
        return _credentials(value)


# Pure functions of a header's value: a client sends the same ones on every request.
@lru_cache(maxsize=256)
def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


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


_PHRASES = {
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    416: "Requested Range Not Satisfiable",
    422: "Unprocessable Entity",
}
"""Phrases Python 3.13 renamed after RFC 9110 ("Content Too Large"...), as the fake has
always written them: its status lines and error messages are the same on every Python."""


def reason_phrase(status: int, unknown: str = "") -> str:
    """The standard reason phrase of an HTTP status (``unknown`` for a status with none)."""
    pinned = _PHRASES.get(status)
    if pinned is not None:
        return pinned
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
    """Parse a query string or form body, keeping repeated keys (never ``dict(parse_qsl())``):
    ``parse_qsl(text, keep_blank_values=True, errors="strict")``, in one loop, and Twilio's
    400 for what is not UTF-8 form data."""
    if not text:
        return NO_PARAMS
    quoted = "%" in text or "+" in text
    items: list[tuple[str, str]] = []
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if quoted:  # as parse_qsl reads each: "+" is a space, then %XX are UTF-8 bytes
            try:
                key = unquote(key.replace("+", " "), errors="strict")
                value = unquote(value.replace("+", " "), errors="strict")
            except (UnicodeDecodeError, ValueError):
                raise bad_request("The request parameters are not valid UTF-8 form data") from None
        items.append((key, value))
    return MultiDict(items)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*\Z")
"""What quote_plus leaves as it is: a string of only these needs no quoting."""


def encode_pairs(pairs: Iterable[tuple[Any, Any]]) -> str:
    """``urlencode(pairs, doseq=True)``, exactly; pairs of plain strings (and ints) are
    quoted by :func:`_quote_plus`, in a fraction of urlencode's time."""
    out: list[str] = []
    for key, value in pairs:
        if type(value) is int:  # not bool: urlencode writes str(True), "True"
            value = str(value)  # digits and "-": what urlencode writes for an int
        if type(key) is str and type(value) is str:  # what urlencode writes for them
            out.append(f"{_quote_plus(key)}={_quote_plus(value)}")
        else:
            encoded = urlencode([(key, value)], doseq=True)
            if encoded:  # an empty sequence as a value encodes to nothing
                out.append(encoded)
    return "&".join(out)


def encode_plain_form(values: Mapping[Any, Any]) -> tuple[str, MultiDict] | None:
    """``urlencode(values)`` and what parsing it back gives, in one pass, for a dict of
    string keys whose values are strings, numbers, booleans or None (left out, as
    ``requests`` leaves it out): what the official client sends. None for any other dict
    (a list value repeats its key; bytes are sent as they are), which ``encode_pairs`` and
    parsing handle."""
    plain = _PLAIN_TEXT  # quote_plus leaves these as they are (_unreserved)
    out: list[str] = []
    items: list[tuple[str, str]] = []
    for key, value in values.items():
        if type(value) is str:
            text = value
        elif value is None:
            continue
        elif type(value) is int or type(value) is float or type(value) is bool:
            text = str(value)  # what urlencode writes, and so what parsing gives back
        else:
            return None
        if type(key) is not str:
            return None
        items.append((key, text))
        quoted_key = key if key in plain else _quote_plus(key)
        out.append(f"{quoted_key}={text if text in plain else _quote_plus(text)}")
    if not items:
        return "", NO_PARAMS
    return "&".join(out), MultiDict(items)


_QUOTED = {
    code: chr(code) if _UNRESERVED.match(chr(code)) else "+" if code == 32 else f"%{code:02X}"
    for code in range(128)
}
"""What quote_plus writes for each ASCII character."""


def _quote_plus(text: str) -> str:
    """``quote_plus(text)``: as it is if nothing needs quoting, by a table for ASCII
    (a third of quote_plus's time), by quote_plus itself for the rest."""
    if _unreserved(text):
        return text
    return text.translate(_QUOTED) if text.isascii() else quote_plus(text)


_PLAIN_TEXT: set[str] = set()


def _unreserved(text: str) -> bool:
    """Whether quote_plus leaves ``text`` as it is; names (and many values) come back."""
    if text in _PLAIN_TEXT:
        return True
    if _UNRESERVED.match(text) is None:
        return False
    if len(_PLAIN_TEXT) >= 1024:
        _PLAIN_TEXT.clear()
    _PLAIN_TEXT.add(text)
    return True


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The C encoder _ENCODER.encode ends in, called without the two Python-level calls in front
# of it and without the check for circular references, which costs a fifth of encoding a
# record: data with a cycle runs into the recursion limit instead, and is encoded again by
# _ENCODER, which raises its ValueError. None where the C accelerator is missing (PyPy).
_MAKE_ENCODER: Any = getattr(json_encoder, "c_make_encoder", None)  # not in typeshed
_C_ENCODE: Any = (
    None
    if _MAKE_ENCODER is None
    else _MAKE_ENCODER(
        None,  # no markers: no check for circular references
        _ENCODER.default,
        json_encoder.encode_basestring,  # the C one where there is one, as _ENCODER uses
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
)


def encode_json(data: JSON) -> bytes:
    """``data`` as compact UTF-8 JSON, exactly as ``_ENCODER.encode`` writes it."""
    if _C_ENCODE is not None and type(data) in (dict, list):
        try:
            return "".join(_C_ENCODE(data, 0)).encode("utf-8")
        except RecursionError:
            pass  # a cycle, or data nested too deep: _ENCODER says which
    return _ENCODER.encode(data).encode("utf-8")


class Encoded(bytes):
    """A JSON body already encoded and already checked against its schema: sent as it is."""

    __slots__ = ()  # no instance dict for each body kept


_UNPARSED: Any = object()


@dataclass(frozen=True, init=False)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    parsed: JSON = field(default=_UNPARSED, repr=False, compare=False)
    """The body as data, if the maker had it; otherwise :attr:`data` parses ``body`` once."""

    def __init__(
        self, status: int, headers: Mapping[str, str], body: bytes, parsed: JSON = _UNPARSED
    ) -> None:
        # The generated __init__ makes an object.__setattr__ call per field; stores into
        # the instance's dict set the same fields (every answer builds one of these).
        fields = self.__dict__
        fields["status"] = status
        fields["headers"] = headers
        fields["body"] = body
        fields["parsed"] = parsed

    def with_header(self, name: str, value: str) -> Response:
        """The same response with one more header, after the others."""
        return Response(self.status, {**self.headers, name: value}, self.body, self.parsed)

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
    def encoded(
        cls, status: int, body: bytes, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A response whose body is already JSON; its data is parsed only if someone asks
        (headers as :meth:`json` sets them)."""
        if headers:
            return cls(status, {"Content-Type": JSON_CONTENT_TYPE, **headers}, body)
        return cls(status, {"Content-Type": JSON_CONTENT_TYPE}, body)

    @property
    def unparsed(self) -> bool:
        """True while :attr:`data` is still to be parsed from ``body`` (the maker gave none):
        what it will be is then a function of the bytes alone."""
        return self.parsed is _UNPARSED

    @classmethod
    def empty(cls, status: int, *, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status, dict(headers or {}), b"", None)


def basic_auth(username: str, password: str) -> str:
    """An ``Authorization`` header value, encoded as requests and aiohttp do (latin-1)."""
    if type(username) is str and type(password) is str:
        return _basic_auth(username, password)
    return _basic_auth.__wrapped__(username, password)


# A pure function of the credentials: a client sends the same ones on every request.
@lru_cache(maxsize=64)
def _basic_auth(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode("latin-1")).decode("ascii")
    return f"Basic {token}"
