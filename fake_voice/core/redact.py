"""The one redaction rule for every output of the fake.

``voice.requests``, the control API, cassettes, recordings, ``fake-voice validate`` and the
server's log lines never show a credential: the values of the headers below are replaced,
and a URL never keeps the ``user:password@`` before its host.
"""

from __future__ import annotations

import base64
import binascii
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


def credentials_in(name: str, value: str) -> set[str]:
    """The secrets a credential header carries, each as it could reappear elsewhere: the
    whole value, an Authorization's credential (and a Basic one decoded, and its password),
    every cookie's value."""
    found = {value}
    if name.lower() in ("cookie", "set-cookie"):
        for pair in value.split(";"):
            found.add(pair.partition("=")[2].strip())
        return {secret for secret in found if secret}
    scheme, _, credential = value.partition(" ")
    found.add(credential.strip())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            decoded = ""
        found.update({decoded, decoded.partition(":")[2]})
    return {secret for secret in found if secret}
