"""`fake-voice validate` from the command line: reports, exit statuses, bad input, secrets."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice, traffic
from fake_voice.cli import main
from fake_voice.traffic import MAX_BYTES
from tests.conftest import ACCOUNT_SID

TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
CREDENTIAL = base64.b64encode(f"{ACCOUNT_SID}:{TOKEN}".encode()).decode()


@pytest.fixture
def recording(fake_voice: FakeVoice, tmp_path: Path) -> Path:
    """A fake-voice recording of three exchanges: create policy, create target, fetch target."""
    v1 = Client(ACCOUNT_SID, TOKEN).voice.v1
    policy = v1.connection_policies.create(friendly_name="edge")
    target = v1.connection_policies(policy.sid).targets.create(target="sip:a@example.com")
    v1.connection_policies(policy.sid).targets(target.sid).fetch()
    path = tmp_path / "recordings" / "policies.json"
    fake_voice.save_recording(path)
    return path


def edit(path: Path, number: int, part: str, **changes: Any) -> None:
    """Change fields of one exchange's response body (part="body") or of the part itself."""
    data = json.loads(path.read_text())
    holder = data["exchanges"][number - 1]["response" if part == "body" else part]
    if part == "body":
        body = json.loads(holder["body"])
        body.update(changes)
        holder["body"] = json.dumps(body)
    else:
        holder.update(changes)
    path.write_text(json.dumps(data))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_valid_recording_exits_0_with_a_summary(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, str(recording))

    assert code == 0
    assert out == (
        f"{recording}: fake-voice recording, 3 entries, valid\n"
        "\n"
        "1 file: 1 valid, 0 with violations, 0 unreadable; 3 exchanges with Twilio Voice: "
        "3 valid, 0 with violations, 0 not covered; 0 with other hosts skipped; 0 violations\n"
    )


