"""``fake_voice.traffic.replay`` and ``fake-voice replay``: recordings answered again.

Recordings are made with the real vcrpy (YAML and JSON serializers, the official client
talking to a loopback server that answers with a fake) and with the fake's own writers;
each replays with no difference against a fresh fake that draws other SIDs. Statuses,
error codes and fields are then corrupted by hand, and each is reported exactly once.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, traffic
from tests.conftest import ACCOUNT_SID
from tests.scenarios import Scenario, discover
from tests.test_validate_recorders import (
    AUTH_TOKEN,
    CREATE_TARGET,
    FETCH_TARGET,
    FIRST_PAGE,
    VCR_JSON,
    VCR_YAML,
    Format,
    Loopback,
    corrupt,
    drive,
    loopback,  # noqa: F401  (a fixture)
    record_responses,
    record_vcr,
    set_status,
)

REFUSED_TARGET, MISSING_POLICY = 7, 8


def _dump_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


OWN = Format(
    "fake-voice",
    lambda path: json.loads(path.read_text(encoding="utf-8")),
    _dump_json,
    lambda data: data["exchanges"],
    lambda entry: entry["response"],
    lambda entry: (entry["response"], "body"),
    lambda entry: (entry["response"], "status"),
)
SCENARIOS = discover()


def record(loop: Loopback, tmp_path: Path, how: str) -> tuple[Path, Format]:
    """The flow of ``drive`` recorded by vcrpy, or by the fake's own writers."""
    path = tmp_path / "recording"  # no suffix: the content tells the format
    if how in ("vcr-yaml", "vcr-json"):
        record_vcr(loop, path, how[4:])
        return path, VCR_YAML if how == "vcr-yaml" else VCR_JSON
    drive(loop)
    if how == "fake-cassette":
        loop.voice.save_cassette(path)
        return path, VCR_YAML
    loop.voice.save_recording(path)
    return path, OWN


HOW = ["vcr-yaml", "vcr-json", "fake-cassette", "fake-recording"]


def found(report: traffic.ReplayReport) -> list[tuple[int, str, str, str, str]]:
    return [(d.entry, d.part, d.pointer, d.recorded, d.fake) for d in report.differences]


@pytest.mark.parametrize("how", HOW)
def test_a_recording_replays_with_no_difference(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
    how: str,
) -> None:
    path, _ = record(loopback, tmp_path, how)

    report = traffic.replay(path, hosts=[loopback.host])

    assert report.ok, report.text()
    [replayed] = report.files
    # vcrpy also kept the health check on localhost; the fake's writers only Twilio's.
    assert (replayed.replayed, replayed.matched, replayed.skipped) == (
        (9, 9, 1) if how.startswith("vcr") else (9, 9, 0)
    )
    assert report.text().endswith(
        "9 exchanges replayed: 9 matched, 0 differing; 0 not covered; "
        f"{replayed.skipped} with other hosts skipped; 0 differences\n"
    )


@pytest.mark.parametrize("how", HOW)
def test_each_corruption_is_reported_exactly_once(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
    how: str,
) -> None:
    path, fmt = record(loopback, tmp_path, how)
    set_status(fmt, path, CREATE_TARGET, 200)  # a success status
    set_status(fmt, path, MISSING_POLICY, 400)  # an error status (the body still says 404)

    def code(body: dict[str, Any]) -> None:
        body["code"] = 21000

    def fields(body: dict[str, Any]) -> None:
        body["priority"] = 6  # a value
        body["sid"] = "NE" + "f" * 32  # a SID that is not the one Twilio created
        body["date_created"] = "2024-01-02T03:04:05+00:00"  # a date of another form
        del body["weight"]  # a field the fake has and the recording lacks
        body["region"] = "us1"  # a field the recording has and the fake lacks

    def page(body: dict[str, Any]) -> None:
        body["connection_policies"] = []

    corrupt(fmt, path, REFUSED_TARGET, code)
    corrupt(fmt, path, FETCH_TARGET, fields)
    corrupt(fmt, path, FIRST_PAGE, page)

    report = traffic.replay(path, hosts=[loopback.host])

    assert report.exit_status == 1
    assert sorted(found(report)) == sorted(
        [
            (CREATE_TARGET, "status", "", "200", "201"),
            (
                FETCH_TARGET,
                "body",
                "/date_created",
                '"2024-01-02T03:04:05+00:00"',
                date(report),
            ),
            (FETCH_TARGET, "body", "/priority", "6", "5"),
            (FETCH_TARGET, "body", "/region", '"us1"', "missing"),
            (FETCH_TARGET, "body", "/sid", '"NE' + "f" * 32 + '"', fake_sid(report)),
            (FETCH_TARGET, "body", "/weight", "missing", "7"),
            (FIRST_PAGE, "body", "/connection_policies", "0 items", "1 item"),
            (REFUSED_TARGET, "code", "/code", "21000", "20001"),
            (MISSING_POLICY, "status", "", "400", "404"),
        ]
    )
    text = report.text()
    assert "  #3 POST 127.0.0.1:" in text and "(CreateConnectionPolicyTarget)\n" in text
    assert "    status: recorded 200, fake 201\n" in text
    assert "    error code: recorded 21000, fake 20001\n" in text
    assert "    body /priority: recorded 6, fake 5\n" in text


