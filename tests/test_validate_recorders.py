"""`fake_voice.traffic` on recordings written by the real tools: vcrpy and `responses`.

The official twilio client talks to a real HTTP server on 127.0.0.1 that answers with the
fake's responses; vcrpy (YAML and JSON serializers) or the `responses` recorder records
that traffic. Recordings then carry 127.0.0.1 URLs, so they are validated with
``hosts=["127.0.0.1:PORT"]`` (the CLI's ``--host``), which is how a team validates traffic
recorded against a proxy. Each recording validates clean; each single corrupted field is
then reported, alone, with its pointer and rule.
"""

from __future__ import annotations

import base64
import gzip
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
import yaml
from responses import _recorder
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, traffic
from fake_voice.core.wire import Request
from tests.conftest import ACCOUNT_SID

AUTH_TOKEN = "f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8"


@dataclass
class Loopback:
    voice: FakeVoice
    port: int
    gzip: bool = False

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self) -> Client:
        client = Client(ACCOUNT_SID, AUTH_TOKEN)
        client.voice.base_url = f"http://{self.host}"
        return client


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A threaded HTTP server on 127.0.0.1 answering with a fake's responses."""
    state = Loopback(fake_voice.mock(seed=5), 0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/health":
                status, headers, payload = 200, {"Content-Type": "text/plain"}, b"ok"
            else:
                url = f"http://{self.headers['Host']}{self.path}"
                request = Request(self.command, url, dict(self.headers.items()), body)
                response = state.voice.answer(request)
                status, headers, payload = response.status, dict(response.headers), response.body
            if state.gzip and payload:
                payload = gzip.compress(payload)
                headers["Content-Encoding"] = "gzip"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def drive(loop: Loopback) -> None:
    """What a user's code does; the entry numbers below follow this order."""
    v1 = loop.client().voice.v1
    policy = v1.connection_policies.create(friendly_name="edge")  # 1
    v1.connection_policies.create(friendly_name="core")  # 2
    targets = v1.connection_policies(policy.sid).targets
    target = targets.create(target="sip:a@example.com", priority=5, weight=7)  # 3
    targets(target.sid).fetch()  # 4
    assert len(v1.connection_policies.list(page_size=1)) == 2  # 5, 6
    with pytest.raises(TwilioRestException) as refused:
        targets.create(target="sip:b@example.com", priority=70000)  # 7: a recorded 400
    assert refused.value.status == 400
    with pytest.raises(TwilioRestException) as missing:
        v1.connection_policies("NY" + "0" * 32).fetch()  # 8: a recorded 404
    assert missing.value.status == 404
    targets(target.sid).delete()  # 9
    assert requests.get(f"http://localhost:{loop.port}/health", timeout=5).text == "ok"  # 10


CREATE_POLICY, CREATE_TARGET, FETCH_TARGET, FIRST_PAGE, HEALTH = 1, 3, 4, 5, 10


def record_vcr(loop: Loopback, path: Path, serializer: str) -> None:
    recorder = vcr.VCR(serializer=serializer, record_mode="all")
    with recorder.use_cassette(str(path)):
        drive(loop)


def record_responses(loop: Loopback, path: Path) -> None:
    _recorder.record(file_path=path)(drive)(loop)


# -- reading and writing each recording's fields, to corrupt one of them ------------------


@dataclass(frozen=True)
class Format:
    name: str
    load: Callable[[Path], Any]
    dump: Callable[[Any, Path], None]
    entries: Callable[[Any], list[Any]]
    response: Callable[[Any], dict[str, Any]]
    """The part of an entry that holds the body under ``body_key`` and the status."""
    body_key: Callable[[Any], tuple[dict[str, Any], str]]
    status_key: Callable[[Any], tuple[dict[str, Any], str]]


def _yaml_dump(data: Any, path: Path) -> None:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


def _json_dump(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


VCR_YAML = Format(
    "vcr-yaml",
    _load_yaml,
    _yaml_dump,
    lambda data: data["interactions"],
    lambda entry: entry["response"],
    lambda entry: (entry["response"]["body"], "string"),
    lambda entry: (entry["response"]["status"], "code"),
)
VCR_JSON = Format(
    "vcr-json",
    _load_json,
    _json_dump,
    VCR_YAML.entries,
    VCR_YAML.response,
    VCR_YAML.body_key,
    VCR_YAML.status_key,
)
RESPONSES = Format(
    "responses",
    _load_yaml,
    _yaml_dump,
    lambda data: data["responses"],
    lambda entry: entry["response"],
    lambda entry: (entry["response"], "body"),
    lambda entry: (entry["response"], "status"),
)


def recorded(loop: Loopback, tmp_path: Path, fmt: Format) -> Path:
    path = tmp_path / "recording"  # no suffix: the content tells the format
    if fmt is RESPONSES:
        record_responses(loop, path)
    else:
        record_vcr(loop, path, "yaml" if fmt is VCR_YAML else "json")
    return path


def corrupt(fmt: Format, path: Path, entry: int, change: Callable[[Any], None]) -> None:
    """Parse the body of ``entry`` (1-based), let ``change`` edit it, and write it back."""
    data = fmt.load(path)
    holder, key = fmt.body_key(fmt.entries(data)[entry - 1])
    body = json.loads(holder[key])
    change(body)
    holder[key] = json.dumps(body)
    fmt.dump(data, path)


def set_status(fmt: Format, path: Path, entry: int, status: int) -> None:
    data = fmt.load(path)
    holder, key = fmt.status_key(fmt.entries(data)[entry - 1])
    holder[key] = status
    fmt.dump(data, path)


def found(report: traffic.Report) -> list[tuple[int, str, str, str, str]]:
    return [(v.entry, v.part, v.pointer, v.keyword, v.schema) for v in report.violations]


FORMATS = pytest.mark.parametrize("fmt", [VCR_YAML, VCR_JSON, RESPONSES], ids=lambda f: f.name)


@FORMATS
def test_a_recording_of_the_official_client_validates_clean(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)

    report = traffic.validate(path, hosts=[loopback.host])

    assert (
        report.text().splitlines()[0] == f"{path}: {report.files[0].format_name}, 10 entries, valid"
    )
    assert report.ok and report.exit_status == 0
    assert report.violations == [] and report.uncovered == [] and report.errors == []
    counts = report.counts()
    assert (counts["checked"], counts["valid"], counts["skipped_other_hosts"]) == (9, 9, 1)
    assert report.files[0].format == fmt.name
    # The responses recorder keeps no request bodies: the three accepted POSTs are counted
    # unchecked (a refused request's parameters are never checked).
    assert counts["requests_unchecked"] == (3 if fmt is RESPONSES else 0)


@FORMATS
def test_without_the_host_option_loopback_traffic_is_all_skipped(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)

    counts = traffic.validate(path).counts()

    assert (counts["checked"], counts["skipped_other_hosts"]) == (0, 10)


@FORMATS
def test_a_sid_that_breaks_its_pattern_is_reported_at_its_pointer(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)
    corrupt(fmt, path, CREATE_TARGET, lambda body: body.update(sid="NX" + body["sid"][2:]))

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (CREATE_TARGET, "response", "/sid", "pattern", "common.json#/$defs/target_sid/pattern")
    ]
    violation = report.violations[0]
    assert (violation.method, violation.operation) == ("POST", "CreateConnectionPolicyTarget")
    assert violation.path.startswith("/v1/ConnectionPolicies/NY")
    assert violation.path.endswith("/Targets")
    assert report.exit_status == 1


@FORMATS
def test_a_date_with_an_offset_instead_of_z_is_reported(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)

    def offset(body: dict[str, Any]) -> None:
        body["date_created"] = body["date_created"].replace("Z", "+00:00")

    corrupt(fmt, path, FETCH_TARGET, offset)

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (
            FETCH_TARGET,
            "response",
            "/date_created",
            "pattern",
            "common.json#/$defs/date_time/pattern",
        )
    ]
    assert report.violations[0].message.endswith("+00:00' does not match " + repr(DATE_PATTERN))


