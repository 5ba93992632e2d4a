"""Every API version's dialect, by the version segment that starts its paths."""

from __future__ import annotations

from fake_voice.core.dialect import Dialect
from fake_voice.core.dialects import v1, v2, v3

_BY_VERSION: dict[str, Dialect] = {d.version: d for d in (v1.DIALECT, v2.DIALECT, v3.DIALECT)}
DEFAULT: Dialect = v1.DIALECT
"""For paths of no known version: Twilio's legacy envelope, as v1 and v2 answer."""


def for_version(version: str) -> Dialect:
    """The dialect of ``version`` (``v1``); KeyError for a version the fake does not speak."""
    return _BY_VERSION[version]


def for_path(path: str) -> Dialect:
    """The dialect that answers ``path``, by its first segment (``/v1/...``)."""
    return _BY_VERSION.get(path.split("/", 2)[1] if path.count("/") else "", DEFAULT)
