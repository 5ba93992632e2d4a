"""The pytest fixture and marker, as a consumer's suite uses them (no conftest needed)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

CONSUMER_TESTS = """
import pytest
from twilio.rest import Client

ACCOUNT = "AC" + "1" * 32


def test_create(fake_voice):
    client = Client(ACCOUNT, "token")
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")
    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == "edge"
    assert fake_voice.requests[-1].status == 200


def test_state_does_not_leak_from_the_previous_test(fake_voice):
    assert Client(ACCOUNT, "token").voice.v1.connection_policies.list() == []


@pytest.mark.fake_voice(seed=7)
def test_seeded_one(fake_voice):
    sid = Client(ACCOUNT, "token").voice.v1.connection_policies.create().sid
    print("SID", sid)
    assert fake_voice.seed == 7


@pytest.mark.fake_voice(seed=7)
def test_seeded_two(fake_voice):
    sid = Client(ACCOUNT, "token").voice.v1.connection_policies.create().sid
    print("SID", sid)


@pytest.mark.fake_voice(auth_tokens={ACCOUNT: "right"})
def test_marker_options_reach_the_fake(fake_voice):
    from twilio.base.exceptions import TwilioRestException
    with pytest.raises(TwilioRestException) as caught:
        Client(ACCOUNT, "wrong").voice.v1.connection_policies.create()
    assert caught.value.status == 401
"""


def test_a_consumer_suite_gets_the_fixture_from_the_entry_point(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)

    result = pytester.runpytest("-s", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=5)
    sids = re.findall(r"SID (NY[0-9a-f]{32})", result.stdout.str())
    assert len(sids) == 2
    assert sids[0] == sids[1]


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")

    result.stdout.fnmatch_lines(["@pytest.mark.fake_voice(**options):*"])


def test_positional_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_voice(7)
        def test_x(fake_voice):
            pass
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes keyword arguments only*"])


def test_the_fake_is_stopped_after_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests, responses

        holder = {}

        def test_one(fake_voice):
            holder["voice"] = fake_voice
            assert fake_voice.active

        def test_two():
            assert not holder["voice"].active
            with responses.RequestsMock() as stub:
                stub.get("https://voice.twilio.com/v1/Settings", json={"stub": True})
                assert requests.get("https://voice.twilio.com/v1/Settings").json() == {"stub": True}
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)


def test_a_failing_test_reports_the_seed_that_repeats_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from twilio.rest import Client

        def test_fails(fake_voice):
            Client("AC" + "1" * 32, "t").voice.v1.connection_policies.create()
            assert fake_voice.requests == []
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1)
    seeds = re.findall(r"seed=(\d+): @pytest.mark.fake_voice\(seed=(\d+)\)", result.stdout.str())
    assert len(seeds) == 1
    assert seeds[0][0] == seeds[0][1]


HEAVY = ("jsonschema", "faker", "responses", "requests", "h11", "yaml", "aiohttp")


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    script = (
        "import sys, fake_voice.plugin\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[1:]))\n"
        "print(sorted(m for m in sys.modules if m.startswith('fake_voice')))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, *HEAVY], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert found == ["[]", "['fake_voice', 'fake_voice.plugin']"]


def test_the_fixture_imports_the_fake_when_a_test_first_uses_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_plain():
            assert "fake_voice.handle" not in sys.modules

        def test_with_the_fixture(fake_voice):
            assert "fake_voice.handle" in sys.modules and fake_voice.active
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=2)