DATE_PATTERN = (
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"
)


@FORMATS
def test_a_missing_required_property_in_a_list_page_is_reported(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)
    corrupt(fmt, path, FIRST_PAGE, lambda body: body["connection_policies"][0].pop("friendly_name"))

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (
            FIRST_PAGE,
            "response",
            "/connection_policies/0",
            "required",
            "resources/connection_policy.json#/required",
        )
    ]
    assert report.violations[0].message == "'friendly_name' is a required property"


@FORMATS
def test_a_success_status_other_than_the_operations_is_reported(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)
    set_status(fmt, path, CREATE_POLICY, 200)

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (CREATE_POLICY, "status", "", "status", "operations#/CreateConnectionPolicy/status")
    ]
    assert report.violations[0].message == (
        "status 200 is neither the success status 201 of CreateConnectionPolicy "
        "nor an error status (400-599)"
    )


@pytest.mark.parametrize("fmt", [VCR_YAML, VCR_JSON], ids=lambda f: f.name)
def test_an_accepted_request_the_schemas_refuse_is_reported(
    loopback: Loopback, tmp_path: Path, fmt: Format
) -> None:
    path = recorded(loopback, tmp_path, fmt)
    data = fmt.load(path)
    request = fmt.entries(data)[CREATE_TARGET - 1]["request"]
    assert request["body"] == "Target=sip%3Aa%40example.com&Priority=5&Weight=7"
    request["body"] = "Target=sip%3Aa%40example.com&Priority=70000&Weight=7"
    fmt.dump(data, path)

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (
            CREATE_TARGET,
            "request",
            "/Priority",
            "maximum",
            "requests/CreateConnectionPolicyTarget.json#/properties/Priority/maximum",
        )
    ]
    assert report.violations[0].message == (
        "Invalid value for parameter Priority: must be a whole number from 0 to 65535"
    )