def test_violations_exit_1_with_entry_pointer_and_rule(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(recording, 2, "body", priority=70000, date_created="2024-01-02T03:04:05.123Z")
    target_path = json.loads(recording.read_text())["exchanges"][1]["request"]["url"][24:]

    code, out = run(capsys, str(recording))

    assert code == 1
    assert out.splitlines()[:6] == [
        f"{recording}: fake-voice recording, 3 entries, violations",
        f"  #2 POST voice.twilio.com{target_path} (CreateConnectionPolicyTarget)",
        "    response /date_created: '2024-01-02T03:04:05.123Z' does not match "
        "'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:"
        "[0-5][0-9]Z$'",
        "      rule: pattern at common.json#/$defs/date_time/pattern",
        "    response /priority: 70000 is greater than the maximum of 65535",
        "      rule: maximum at resources/connection_policy_target.json"
        "#/properties/priority/maximum",
    ]
    assert out.splitlines()[-1] == (
        "1 file: 0 valid, 1 with violations, 0 unreadable; 3 exchanges with Twilio Voice: "
        "2 valid, 1 with violations, 0 not covered; 0 with other hosts skipped; 2 violations"
    )


def test_json_format_is_for_machines(recording: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(recording, 1, "response", status=202)

    code, out = run(capsys, "--format", "json", str(recording))

    report = json.loads(out)
    assert code == 1 and report["exit_status"] == 1 and report["ok"] is False
    assert report["report_version"] == 1
    assert report["summary"]["violations"] == 1 and report["summary"]["checked"] == 3
    [file] = report["files"]
    assert (file["file"], file["format"], file["status"]) == (
        str(recording),
        "fake-voice",
        "violations",
    )
    assert file["violations"] == [
        {
            "entry": 1,
            "method": "POST",
            "host": "voice.twilio.com",
            "path": "/v1/ConnectionPolicies",
            "operation": "CreateConnectionPolicy",
            "part": "status",
            "pointer": "",
            "message": "status 202 is neither the success status 201 of CreateConnectionPolicy "
            "nor an error status (400-599)",
            "keyword": "status",
            "schema": "operations#/CreateConnectionPolicy/status",
        }
    ]


def test_the_fakes_own_recording_and_cassette_hold_no_credentials(
    recording: Path, fake_voice: FakeVoice, tmp_path: Path
) -> None:
    cassette = tmp_path / "fake.yaml"
    fake_voice.save_cassette(cassette)

    for path in (recording, cassette):
        text = path.read_text()
        assert TOKEN not in text and CREDENTIAL not in text
        assert "Authorization" in text and "[redacted]" in text  # the header, without its value
    assert traffic.validate([recording, cassette]).counts()["valid"] == 6


def har_with_secrets(tmp_path: Path) -> Path:
    """A HAR whose request carries the token in its header, its URL and its body."""
    body = json.dumps({"sid": TOKEN, "friendly_name": CREDENTIAL}).encode()
    entry = {
        "startedDateTime": "2024-05-01T12:00:00.000Z",
        "time": 3,
        "request": {
            "method": "POST",
            "url": f"https://{ACCOUNT_SID}:{TOKEN}@voice.twilio.com/v1/ConnectionPolicies",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Authorization", "value": f"Basic {CREDENTIAL}"}],
            "queryString": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": f"X={TOKEN}"},
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 201,
            "statusText": "Created",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": len(body), "mimeType": "application/json", "text": body.decode()},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 1, "wait": 1, "receive": 1},
    }
    path = tmp_path / "secret.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {}, "entries": [entry]}}))
    return path


@pytest.mark.parametrize("form", ["text", "json"])
def test_no_secret_of_a_recording_appears_in_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    path = har_with_secrets(tmp_path)

    code, out = run(capsys, "--format", form, str(path))

    assert code == 1
    assert "does not match" in out and "[redacted]" in out
    for secret in (TOKEN, CREDENTIAL, f"{ACCOUNT_SID}:{TOKEN}"):
        assert secret not in out


def test_unreadable_inputs_exit_2_and_the_others_are_still_reported(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = recording.parent
    (folder / "truncated.json").write_text('{"format": "fake-voice-recording", "exchanges": [{')
    (folder / "truncated.yaml").write_text("interactions:\n- request: {method: GET, uri: 'http")
    (folder / "binary.har").write_bytes(b"\x00\xff\xfe garbage")
    (folder / "empty.yml").write_text("")
    (folder / "other.json").write_text('{"hello": "world"}')
    (folder / "newer.json").write_text('{"format": "fake-voice-recording", "version": 2}')
    (folder / "scalar.yaml").write_text("interactions: 5\n")
    with (folder / "huge.har").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: nothing is written, nothing is read

    code, out = run(capsys, str(folder), str(tmp_path / "missing.yaml"))

    assert code == 2
    lines = out.splitlines()
    assert lines[:10] == [
        f"{folder}/binary.har is not UTF-8 text (byte 1) (unreadable)",
        f"{folder}/empty.yml is empty (unreadable)",
        f"{folder}/huge.har is {MAX_BYTES + 1} bytes, over the 50 MiB limit: not read (unreadable)",
        f"{folder}/newer.json is a fake-voice recording of version 2; this fake-voice reads "
        "version 1 (unreadable)",
        f"{folder}/other.json is not a recording fake-voice reads (a VCR.py cassette, a file of "
        "the responses recorder, a HAR log or a fake-voice recording) (unreadable)",
        f"{recording}: fake-voice recording, 3 entries, valid",
        f"{folder}/scalar.yaml has no list of entries: interactions is a number (unreadable)",
        f"{folder}/truncated.json is not valid JSON: Expecting property name enclosed in "
        "double quotes (line 1, column 51) (unreadable)",
        f"{folder}/truncated.yaml is not valid YAML: found unexpected end of stream "
        "(line 2, column 36) (unreadable)",
        f"{tmp_path}/missing.yaml does not exist (check the path) (unreadable)",
    ]
    assert lines[-1].startswith("10 files: 1 valid, 0 with violations, 9 unreadable; 3 exchanges")


def test_wrong_types_inside_a_file_are_reported_per_entry(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(recording.read_text())
    data["exchanges"][0]["response"]["status"] = "201"
    data["exchanges"][1]["request"] = ["POST"]
    data["exchanges"].append("not an exchange")
    recording.write_text(json.dumps(data))

    code, out = run(capsys, str(recording))

    assert code == 2
    assert out.splitlines()[:5] == [
        f"{recording}: fake-voice recording, 4 entries, incomplete",
        "  #1 unreadable: response.status must be an integer, not a string",
        "  #2 unreadable: request must be an object, not a list",
        "  #4 unreadable: the entry must be an object, not a string",
        "",
    ]
    assert "1 valid, 0 with violations" in out.splitlines()[-1]
    assert out.splitlines()[-1].endswith("; 3 unreadable entries")


def test_a_truncated_gzip_body_is_an_unreadable_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = gzip.compress(b'{"sid": "NY"}')[:-6]
    cassette = {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "GET", "uri": "https://voice.twilio.com/v1/Settings"},
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Encoding": ["gzip"]},
                    "body": {"string": base64.b64encode(body).decode()},
                },
            }
        ],
    }
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(cassette))

    code, out = run(capsys, str(path))

    assert code == 2
    assert out.splitlines()[:2] == [
        f"{path}: VCR.py cassette (JSON), 1 entry, incomplete",
        "  #1 unreadable: the gzip data is corrupt (truncated)",
    ]


