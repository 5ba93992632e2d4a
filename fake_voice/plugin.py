"""The pytest fixture ``fake_voice`` and its marker, registered by a ``pytest11`` entry point.

    def test_create(fake_voice): ...

    @pytest.mark.fake_voice(seed=7, auth_tokens={"AC...": "token"})
    def test_seeded(fake_voice): ...

The marker takes the keyword arguments of ``fake_voice.mock()``. Every test gets a fresh
fake, started before the test and stopped after it, so nothing leaks between tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_voice._mock import FakeVoice, mock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_voice(**options): options of the fake_voice fixture, as fake_voice.mock() takes",
    )


@pytest.fixture
def fake_voice(request: pytest.FixtureRequest) -> Iterator[FakeVoice]:
    """A started fake of voice.twilio.com with fresh state; the marker sets its options."""
    options: dict[str, object] = {}
    for marker in reversed(list(request.node.iter_markers("fake_voice"))):
        if marker.args:
            raise TypeError("@pytest.mark.fake_voice takes keyword arguments only")
        options.update(marker.kwargs)
    with mock(**options) as voice:  # type: ignore[arg-type]
        yield voice
