"""The pytest fixture ``fake_voice`` and its marker, registered by a ``pytest11`` entry point.

    def test_create(fake_voice): ...

    @pytest.mark.fake_voice(seed=7, auth_tokens={"AC...": "token"})
    def test_seeded(fake_voice): ...

The marker takes the keyword arguments of ``fake_voice.mock()``. Every test gets a fresh
fake, started before the test and stopped after it, so nothing leaks between tests. After
a test that passed, a fault set with ``voice.fail()`` that did not fire fails the teardown.

For a suite whose processes share one server (pytest-xdist workers, several machines), the
``fake_voice_account_sid`` fixture gives each worker an account SID of its own, the same in
every run: scope the control API to it with ``?account_sid=`` (see
:func:`worker_account_sid`).

With the ini option ``fake_voice_guard = true`` (or ``--fake-voice-guard``) every test runs
under ``fake_voice.intercept.guard``: a request for a ``*.twilio.com`` host that no fake
answers fails at once, and a test that caught that error fails anyway.

pytest loads this module in every run of a project that installs fake_voice, so it imports
only pytest: the fake itself is imported by the first test that asks for the fixture.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import pluggy

    from fake_voice.handle import FakeVoice
    from fake_voice.intercept.guard import Guard


_CALL_PASSED = pytest.StashKey[bool]()
_VOICE = pytest.StashKey["FakeVoice"]()
_GUARD: pytest.StashKey[Guard] = pytest.StashKey()
_GUARDED = pytest.StashKey[bool]()
_GUARD_INI = "fake_voice_guard"


def pytest_addoption(parser: pytest.Parser) -> None:
    help_text = (
        "fail any request for a *.twilio.com host from a test that uses no fake "
        "(fake_voice guard); nothing leaves the process"
    )
    parser.addini(_GUARD_INI, help_text, type="bool", default=False)
    parser.getgroup("fake_voice").addoption(
        "--fake-voice-guard", action="store_true", default=False, help=help_text
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    if not item.config.stash.get(_GUARDED, False):
        yield
        return
    from fake_voice.intercept import guard as guarding

    guard = guarding.Guard()
    item.stash[_GUARD] = guard
    with guard:
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    # Remember whether the test itself passed: only then does its teardown check faults
    # (after a failure, or an expected one, the check would only hide the real story).
    outcome = yield
    report = outcome.get_result()
    guard = item.stash.get(_GUARD, None)
    if report.when == "call" and report.passed and guard is not None and guard.refused:
        # The test caught the guard's error and carried on: it still tried to reach Twilio.
        report.outcome = "failed"
        report.longrepr = (
            "fake_voice guard: this test tried to reach Twilio without a fake:\n"
            + ("\n".join(f"  {what}" for what in guard.refused))
            + "\nask for the `fake_voice` fixture; nothing was sent"
        )
    if report.when == "call":
        item.stash[_CALL_PASSED] = report.passed
    voice = item.stash.get(_VOICE, None)
    if voice is not None and report.failed:
        # Every random value of the fake came from this seed; with it a failure repeats.
        report.sections.append(
            (
                "fake_voice",
                f"seed={voice.seed}: @pytest.mark.fake_voice(seed={voice.seed}) repeats "
                "this test's SIDs",
            )
        )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_GUARDED] = bool(config.getoption("fake_voice_guard") or config.getini(_GUARD_INI))
    config.addinivalue_line(
        "markers",
        "fake_voice(**options): options of the fake_voice fixture, as fake_voice.mock() takes",
    )


@pytest.fixture
def fake_voice(request: pytest.FixtureRequest) -> Iterator[FakeVoice]:
    """A started fake of voice.twilio.com with fresh state; the marker sets its options."""
    from fake_voice.api import mock

    options: dict[str, object] = {}
    for marker in reversed(list(request.node.iter_markers("fake_voice"))):
        if marker.args:
            raise TypeError("@pytest.mark.fake_voice takes keyword arguments only")
        options.update(marker.kwargs)
    voice = mock(**options).start()  # type: ignore[arg-type]
    request.node.stash[_VOICE] = voice
    try:
        yield voice
    finally:
        voice.stop()
    if request.node.stash.get(_CALL_PASSED, False):
        voice._check_faults_at_end()


def worker_account_sid(worker: str | None = None, namespace: str | None = None) -> str:
    """A stable account SID of this pytest-xdist worker's own: ``AC`` and 32 hex digits.

    ``worker`` defaults to the xdist worker id (``PYTEST_XDIST_WORKER``: ``gw0``, ``gw1``...;
    ``master`` without xdist); ``namespace`` tells apart workers of the same id on different
    machines or in different suites that share a server, and defaults to this machine's host
    name. The same worker and namespace give the same SID in every run.
    """
    if worker is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    if namespace is None:
        namespace = socket.gethostname()
    digest = hashlib.sha256(f"fake_voice\0{namespace}\0{worker}".encode()).hexdigest()
    return "AC" + digest[:32]


@pytest.fixture(scope="session")
def fake_voice_account_sid() -> str:
    """This worker's own account SID (:func:`worker_account_sid`), for a shared server."""
    return worker_account_sid()
