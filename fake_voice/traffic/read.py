"""Reading recorded traffic files: size cap, text, JSON or YAML, then each entry.

The format is told by the content, never by the file name (see ``_traffic_entries``). An
entry that cannot be read becomes an :class:`EntryError` and the rest of the file is still
read; a file that cannot be read at all raises :class:`Unreadable`. Messages name fields
and positions, never values, and every credential a file carries is collected so that
:func:`scrub` keeps it out of every message about that file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from fake_voice.core.redact import REDACTED, SECRET_HEADERS, credentials_in
from fake_voice.traffic.bodies import GZIP_MAGIC, MAX_BYTES, BadEntry, gunzip, mib
from fake_voice.traffic.entries import Recorded, Unreadable, classify

__all__ = ["MAX_BYTES", "Recorded", "Unreadable", "read", "scrub"]

FORMAT_NAMES = {
    "vcr-yaml": "VCR.py cassette (YAML)",
    "vcr-json": "VCR.py cassette (JSON)",
    "responses": "responses recorder file",
    "har": "HAR",
    "fake-voice": "fake-voice recording",
}

_MIN_SECRET = 4  # shorter strings are not scrubbed from messages: they would garble them


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
    kind, entries, parse = classify(data, syntax)
    recording = Recording(kind)
    for number, entry in enumerate(entries, start=1):
        try:
            recorded = parse(number, entry)
        except BadEntry as error:
            recording.errors.append(EntryError(number, str(error)))
            continue
        recording.secrets.update(_secrets(recorded))
        recording.exchanges.append(recorded)
    return recording


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET:
            text = text.replace(secret, REDACTED)
    return text


# -- files -----------------------------------------------------------------------------


def _load(path: Path) -> tuple[Any, str]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(f"is {size} bytes, over the {mib(MAX_BYTES)} limit: not read")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror or error}") from None
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gunzip(raw)
        except BadEntry as error:
            raise Unreadable(f"is gzip-compressed but {error}") from None
    if len(raw) > MAX_BYTES:
        raise Unreadable(f"is over the {mib(MAX_BYTES)} limit: not read")
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


# -- secrets ---------------------------------------------------------------------------


def _secrets(recorded: Recorded) -> set[str]:
    """Credentials a recording carries, so that no message about it can repeat them."""
    found: set[str] = set()
    for name, value in recorded.request_headers:
        if name.lower() in SECRET_HEADERS:
            found.update(credentials_in(name, value))
    try:
        password = urlsplit(recorded.url).password
    except ValueError:
        password = None
    if password:
        found.update({password, unquote(password)})
    return {secret for secret in found if secret}
