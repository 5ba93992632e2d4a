"""Bad-input helpers shared by the tests: Twilio's exact envelope, and nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import requests

from fake_voice import FakeVoice


def envelope(status: int, code: int, message: str) -> dict[str, object]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def assert_refused(
    fake_voice: FakeVoice,
    send: Callable[[], requests.Response],
    status: int,
    code: int,
    message: str,
) -> None:
    """``send()`` gets exactly this error envelope and leaves every account's state as it was."""
    before = fake_voice.export_state()

    response = send()

    assert response.status_code == status
    assert response.json() == envelope(status, code, message)
    assert fake_voice.export_state() == before