def date(report: traffic.ReplayReport) -> str:
    [date] = [d.fake for d in report.differences if d.pointer == "/date_created"]
    assert len(json.loads(date)) == 20 and date.endswith('Z"')
    return date


def fake_sid(report: traffic.ReplayReport) -> str:
    [sid] = [d.fake for d in report.differences if d.pointer == "/sid"]
    assert sid.startswith('"NE') and len(sid) == 36
    return sid


def test_a_success_against_an_error_is_one_status_and_one_code(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
) -> None:
    path, fmt = record(loopback, tmp_path, "fake-recording")
    data = fmt.load(path)
    fmt.entries(data)[REFUSED_TARGET - 1]["response"]["status"] = 201
    fmt.dump(data, path)

    report = traffic.replay(path, hosts=[loopback.host])

    assert found(report) == [
        (REFUSED_TARGET, "status", "", "201", "400"),
        (REFUSED_TARGET, "code", "/code", "null", "20001"),
    ]


def test_no_credential_of_a_recording_appears_in_the_report(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
) -> None:
    path, fmt = record(loopback, tmp_path, "vcr-yaml")
    basic = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert f"Basic {basic}" in path.read_text()

    def leak(body: dict[str, Any]) -> None:
        body["friendly_name"] = f"token {AUTH_TOKEN}"
        body["sid"] = basic

    corrupt(fmt, path, 1, leak)

    report = traffic.replay(path, hosts=[loopback.host])

    outputs = [report.text(), json.dumps(report.as_json())]
    assert [(d.pointer, d.recorded) for d in report.differences] == [
        ("/sid", '"[redacted]"'),
        ("/friendly_name", '"token [redacted]"'),
    ]
    for output in outputs:
        assert AUTH_TOKEN not in output and basic not in output


