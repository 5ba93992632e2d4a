"""Comparing a recorded answer with the fake's answer to the same request.

Twilio and the fake draw different SIDs and stamp different dates, so values are compared
through :class:`Pairs`, learnt as the replay goes: the first time a recorded SID shows
up where the fake's answer has one of the same kind, the two are paired, and from then on
the recorded SID must always meet its pair (and requests that name it are sent with the
fake's). URLs, links, page tokens and messages are compared the same way, SID by SID, with
the text around the SIDs equal. Dates, which only the server knows, are compared by form
(the same digits-and-separators shape) and paired like SIDs, so a recorded date that shows
up again must show up again in the fake's answer too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fake_voice.traffic.report import counted

SID = re.compile(
    r"[A-Z]{2}[0-9a-f]{32}(?![0-9a-f])"  # v1's SIDs: two letters and 32 hexadecimal digits
    r"|(?<![a-z0-9_])[a-z][a-z0-9_]*_[0-7][0-9a-hjkmnp-tv-z]{25}(?![0-9a-z])"  # v2/v3 TypeIDs
)
_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"  # ISO 8601, in any of its forms
    r"|[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}"  # RFC 2822
)
_MISSING: Any = object()
_MAX_SHOWN = 200


@dataclass
class Pairs:
    """Recorded SIDs and dates paired with the fake's, both ways."""

    sids: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    _fake_sids: dict[str, str] = field(default_factory=dict)

    def request_text(self, text: str) -> str:
        """``text`` (a path, query string or form body) with every paired SID replaced."""
        return SID.sub(lambda found: self.sids.get(found[0], found[0]), text)

    def same(self, recorded: str, fake: str) -> bool:
        """Whether two strings agree once mapped; a pairing is learnt only if they do."""
        if _DATE.match(recorded):
            if _form(recorded) != _form(fake):
                return False
            return _pair(self.dates, None, recorded, fake)
        recorded_sids, fake_sids = SID.findall(recorded), SID.findall(fake)
        if SID.split(recorded) != SID.split(fake) or len(recorded_sids) != len(fake_sids):
            return False
        pairs = list(zip(recorded_sids, fake_sids, strict=True))
        if not all(self._fits(r, f) for r, f in pairs):
            return False
        for r, f in pairs:
            _pair(self.sids, self._fake_sids, r, f)
        return True

    def _fits(self, recorded: str, fake: str) -> bool:
        if recorded[:2] != fake[:2]:
            return False
        return (
            self.sids.get(recorded, fake) == fake
            and self._fake_sids.get(fake, recorded) == recorded
        )


def _form(value: str) -> str:
    return re.sub(r"[0-9]", "0", value)


def _pair(
    forward: dict[str, str], backward: dict[str, str] | None, recorded: str, fake: str
) -> bool:
    known = forward.setdefault(recorded, fake)
    if backward is not None:
        backward.setdefault(fake, recorded)
    return known == fake


@dataclass(frozen=True)
class Difference:
    """One place where the fake answered otherwise than the recording shows."""

    part: str
    """``status``, ``code`` (Twilio's error code) or ``body`` (one field of it)."""
    pointer: str
    """JSON pointer into the body ("" for the status, or the whole body)."""
    recorded: str
    fake: str
    """Both values as JSON text (``missing`` for a field one side does not have)."""


def compare_answers(
    mapping: Pairs,
    recorded_status: int,
    recorded_body: bytes | None,
    status: int,
    body: bytes,
) -> list[Difference]:
    """Every difference between a recorded answer and the fake's, status first.

    A success on one side and an error on the other differ in status and error code, and
    their bodies (a record against an error envelope) are not compared field by field.
    ``recorded_body`` None means the recording kept no body: only the status is compared.
    """
    found: list[Difference] = []
    if recorded_status != status:
        found.append(Difference("status", "", str(recorded_status), str(status)))
    recorded_data = _json(recorded_body) if recorded_body is not None else _MISSING
    data = _json(body)
    if (recorded_status >= 400) != (status >= 400):
        recorded_code = _code(recorded_data) if recorded_status >= 400 else None
        code = _code(data) if status >= 400 else None
        found.append(Difference("code", "/code", _show(recorded_code), _show(code)))
        return found
    if recorded_body is None:
        return found
    _walk(mapping, "", recorded_data, data, found)
    return found


def _json(body: bytes) -> Any:
    """The body as data; an empty one as None, one that is not JSON as its text."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return body.decode("utf-8", "replace")


def _code(data: Any) -> Any:
    return data.get("code") if isinstance(data, dict) else None


def _walk(mapping: Pairs, pointer: str, recorded: Any, fake: Any, found: list[Difference]) -> None:
    if isinstance(recorded, dict) and isinstance(fake, dict):
        for key, value in recorded.items():
            _walk(mapping, _child(pointer, key), value, fake.get(key, _MISSING), found)
        for key in fake.keys() - recorded.keys():
            _walk(mapping, _child(pointer, key), _MISSING, fake[key], found)
        return
    if isinstance(recorded, list) and isinstance(fake, list):
        if len(recorded) != len(fake):
            shown = (counted(len(recorded), "item"), counted(len(fake), "item"))
            found.append(Difference("body", pointer, *shown))
        for index, (one, other) in enumerate(zip(recorded, fake, strict=False)):
            _walk(mapping, _child(pointer, str(index)), one, other, found)
        return
    if not _equal(mapping, recorded, fake):
        part = "code" if pointer == "/code" else "body"
        found.append(Difference(part, pointer, _show(recorded), _show(fake)))


def _equal(mapping: Pairs, recorded: Any, fake: Any) -> bool:
    if isinstance(recorded, str) and isinstance(fake, str):
        return mapping.same(recorded, fake)
    if isinstance(recorded, bool) or isinstance(fake, bool):
        return recorded is fake
    if isinstance(recorded, (int, float)) and isinstance(fake, (int, float)):
        return recorded == fake
    return type(recorded) is type(fake) and recorded == fake


def _child(pointer: str, key: str) -> str:
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1")


def _show(value: Any) -> str:
    if value is _MISSING:
        return "missing"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
