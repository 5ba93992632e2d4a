"""Writing the fake's own traffic: a VCR.py cassette, or a fake-voice recording.

Both redact credentials by ``core.redact``'s rule (no Authorization, Proxy-Authorization,
Cookie or Set-Cookie value, no password in a URL) and leave out
exchanges that got no response (an injected connection error or timeout). A fake-voice
recording is JSON::

    {
      "format": "fake-voice-recording",
      "version": 1,
      "exchanges": [
        {
          "operation": "CreateConnectionPolicy",
          "request": {"method": "POST", "url": "https://voice.twilio.com/v1/ConnectionPolicies",
                      "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                      "body": "FriendlyName=edge"},
          "response": {"status": 201,
                       "headers": {"Content-Type": "application/json; charset=utf-8"},
                       "body": "{\\"sid\\": \\"NY...\\", ...}"}
        }
      ]
    }

Bodies are the exact bytes as UTF-8 text; a body that is not UTF-8 is written as
``body_base64`` instead. ``operation`` is Twilio's operationId (null when no route matched);
readers ignore it and route again. A later version gets a new ``version`` number.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from fake_voice.core.exchanges import Exchange
from fake_voice.core.redact import redact_headers, redact_url
from fake_voice.core.wire import reason_phrase
from fake_voice.traffic.entries import RECORDING_FORMAT, RECORDING_VERSION


def write_cassette(exchanges: Iterable[Exchange], path: str | os.PathLike[str]) -> Path:
    """Write ``exchanges`` as a VCR.py cassette (YAML, format version 1) at ``path``."""
    data = {
        "interactions": [_interaction(e, e.status) for e in exchanges if e.status is not None],
        "version": 1,
    }
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=False, sort_keys=False)
    return _write(path, text)


def write_recording(exchanges: Iterable[Exchange], path: str | os.PathLike[str]) -> Path:
    """Write ``exchanges`` as a fake-voice recording (JSON, see this module) at ``path``."""
    data = {
        "format": RECORDING_FORMAT,
        "version": RECORDING_VERSION,
        "exchanges": [_own(e, e.status) for e in exchanges if e.status is not None],
    }
    return _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _write(path: str | os.PathLike[str], text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _interaction(exchange: Exchange, status: int) -> dict[str, Any]:
    reason = reason_phrase(status)
    return {
        "request": {
            "body": _text(exchange.request_body) if exchange.request_body else None,
            "headers": {k: [v] for k, v in redact_headers(exchange.headers).items()},
            "method": exchange.method,
            "uri": redact_url(exchange.url),
        },
        "response": {
            "body": {"string": _text(exchange.response_body)},
            "headers": {k: [v] for k, v in redact_headers(exchange.response_headers).items()},
            "status": {"code": status, "message": reason},
        },
    }


def _own(exchange: Exchange, status: int) -> dict[str, Any]:
    return {
        "operation": exchange.operation,
        "request": {
            "method": exchange.method,
            "url": redact_url(exchange.url),
            "headers": redact_headers(exchange.headers),
            **_own_body(exchange.request_body),
        },
        "response": {
            "status": status,
            "headers": redact_headers(exchange.response_headers),
            **_own_body(exchange.response_body),
        },
    }


def _own_body(body: bytes) -> dict[str, str]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def _text(body: bytes) -> str | bytes:
    """UTF-8 text where it is (readable in the cassette), bytes (``!!binary``) otherwise."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body
