"""``unknown_parameters``: typos, wrong-case names and bodies of another content type.

Twilio ignores them (the default, ``"ignore"``); ``"warn"`` raises
``fake_voice.UnknownParameterWarning`` and ``"reject"`` answers Twilio's 400 naming the
closest known parameter. Seeding through the handle refuses them always.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, TwilioError, UnknownParameterWarning, traffic
from tests.conftest import ACCOUNT_SID, BASE
from tests.scenarios import Scenario, discover
from tests.test_server_cli import running

POLICIES = f"{BASE}/v1/ConnectionPolicies"
SCENARIOS = discover()


def session() -> requests.Session:
    http = requests.Session()
    http.auth = (ACCOUNT_SID, "token")
    return http


def new_policy(http: requests.Session) -> str:
    sid: str = http.post(POLICIES, data={"FriendlyName": "edge"}).json()["sid"]
    return sid


def test_by_default_unknown_parameters_are_ignored_as_twilio_ignores_them(
    fake_voice: FakeVoice,
) -> None:
    http = session()
    targets = f"{POLICIES}/{new_policy(http)}/Targets"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        answer = http.post(targets, data={"Target": "sip:a@example.com", "Priorty": "1"})
    assert (answer.status_code, answer.json()["priority"]) == (201, 10)


@pytest.mark.fake_voice(unknown_parameters="warn")
def test_warn_names_the_parameter_the_operation_and_the_closest_known_one(
    fake_voice: FakeVoice,
) -> None:
    http = session()
    targets = f"{POLICIES}/{new_policy(http)}/Targets"
    with pytest.warns(UnknownParameterWarning) as caught:
        answer = http.post(targets, data={"Target": "sip:a@example.com", "Priorty": "1"})
    assert [str(w.message) for w in caught] == [
        "CreateConnectionPolicyTarget: Unknown parameter Priorty in the post body: "
        "did you mean Priority?"
    ]
    assert (answer.status_code, answer.json()["priority"]) == (201, 10)


REFUSED = [
    pytest.param(
        "POST",
        "/{policy}/Targets",
        {"data": {"Target": "sip:a@example.com", "Priorty": "1"}},
        "Unknown parameter Priorty in the post body: did you mean Priority?",
        id="typo",
    ),
    pytest.param(
        "POST",
        "/{policy}",
        {"data": {"friendlyName": "edge"}},
        "Unknown parameter friendlyName in the post body: did you mean FriendlyName?",
        id="wrong-case",
    ),
    pytest.param(
        "POST",
        "/{policy}/Targets",
        {"json": {"Target": "sip:a@example.com"}},
        "The body is application/json, which CreateConnectionPolicyTarget does not read: "
        "it takes application/x-www-form-urlencoded",
        id="json-body",
    ),
    pytest.param(
        "POST",
        "/{policy}/Targets",
        {"data": {"Target": "sip:a@example.com", "Colour": "red"}},
        "Unknown parameter Colour in the post body: CreateConnectionPolicyTarget takes "
        "Enabled, FriendlyName, Priority, Target, Weight",
        id="nothing-close",
    ),
    pytest.param(
        "GET",
        "",
        {"params": {"PageSise": "5"}},
        "Unknown parameter PageSise in the query string: did you mean PageSize?",
        id="query-string",
    ),
    pytest.param(
        "DELETE",
        "/{policy}",
        {"params": {"Force": "true"}},
        "Unknown parameter Force in the query string: DeleteConnectionPolicy takes no parameters",
        id="takes-none",
    ),
]


@pytest.mark.fake_voice(unknown_parameters="reject")
@pytest.mark.parametrize(("method", "under", "sent", "message"), REFUSED)
def test_reject_answers_twilios_400_and_changes_nothing(
    fake_voice: FakeVoice, method: str, under: str, sent: dict[str, Any], message: str
) -> None:
    http = session()
    policy = new_policy(http)
    url = POLICIES + under.format(policy=policy)
    before = fake_voice.export_state()

    answer = http.request(method, url, **sent)

    assert answer.status_code == 400
    assert answer.json() == {
        "code": 20001,
        "message": message,
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }
    assert fake_voice.export_state() == before


@pytest.mark.fake_voice(unknown_parameters="reject")
def test_a_typo_of_a_required_parameter_is_named_as_the_typo(fake_voice: FakeVoice) -> None:
    http = session()
    answer = http.post(f"{POLICIES}/{new_policy(http)}/Targets", data={"Targt": "sip:a@b.com"})
    assert answer.json()["message"] == (
        "Unknown parameter Targt in the post body: did you mean Target?"
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_official_client_sends_no_unknown_parameter(scenario: Scenario) -> None:
    with fake_voice.mock(unknown_parameters="reject") as voice:
        scenario.run(Client(ACCOUNT_SID, "token"), voice)
    refused = [e.json for e in voice.requests if e.status and e.status >= 400]
    # v1 and v2 answer Twilio's envelope (message), v3 a problem document (detail)
    messages = [str(body.get("message") or body.get("detail")) for body in refused]
    unknown = [m for m in messages if m.startswith(("Unknown parameter", "The body is"))]
    assert unknown == []
    assert any(e.status and e.status < 300 for e in voice.requests)


def test_the_async_and_direct_clients_send_no_unknown_parameter() -> None:
    import asyncio

    voice = fake_voice.mock(unknown_parameters="reject")

    async def provision() -> int:
        policies = voice.async_client(ACCOUNT_SID).voice.v1.connection_policies
        policy = await policies.create_async(friendly_name="edge")
        target = await policies(policy.sid).targets.create_async(
            target="sip:a@example.com", priority=1, weight=2, enabled=False
        )
        return int(target.priority)

    assert asyncio.run(provision()) == 1
    trunks = voice.client(ACCOUNT_SID).voice.v1.byoc_trunks
    trunk = trunks.create(voice_url="https://a.example/v", cnam_lookup_enabled=True)
    assert trunks(trunk.sid).update(voice_method="GET").voice_method == "GET"
    assert [e.status for e in voice.requests] == [201, 201, 201, 200]


def test_seeding_refuses_unknown_parameters_whatever_the_option(fake_voice: FakeVoice) -> None:
    assert fake_voice.options.unknown_parameters == "ignore"
    with pytest.raises(TwilioError) as caught:
        fake_voice.create("ConnectionPolicies", FriendlyNam="x")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        400,
        20001,
        "Unknown parameter FriendlyNam in the post body: did you mean FriendlyName?",
    )
    with pytest.raises(TwilioError) as listed:
        fake_voice.list_all("ConnectionPolicies", Pagesize=5)
    assert listed.value.message == (
        "Unknown parameter Pagesize in the query string: did you mean PageSize?"
    )
    assert fake_voice.export_state() == {}
    assert fake_voice.requests == []


def test_an_unknown_mode_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown_parameters must be 'ignore', 'warn' or 'reject'"):
        fake_voice.mock(unknown_parameters="strict")  # type: ignore[arg-type]


def test_fake_voice_serve_takes_the_option() -> None:
    with running("--unknown-parameters", "reject") as server:
        answer = requests.post(
            f"{server.url}/v1/ConnectionPolicies",
            data={"Friendlyname": "x"},
            auth=(ACCOUNT_SID, "t"),
        )
    assert (answer.status_code, answer.json()["message"]) == (
        400,
        "Unknown parameter Friendlyname in the post body: did you mean FriendlyName?",
    )


def test_fake_voice_serve_warns_on_standard_error_for_each_one() -> None:
    with running("--unknown-parameters", "warn") as server:
        for _ in range(2):
            answer = requests.post(
                f"{server.url}/v1/ConnectionPolicies",
                data={"FriendlyNam": "x"},
                auth=(ACCOUNT_SID, "t"),
            )
            assert answer.status_code == 201
        code, _, err = server.stop()
    warning = (
        "UnknownParameterWarning: CreateConnectionPolicy: Unknown parameter FriendlyNam in the "
        "post body: did you mean FriendlyName?"
    )
    assert code == 0
    assert err.count(warning) == 2


def test_validate_lists_unknown_parameters_when_asked(
    fake_voice: FakeVoice, tmp_path: Path
) -> None:
    http = session()
    targets = f"{POLICIES}/{new_policy(http)}/Targets"
    http.post(targets, data={"Target": "sip:a@example.com", "priorty": "1"})
    http.post(targets, json={"Target": "sip:b@example.com"})  # a 400: Target is missing
    http.post(POLICIES, json={"FriendlyName": "x"})  # a 201 that stored no name
    recording = tmp_path / "typos.json"
    fake_voice.save_recording(recording)

    assert traffic.validate(recording).ok
    report = traffic.validate(recording, unknown_parameters=True)

    assert [(v.entry, v.pointer, v.keyword, v.message) for v in report.violations] == [
        (
            2,
            "/priorty",
            "unknown",
            "Unknown parameter priorty in the post body: did you mean Priority?",
        ),
        (
            4,
            "",
            "unknown",
            "The body is application/json, which CreateConnectionPolicy does not read: it takes "
            "application/x-www-form-urlencoded",
        ),
    ]
    assert report.violations[0].schema == "requests/CreateConnectionPolicyTarget.json#"
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "fake_voice.cli",
            "validate",
            "--unknown-parameters",
            "--format",
            "json",
            str(recording),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 1
    assert json.loads(cli.stdout)["summary"]["violations"] == 2