def test_folders_are_searched_recursively_for_recordings_by_name(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = tmp_path / "recordings" / "deeper" / "again.yaml"
    nested.parent.mkdir(parents=True)
    nested.write_bytes(recording.read_bytes())
    (tmp_path / "recordings" / "README.md").write_text("not a recording")
    (tmp_path / "recordings" / ".hidden.json").write_text("{")

    report = traffic.validate(tmp_path / "recordings")

    assert [f.file for f in report.files] == [str(recording), str(nested)]
    assert report.ignored == (str(tmp_path / "recordings" / "README.md"),)
    assert report.ok and report.counts()["files_ignored"] == 1


def test_a_file_named_alone_is_read_whatever_its_name(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / "recorded-traffic.txt"
    recording.rename(renamed)

    code, out = run(capsys, str(renamed))

    assert code == 0 and out.startswith(f"{renamed}: fake-voice recording, 3 entries, valid")


def test_the_host_option_treats_a_proxy_as_twilio_voice(
    tmp_path: Path, fake_voice: FakeVoice, capsys: pytest.CaptureFixture[str]
) -> None:
    Client(ACCOUNT_SID, TOKEN).voice.v1.connection_policies.create(friendly_name="edge")
    path = tmp_path / "proxy.json"
    fake_voice.save_recording(path)
    path.write_text(path.read_text().replace("https://voice.twilio.com", "http://proxy.local:8080"))

    _, out = run(capsys, str(path))
    assert "0 exchanges with Twilio Voice" in out and "1 with other hosts skipped" in out

    code, out = run(capsys, "--host", "PROXY.local:8080", str(path))
    assert code == 0 and "1 exchange with Twilio Voice: 1 valid" in out


def test_assert_valid_raises_with_the_readable_report(recording: Path) -> None:
    assert traffic.assert_valid(recording).ok

    edit(recording, 3, "body", enabled="yes")
    with pytest.raises(AssertionError) as failed:
        traffic.assert_valid(recording)

    message = str(failed.value)
    assert message.startswith("recorded traffic does not match schemas/\n")
    assert "    response /enabled: 'yes' is not of type 'boolean'\n" in message
    assert (
        "      rule: type at resources/connection_policy_target.json#/properties/enabled/type"
        in (message)
    )


def test_a_vcrpy_cassette_of_the_fakes_traffic_is_checked_like_any_other(
    fake_voice: FakeVoice, tmp_path: Path
) -> None:
    # vcrpy records at the socket level, under the fake's interception: nothing reaches it,
    # so the cassette is written by the fake itself and then read back through vcrpy.
    Client(ACCOUNT_SID, TOKEN).voice.v1.connection_policies.create(friendly_name="edge")
    path = tmp_path / "fake.yaml"
    fake_voice.save_cassette(path)

    cassette = vcr.cassette.Cassette.load(path=str(path))

    assert len(cassette) == 1
    assert cassette.requests[0].uri == "https://voice.twilio.com/v1/ConnectionPolicies"
    assert traffic.validate(path).ok


def test_saved_traffic_leaves_out_exchanges_that_got_no_response(
    fake_voice: FakeVoice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = Client(ACCOUNT_SID, TOKEN).voice.v1.connection_policies
    fake_voice.fail("CreateConnectionPolicy", error="connection")
    with pytest.raises(requests.ConnectionError):
        policies.create(friendly_name="lost")
    fake_voice.fail("CreateConnectionPolicy", status=429)
    with pytest.raises(TwilioRestException):
        policies.create(friendly_name="throttled")
    assert [exchange.status for exchange in fake_voice.requests] == [None, 429]
    fake_voice.save_recording(tmp_path / "faults.json")
    fake_voice.save_cassette(tmp_path / "faults.yaml")

    code, out = run(capsys, str(tmp_path / "faults.json"), str(tmp_path / "faults.yaml"))

    assert code == 0
    assert out.splitlines()[:2] == [
        f"{tmp_path}/faults.json: fake-voice recording, 1 entry, valid",
        f"{tmp_path}/faults.yaml: VCR.py cassette (YAML), 1 entry, valid",
    ]


def test_a_folder_that_holds_no_recording_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a recording")

    code, out = run(capsys, str(tmp_path))

    assert code == 2
    assert out.splitlines()[0] == (
        f"{tmp_path} holds no recording (no .yaml, .yml, .json, .har, .gz file) (unreadable)"
    )
