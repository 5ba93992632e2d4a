"""Twilio's errors as values: raised anywhere on the request path, written by a dialect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON = Any


class TwilioError(Exception):
    """An error answer: status, Twilio's code and message, and what else its body carries.

    The dialect of the API version writes the body (``fake_voice.core.dialects``), so the
    same error reads as each version's clients expect.
    """

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        details: Mapping[str, JSON] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, JSON] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return f"HTTP {self.status} error {self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"TwilioError({self.status}, {self.code}, {self.message!r})"


def bad_request(message: str) -> TwilioError:
    return TwilioError(400, 20001, message)


def not_found(path: str) -> TwilioError:
    # v1 messages name the path without its version segment.
    shown = path[3:] if path.startswith("/v1/") else path
    return TwilioError(404, 20404, f"The requested resource {shown} was not found")


def unauthorized() -> TwilioError:
    return TwilioError(
        401,
        20003,
        "Authenticate",
        extra={"detail": "Your AccountSid or AuthToken was incorrect."},
        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
    )


def method_not_allowed(allowed: list[str]) -> TwilioError:
    return TwilioError(
        405, 20004, "Method not allowed", headers={"Allow": ", ".join(sorted(set(allowed)))}
    )
