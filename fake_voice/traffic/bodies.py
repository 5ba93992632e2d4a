"""Bodies as recordings keep them: gzip (raw or base64), deflate, base64; sizes capped."""

from __future__ import annotations

import base64
import binascii
import zlib

MAX_BYTES = 50 * 1024 * 1024
"""The most fake-voice reads of one file, and the most one body may decompress to."""

GZIP_MAGIC = b"\x1f\x8b"

Headers = tuple[tuple[str, str], ...]


class BadEntry(Exception):
    """One entry has a field of the wrong type or an undecodable body."""


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def decode(raw: bytes, headers: Headers) -> bytes:
    """Undo the transfer encodings a recording may keep: gzip (raw or base64) and deflate.

    Tools that store decoded text keep the Content-Encoding header, so a body that is not
    compressed is taken as it is whatever the header says.
    """
    if raw.startswith(GZIP_MAGIC):
        return gunzip(raw)
    encoding = (header(headers, "Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        try:
            unpacked = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return raw
        return gunzip(unpacked) if unpacked.startswith(GZIP_MAGIC) else raw
    if encoding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                return _inflate(raw, wbits)
            except zlib.error:
                continue
    return raw


def gunzip(raw: bytes) -> bytes:
    try:
        return _inflate(raw, 16 + zlib.MAX_WBITS)
    except zlib.error as error:
        raise BadEntry(f"the gzip data is corrupt ({error})") from None


def _inflate(raw: bytes, wbits: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(raw, MAX_BYTES + 1)
    if len(out) > MAX_BYTES:
        raise BadEntry(f"a body decompresses to over {mib(MAX_BYTES)}: not read")
    if not inflater.eof:
        raise zlib.error("truncated")
    return out


def unbase64(raw: bytes, where: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise BadEntry(f"{where} is not valid base64") from None


def mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"
