"""The one redaction rule for every output of the fake.

``voice.requests``, the control API, cassettes, recordings, ``fake-voice validate`` and the
server's log lines never show a credential: the values of the headers below are replaced,
and a URL never keeps the ``user:password@`` before its host.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential's value replaced by ``[redacted]``."""
    return {
        key: REDACTED if key.lower() in SECRET_HEADERS else value for key, value in headers.items()
    }


def redact_url(url: str) -> str:
    """``url`` with no ``user:password@`` before its host."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a malformed URL)"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