def test_a_query_parameter_the_schemas_refuse_is_reported_from_a_responses_recording(
    loopback: Loopback, tmp_path: Path
) -> None:
    path = recorded(loopback, tmp_path, RESPONSES)
    data = RESPONSES.load(path)
    response = data["responses"][FIRST_PAGE - 1]["response"]
    assert "PageSize=1" in response["url"]
    response["url"] = response["url"].replace("PageSize=1", "PageSize=0")
    RESPONSES.dump(data, path)

    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (
            FIRST_PAGE,
            "request",
            "/PageSize",
            "minimum",
            "common.json#/$defs/list_query/properties/PageSize/minimum",
        )
    ]


@pytest.mark.parametrize(
    "encode",
    [gzip.compress, lambda data: base64.b64encode(gzip.compress(data)).decode()],
    ids=["gzip-bytes", "gzip-base64"],
)
def test_gzip_bodies_are_decoded(
    loopback: Loopback, tmp_path: Path, encode: Callable[[bytes], Any]
) -> None:
    loopback.gzip = True
    path = recorded(loopback, tmp_path, VCR_YAML)
    data = VCR_YAML.load(path)
    response = data["interactions"][CREATE_POLICY - 1]["response"]
    # vcrpy 9 on urllib3 2 keeps the decoded text and the Content-Encoding header.
    assert response["headers"]["Content-Encoding"] == ["gzip"]
    assert traffic.validate(path, hosts=[loopback.host]).ok

    # Older vcrpy kept the compressed bytes (YAML !!binary); some tools keep them base64.
    body = json.loads(response["body"]["string"])
    body["sid"] = "NY123"
    response["body"]["string"] = encode(json.dumps(body).encode())
    VCR_YAML.dump(data, path)
    report = traffic.validate(path, hosts=[loopback.host])

    assert found(report) == [
        (
            CREATE_POLICY,
            "response",
            "/sid",
            "pattern",
            "common.json#/$defs/connection_policy_sid/pattern",
        )
    ]


def test_the_token_of_the_recorded_client_appears_in_no_report(
    loopback: Loopback, tmp_path: Path
) -> None:
    path = recorded(loopback, tmp_path, VCR_YAML)
    headers = VCR_YAML.load(path)["interactions"][0]["request"]["headers"]
    credential = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert headers["Authorization"] == [f"Basic {credential}"]
    corrupt(VCR_YAML, path, 1, lambda body: body.update(sid=AUTH_TOKEN, friendly_name=credential))

    report = traffic.validate(path, hosts=[loopback.host])

    assert [v.message for v in report.violations] == [
        "'[redacted]' does not match '^NY[0-9a-fA-F]{32}$'"
    ]
    output = report.text() + json.dumps(report.as_json())
    assert AUTH_TOKEN not in output and credential not in output


def test_the_fakes_own_cassette_replays_with_vcrpy_and_validates(
    fake_voice: FakeVoice, tmp_path: Path
) -> None:
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")
    target = client.voice.v1.connection_policies(policy.sid).targets.create(
        target="sip:a@example.com"
    )
    fake_voice.save_cassette(tmp_path / "cassettes" / "fake.yaml")
    fake_voice.save_recording(tmp_path / "recordings" / "fake.json")
    fake_voice.stop()

    cassette = tmp_path / "cassettes" / "fake.yaml"
    recorded = yaml.safe_load(cassette.read_text())["interactions"][0]["request"]["headers"]
    assert AUTH_TOKEN not in cassette.read_text() and recorded["Authorization"] == ["[redacted]"]
    replayer = vcr.VCR(record_mode="none")
    with replayer.use_cassette(str(cassette)) as played:
        replayed = Client(ACCOUNT_SID, AUTH_TOKEN).voice.v1.connection_policies.create(
            friendly_name="edge"
        )
        again = (
            Client(ACCOUNT_SID, AUTH_TOKEN)
            .voice.v1.connection_policies(policy.sid)
            .targets.create(target="sip:a@example.com")
        )
    assert played.play_count == 2
    assert (replayed.sid, again.sid, again.priority) == (policy.sid, target.sid, 10)

    report = traffic.validate([tmp_path])
    assert [f.format for f in report.files] == ["vcr-yaml", "fake-voice"]
    assert report.ok and report.counts()["valid"] == 4
