"""Reading recorded traffic: VCR.py cassettes, ``responses`` recorder files, HAR and our own.

The format is told by the content, never by the file name. Each reader turns one entry
into a :class:`Recorded` value; an entry with a field of the wrong type becomes an
:class:`EntryError` and the rest of the file is still read. A file that cannot be read at
all raises :class:`Unreadable`. Messages name fields and positions, never values, so no
secret from a recording can leak through them.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import yaml

MAX_BYTES = 50 * 1024 * 1024
"""The most fake-voice reads of one file, and the most one body may decompress to."""

RECORDING_FORMAT = "fake-voice-recording"
RECORDING_VERSION = 1

FORMAT_NAMES = {
    "vcr-yaml": "VCR.py cassette (YAML)",
    "vcr-json": "VCR.py cassette (JSON)",
    "responses": "responses recorder file",
    "har": "HAR",
    "fake-voice": "fake-voice recording",
}

_GZIP_MAGIC = b"\x1f\x8b"
_SECRET_HEADERS = ("authorization", "proxy-authorization")
_MIN_SECRET = 4  # shorter strings are not scrubbed from messages: they would garble them

Headers = tuple[tuple[str, str], ...]


class Unreadable(Exception):
    """The file as a whole cannot be read; the message completes "<file> ..."."""


class _Bad(Exception):
    """One entry has a field of the wrong type or an undecodable body."""


@dataclass(frozen=True)
class Recorded:
    """One request and its response, as a recording holds them."""

    entry: int
    """1-based position in the file."""
    method: str
    url: str
    request_headers: Headers
    request_body: bytes | None
    """None when the format does not record request bodies (the ``responses`` recorder)."""
    status: int
    response_headers: Headers
    response_body: bytes | None
    """Decoded (base64, gzip) bytes; None when the recording kept no body."""


@dataclass(frozen=True)
class EntryError:
    entry: int
    message: str


@dataclass
class Recording:
    format: str
    exchanges: list[Recorded] = field(default_factory=list)
    errors: list[EntryError] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    """Credentials seen in the file, scrubbed from every message about it."""


def read(path: Path) -> Recording:
    """Read one recording; raise :class:`Unreadable` if the file cannot be read as one."""
    data, syntax = _load(path)
    kind, entries, parse = _classify(data, syntax)
    recording = Recording(kind)
    for number, entry in enumerate(entries, start=1):
        try:
            recorded = parse(number, entry)
        except _Bad as error:
            recording.errors.append(EntryError(number, str(error)))
            continue
        recording.secrets.update(_secrets(recorded))
        recording.exchanges.append(recorded)
    return recording


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET:
            text = text.replace(secret, "[redacted]")
    return text


# -- files -----------------------------------------------------------------------------


def _load(path: Path) -> tuple[Any, str]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(f"is {size} bytes, over the {_mib(MAX_BYTES)} limit: not read")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror or error}") from None
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = _gunzip(raw)
        except _Bad as error:
            raise Unreadable(f"is gzip-compressed but {error}") from None
    if len(raw) > MAX_BYTES:
        raise Unreadable(f"is over the {_mib(MAX_BYTES)} limit: not read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(f"is not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise Unreadable("is empty")
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text), "json"
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise Unreadable(f"is not valid JSON: {error.msg} ({where})") from None
        except RecursionError:
            raise Unreadable("is not valid JSON: it nests too deeply") from None
    try:
        return yaml.load(text, Loader=_Loader), "yaml"
    except yaml.MarkedYAMLError as error:
        # Only the problem and its position: the snippet PyYAML adds may quote a secret.
        mark = error.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise Unreadable(f"is not valid YAML: {error.problem or error.context}{where}") from None
    except (yaml.YAMLError, RecursionError):
        raise Unreadable("is not valid YAML") from None


# PyYAML's safe loader (libyaml's when built with it: much faster on big cassettes) plus
# the harmless Python tags vcrpy cassettes may hold; every other Python tag is refused.
_Loader: type[yaml.SafeLoader] = type(
    "_Loader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {}
)


def _python_str(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


def _python_tuple(loader: yaml.SafeLoader, node: yaml.Node) -> list[Any]:
    return loader.construct_sequence(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:python/str", _python_str)
_Loader.add_constructor("tag:yaml.org,2002:python/unicode", _python_str)
_Loader.add_constructor("tag:yaml.org,2002:python/tuple", _python_tuple)


Parser = Callable[[int, Any], Recorded]


def _classify(data: Any, syntax: str) -> tuple[str, list[Any], Parser]:
    if isinstance(data, dict):
        if data.get("format") == RECORDING_FORMAT:
            version = data.get("version")
            if version != RECORDING_VERSION:
                raise Unreadable(
                    f"is a fake-voice recording of version {version!s:.20}; "
                    f"this fake-voice reads version {RECORDING_VERSION}"
                )
            return "fake-voice", _list(data, "exchanges"), _own_entry
        if isinstance(data.get("log"), dict):
            return "har", _list(data["log"], "log.entries", key="entries"), _har_entry
        if "interactions" in data:
            kind = "vcr-json" if syntax == "json" else "vcr-yaml"
            return kind, _list(data, "interactions"), _vcr_entry
        if "responses" in data:
            return "responses", _list(data, "responses"), _responses_entry
    raise Unreadable(
        "is not a recording fake-voice reads (a VCR.py cassette, a file of the responses "
        "recorder, a HAR log or a fake-voice recording)"
    )


def _list(data: Mapping[str, Any], name: str, *, key: str | None = None) -> list[Any]:
    value = data.get(key or name)
    if not isinstance(value, list):
        raise Unreadable(f"has no list of entries: {name} is {_kind(value)}")
    return value


# -- one entry per format --------------------------------------------------------------


def _vcr_entry(number: int, entry: Any) -> Recorded:
    request = _get(entry, "request", dict, "")
    response = _get(entry, "response", dict, "")
    status = _get(response, "status", dict, "response")
    headers = _header_map(response.get("headers"), "response.headers")
    body = _get(response, "body", dict, "response")
    return Recorded(
        entry=number,
        method=_get(request, "method", str, "request"),
        url=_url(request, "uri", "request"),
        request_headers=_header_map(request.get("headers"), "request.headers"),
        request_body=_bytes(request.get("body"), "request.body") or b"",
        status=_get(status, "code", int, "response.status"),
        response_headers=headers,
        response_body=_decode(_bytes(body.get("string"), "response.body.string"), headers),
    )


def _responses_entry(number: int, entry: Any) -> Recorded:
    response = _get(entry, "response", dict, "")
    headers = _header_map(response.get("headers"), "response.headers")
    content_type = response.get("content_type")
    if isinstance(content_type, str):
        headers += (("Content-Type", content_type),)
    return Recorded(
        entry=number,
        method=_get(response, "method", str, "response"),
        url=_url(response, "url", "response"),
        request_headers=(),
        request_body=None,  # the recorder keeps responses only
        status=_get(response, "status", int, "response"),
        response_headers=headers,
        response_body=_decode(_bytes(response.get("body"), "response.body"), headers),
    )


def _har_entry(number: int, entry: Any) -> Recorded:
    request = _get(entry, "request", dict, "")
    response = _get(entry, "response", dict, "")
    content = _get(response, "content", dict, "response")
    headers = _header_list(response.get("headers"), "response.headers")
    text = content.get("text")
    if text is None:
        body = None if _number(content.get("size")) > 0 else b""
    else:
        raw = _text(text, "response.content.text")
        if content.get("encoding") == "base64":
            raw = _unbase64(raw, "response.content.text")
        body = _decode(raw, headers)
    return Recorded(
        entry=number,
        method=_get(request, "method", str, "request"),
        url=_url(request, "url", "request"),
        request_headers=_header_list(request.get("headers"), "request.headers"),
        request_body=_har_post_data(request.get("postData")),
        status=_get(response, "status", int, "response"),
        response_headers=headers,
        response_body=body,
    )


def _har_post_data(post: Any) -> bytes:
    if post is None:
        return b""
    if not isinstance(post, dict):
        raise _Bad(f"request.postData must be an object, not {_kind(post)}")
    if post.get("text") is not None:
        return _text(post["text"], "request.postData.text")
    params = post.get("params")
    if params is None:
        return b""
    pairs = _pairs(params, "request.postData.params")
    return urlencode(pairs).encode("utf-8")


def _own_entry(number: int, entry: Any) -> Recorded:
    request = _get(entry, "request", dict, "")
    response = _get(entry, "response", dict, "")
    headers = _header_map(response.get("headers"), "response.headers")
    return Recorded(
        entry=number,
        method=_get(request, "method", str, "request"),
        url=_url(request, "url", "request"),
        request_headers=_header_map(request.get("headers"), "request.headers"),
        request_body=_own_body(request, "request"),
        status=_get(response, "status", int, "response"),
        response_headers=headers,
        response_body=_decode(_own_body(response, "response"), headers),
    )


def _own_body(part: Mapping[str, Any], where: str) -> bytes:
    if part.get("body_base64") is not None:
        return _unbase64(_text(part["body_base64"], f"{where}.body_base64"), f"{where}.body")
    body = part.get("body")
    return b"" if body is None else _text(body, f"{where}.body")


# -- fields ----------------------------------------------------------------------------


def _kind(value: object) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bytes: "binary data",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }
    if value is None:
        return "missing"
    return names.get(type(value), f"of type {type(value).__name__}")


def _get(obj: Any, key: str, kind: type, where: str) -> Any:
    name = f"{where}.{key}" if where else key
    if not isinstance(obj, dict):
        raise _Bad(f"{where or 'the entry'} must be an object, not {_kind(obj)}")
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        wanted = {dict: "an object", str: "a string", int: "an integer"}[kind]
        raise _Bad(f"{name} must be {wanted}, not {_kind(value)}")
    return value


def _url(obj: Any, key: str, where: str) -> str:
    value: str = _get(obj, key, str, where)
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _Bad(f"{where}.{key} is not an absolute http(s) URL")
    return value


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: Any, where: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise _Bad(f"{where} must be a string, not {_kind(value)}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad(f"{where} is not encodable as UTF-8") from None


def _bytes(value: Any, where: str) -> bytes:
    """A VCR or responses body: None, text, or bytes (YAML ``!!binary``)."""
    return b"" if value is None else _text(value, where)


def _header_map(value: Any, where: str) -> Headers:
    """VCR and our own format: name -> value, or name -> [values]."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise _Bad(f"{where} must be an object, not {_kind(value)}")
    pairs: list[tuple[str, str]] = []
    for name, values in value.items():
        for item in values if isinstance(values, list) else [values]:
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise _Bad(f"{where}.{name} must be a string, not {_kind(item)}")
            pairs.append((str(name), str(item)))
    return tuple(pairs)