def test_the_responses_recorder_keeps_no_bodies_to_replay(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "responses.yaml"
    record_responses(loopback, path)

    report = traffic.replay(path, hosts=[loopback.host])

    assert report.exit_status == 2
    assert report.text().splitlines()[0] == (
        f"{path} keeps no request bodies (responses): its 4 POST requests cannot be replayed "
        "(unreadable)"
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "fake_voice.cli", "replay", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_the_command_exits_0_1_or_2(
    loopback: Loopback,  # noqa: F811
    tmp_path: Path,
) -> None:
    path, fmt = record(loopback, tmp_path, "fake-recording")
    host = ["--host", loopback.host]

    clean = run(*host, str(path))
    assert (clean.returncode, clean.stdout.splitlines()[0]) == (
        0,
        f"{path}: fake-voice recording, 9 entries, matches",
    )
    set_status(fmt, path, CREATE_TARGET, 202)
    differing = run(*host, "--format", "json", str(path))
    assert differing.returncode == 1
    [difference] = json.loads(differing.stdout)["files"][0]["differences"]
    assert (difference["entry"], difference["part"], difference["recorded"]) == (3, "status", "202")
    missing = run(*host, str(path), str(tmp_path / "nothing.json"))
    assert missing.returncode == 2
    assert (
        f"{tmp_path / 'nothing.json'} does not exist (check the path) (unreadable)"
        in missing.stdout
    )
    bad_state = run("--state", str(tmp_path / "nothing.json"), str(path))
    assert bad_state.returncode == 2
    assert bad_state.stderr.startswith("fake-voice replay: cannot load the state: ")


def test_a_path_the_fake_does_not_route_is_listed_not_replayed(
    fake_voice: FakeVoice, tmp_path: Path
) -> None:
    fake_voice.create("ConnectionPolicies", FriendlyName="edge")
    client = Client(ACCOUNT_SID, "token")
    client.voice.v1.connection_policies.list()
    path = tmp_path / "flow.json"
    fake_voice.save_recording(path)
    data = json.loads(path.read_text())
    v2 = json.loads(json.dumps(data["exchanges"][0]))
    v2["request"]["url"] = "https://voice.twilio.com/v4/Recordings/edge"
    data["exchanges"].insert(0, v2)
    path.write_text(json.dumps(data))

    report = traffic.replay(path)

    assert report.ok
    assert report.text().splitlines()[:2] == [
        f"{path}: fake-voice recording, 2 entries, matches",
        "  #1 GET voice.twilio.com/v4/Recordings/edge: not covered (the fake has no route)",
    ]


def _record_with_world(scenario: Scenario, folder: Path) -> tuple[list[Path], dict[str, Any]]:
    """A scenario's recording and cassette, and the world its fake held at its first request:
    what the scenario seeded through the handle (archived calls, prefixes), which the API
    cannot create and so a replay needs as its state."""
    voice = fake_voice.mock()
    world: list[dict[str, Any]] = []
    answer = voice._answer_client  # what interception hands every request to

    def first_sees_the_world(request: Any) -> Any:
        if not world:
            world.append(voice.export_state())
        return answer(request)

    voice._answer_client = first_sees_the_world
    with voice:
        scenario.run(Client(ACCOUNT_SID, "token"), voice)
    paths = [folder / f"{scenario.id}.json", folder / f"{scenario.id}.yaml"]
    voice.save_recording(paths[0])
    voice.save_cassette(paths[1])
    return paths, world[0]


# The transcription scenario moves the fake's clock between its requests (their statuses
# follow it); a replay sees requests only, so it is compared in the test below instead.
CLOCKED = "transcriptions.transcriptions_from_create_to_completed"
TIMELESS = [s for s in SCENARIOS if s.id != CLOCKED]


@pytest.mark.parametrize("scenario", TIMELESS, ids=[s.id for s in TIMELESS])
def test_every_scenario_of_the_suite_replays_with_no_difference(
    scenario: Scenario, tmp_path: Path
) -> None:
    paths, world = _record_with_world(scenario, tmp_path)

    report = traffic.replay(paths, state=world)

    assert report.ok, report.text()
    exchanges = len(json.loads(paths[0].read_text())["exchanges"])
    assert report.counts()["replayed"] == 2 * exchanges
    assert exchanges > 2


def test_from_an_empty_world_only_what_the_handle_seeded_differs(tmp_path: Path) -> None:
    for scenario in SCENARIOS:
        _record_with_world(scenario, tmp_path)

    report = traffic.replay([tmp_path])

    differing = sorted(Path(f.file).name for f in report.files if f.status != "matches")
    assert differing == [
        "archived_calls.archived_call_deleted_once.json",
        "archived_calls.archived_call_deleted_once.yaml",
        "dialing_permissions.high_risk_special_prefixes.json",
        "dialing_permissions.high_risk_special_prefixes.yaml",
        f"{CLOCKED}.json",
        f"{CLOCKED}.yaml",
    ]
    assert {(d.operation, d.part) for d in report.differences} == {
        ("DeleteArchivedCall", "status"),
        ("DeleteArchivedCall", "code"),
        ("ListDialingPermissionsHrsPrefixes", "body"),
        ("ListDialingPermissionsHrsPrefixes", "status"),
        ("ListDialingPermissionsHrsPrefixes", "code"),
        # statuses the recording's clock had moved on, and the page tokens they shaped
        ("FetchTranscription", "body"),
        ("ListV3Transcriptions", "body"),
        ("ListV3Transcriptions", "status"),
        ("ListV3Transcriptions", "code"),
    }
