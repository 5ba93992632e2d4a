"""One entry of each format of recorded traffic, read into a :class:`Recorded` value.

VCR.py cassettes (``interactions``), ``responses`` recorder files (``responses``), HAR
(``log.entries``) and fake-voice recordings (``format``/``version``/``exchanges``) are told
apart by their content. A field of the wrong type raises :class:`BadEntry` naming the
field, never its value, so no secret from a recording can leak through a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fake_voice.traffic.bodies import BadEntry, Headers, decode, header, unbase64

RECORDING_FORMAT = "fake-voice-recording"
RECORDING_VERSION = 1


class Unreadable(Exception):
    """The file as a whole cannot be read; the message completes "<file> ..."."""


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


Parser = Callable[[int, Any], Recorded]


def classify(data: Any, syntax: str) -> tuple[str, list[Any], Parser]:
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
        response_body=decode(_bytes(body.get("string"), "response.body.string"), headers),
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
        response_body=decode(_bytes(response.get("body"), "response.body"), headers),
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
            raw = unbase64(raw, "response.content.text")
        body = decode(raw, headers)
    request_headers = _header_list(request.get("headers"), "request.headers")
    post = request.get("postData")
    mime = post.get("mimeType") if isinstance(post, dict) else None
    if isinstance(mime, str) and header(request_headers, "Content-Type") is None:
        # Browsers may list the body's type only in postData: it decides how it is parsed.
        request_headers += (("Content-Type", mime),)
    return Recorded(
        entry=number,
        method=_get(request, "method", str, "request"),
        url=_url(request, "url", "request"),
        request_headers=request_headers,
        request_body=_har_post_data(post),
        status=_get(response, "status", int, "response"),
        response_headers=headers,
        response_body=body,
    )


def _har_post_data(post: Any) -> bytes:
    if post is None:
        return b""
    if not isinstance(post, dict):
        raise BadEntry(f"request.postData must be an object, not {_kind(post)}")
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
        response_body=decode(_own_body(response, "response"), headers),
    )


def _own_body(part: Mapping[str, Any], where: str) -> bytes:
    if part.get("body_base64") is not None:
        return unbase64(_text(part["body_base64"], f"{where}.body_base64"), f"{where}.body")
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
        raise BadEntry(f"{where or 'the entry'} must be an object, not {_kind(obj)}")
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        wanted = {dict: "an object", str: "a string", int: "an integer"}[kind]
        raise BadEntry(f"{name} must be {wanted}, not {_kind(value)}")
    return value


def _url(obj: Any, key: str, where: str) -> str:
    value: str = _get(obj, key, str, where)
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadEntry(f"{where}.{key} is not an absolute http(s) URL")
    return value


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: Any, where: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise BadEntry(f"{where} must be a string, not {_kind(value)}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadEntry(f"{where} is not encodable as UTF-8") from None


def _bytes(value: Any, where: str) -> bytes:
    """A VCR or responses body: None, text, or bytes (YAML ``!!binary``)."""
    return b"" if value is None else _text(value, where)


def _header_map(value: Any, where: str) -> Headers:
    """VCR and our own format: name -> value, or name -> [values]."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise BadEntry(f"{where} must be an object, not {_kind(value)}")
    pairs: list[tuple[str, str]] = []
    for name, values in value.items():
        for item in values if isinstance(values, list) else [values]:
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise BadEntry(f"{where}.{name} must be a string, not {_kind(item)}")
            pairs.append((str(name), str(item)))
    return tuple(pairs)


def _header_list(value: Any, where: str) -> Headers:
    return () if value is None else _pairs(value, where)


def _pairs(value: Any, where: str) -> Headers:
    """HAR's lists of {"name": ..., "value": ...}."""
    if not isinstance(value, list):
        raise BadEntry(f"{where} must be a list, not {_kind(value)}")
    pairs = []
    for index, item in enumerate(value):
        name = _get(item, "name", str, f"{where}[{index}]")
        pairs.append((name, _get(item, "value", str, f"{where}[{index}]")))
    return tuple(pairs)