def _header_list(value: Any, where: str) -> Headers:
    return () if value is None else _pairs(value, where)


def _pairs(value: Any, where: str) -> Headers:
    """HAR's lists of {"name": ..., "value": ...}."""
    if not isinstance(value, list):
        raise _Bad(f"{where} must be a list, not {_kind(value)}")
    pairs = []
    for index, item in enumerate(value):
        name = _get(item, "name", str, f"{where}[{index}]")
        pairs.append((name, _get(item, "value", str, f"{where}[{index}]")))
    return tuple(pairs)


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


# -- bodies ----------------------------------------------------------------------------


def _decode(raw: bytes, headers: Headers) -> bytes:
    """Undo the transfer encodings a recording may keep: gzip (raw or base64) and deflate.

    Tools that store decoded text keep the Content-Encoding header, so a body that is not
    compressed is taken as it is whatever the header says.
    """
    if raw.startswith(_GZIP_MAGIC):
        return _gunzip(raw)
    encoding = (header(headers, "Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        try:
            unpacked = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return raw
        return _gunzip(unpacked) if unpacked.startswith(_GZIP_MAGIC) else raw
    if encoding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                return _inflate(raw, wbits)
            except zlib.error:
                continue
    return raw


def _gunzip(raw: bytes) -> bytes:
    try:
        return _inflate(raw, 16 + zlib.MAX_WBITS)
    except zlib.error as error:
        raise _Bad(f"the gzip data is corrupt ({error})") from None


def _inflate(raw: bytes, wbits: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(raw, MAX_BYTES + 1)
    if len(out) > MAX_BYTES:
        raise _Bad(f"a body decompresses to over {_mib(MAX_BYTES)}: not read")
    if not inflater.eof:
        raise zlib.error("truncated")
    return out


def _unbase64(raw: bytes, where: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise _Bad(f"{where} is not valid base64") from None


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"


# -- secrets ---------------------------------------------------------------------------


def _secrets(recorded: Recorded) -> set[str]:
    """Credentials a recording carries, so that no message about it can repeat them."""
    found: set[str] = set()
    for name, value in recorded.request_headers:
        if name.lower() not in _SECRET_HEADERS:
            continue
        found.add(value)
        scheme, _, credential = value.partition(" ")
        found.add(credential.strip())
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                continue
            found.add(decoded)
            found.add(decoded.partition(":")[2])
    try:
        password = urlsplit(recorded.url).password
    except ValueError:
        password = None
    if password:
        found.update({password, unquote(password)})
    return {secret for secret in found if secret}
