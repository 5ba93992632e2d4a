"""`fake_voice.traffic` on HAR 1.2 logs built by the spec from the fake's real exchanges.

Bodies come in every way HAR allows: plain text, ``content.encoding: base64``, and base64
of gzip bytes under ``Content-Encoding: gzip``; form bodies as ``postData`` text and params.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import Exchange, FakeVoice, traffic
from tests.conftest import ACCOUNT_SID

TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{TOKEN}".encode()).decode()
CREATE_POLICY, CREATE_TARGET, FETCH_TARGET, LIST, MISSING, DELETE, REGIONAL = range(1, 8)
OTHER_HOST, UNCOVERED = 8, 9


def _pairs(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in items]


def har_entry(
    method: str,
    url: str,
    request_body: bytes,
    status: int,
    response_headers: dict[str, str],
    response_body: bytes,
    *,
    body_as: str = "text",
) -> dict[str, Any]:
    """One HAR 1.2 entry with every field the spec requires."""
    headers = {"Accept": "application/json", "Authorization": BASIC}
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(list(headers.items())),
        "queryString": _pairs(parse_qsl(urlsplit(url).query)),
        "headersSize": -1,
        "bodySize": len(request_body),
    }
    if request_body:
        request["postData"] = {
            "mimeType": "application/x-www-form-urlencoded",
            "params": _pairs(parse_qsl(request_body.decode())),
            "text": request_body.decode(),
        }
    content: dict[str, Any] = {
        "size": len(response_body),
        "mimeType": response_headers.get("Content-Type", "application/octet-stream"),
    }
    if body_as == "text":
        content["text"] = response_body.decode()
    elif body_as == "base64":
        content.update(text=base64.b64encode(response_body).decode(), encoding="base64")
    else:  # the bytes on the wire, gzip-compressed, as base64
        response_headers = {**response_headers, "Content-Encoding": "gzip"}
        packed = gzip.compress(response_body)
        content.update(text=base64.b64encode(packed).decode(), encoding="base64")
    return {
        "startedDateTime": "2024-05-01T12:00:00.000Z",
        "time": 12.5,
        "request": request,
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(list(response_headers.items())),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(response_body),
        },
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }


def from_exchange(exchange: Exchange, body_as: str = "text") -> dict[str, Any]:
    assert exchange.status is not None
    return har_entry(
        exchange.method,
        exchange.url,
        exchange.request_body,
        exchange.status,
        dict(exchange.response_headers),
        exchange.response_body,
        body_as=body_as,
    )


def har_log(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "fake_voice tests", "version": "1"},
            "entries": entries,
        }
    }


@pytest.fixture
def har(fake_voice: FakeVoice, tmp_path: Path) -> Path:
    """A HAR of the official client's calls; entry numbers as in the constants above."""
    v1 = Client(ACCOUNT_SID, TOKEN).voice.v1
    policy = v1.connection_policies.create(friendly_name="edge")
    targets = v1.connection_policies(policy.sid).targets
    target = targets.create(target="sip:a@example.com", priority=5)
    targets(target.sid).fetch()
    v1.connection_policies.list()
    with pytest.raises(TwilioRestException):
        v1.connection_policies("NY" + "0" * 32).fetch()
    targets(target.sid).delete()
    regional = Client(ACCOUNT_SID, TOKEN, region="ie1", edge="dublin").voice.v1
    regional.connection_policies.create(friendly_name="dublin")
    styles = {CREATE_POLICY: "base64", CREATE_TARGET: "text", FETCH_TARGET: "gzip"}
    entries = [
        from_exchange(exchange, styles.get(number, "text"))
        for number, exchange in enumerate(fake_voice.requests, start=1)
    ]
    json_type = {"Content-Type": "application/json"}
    entries.append(
        har_entry("GET", "https://api.example.com/status", b"", 200, json_type, b'{"up": true}')
    )
    entries.append(
        har_entry("GET", "https://voice.twilio.com/v2/Configurations", b"", 200, json_type, b"{}")
    )
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps(har_log(entries), indent=2), encoding="utf-8")
    return path


def entry_body(data: dict[str, Any], number: int) -> tuple[dict[str, Any], Any]:
    content = data["log"]["entries"][number - 1]["response"]["content"]
    raw = content["text"].encode()
    if content.get("encoding") == "base64":
        raw = base64.b64decode(raw)
    return content, json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)


def set_body(content: dict[str, Any], body: Any) -> None:
    """Write ``body`` back the way ``content`` held it (text, base64, or gzip in base64)."""
    raw = json.dumps(body).encode()
    if content.get("encoding") == "base64":
        was_gzip = base64.b64decode(content["text"])[:2] == b"\x1f\x8b"
        raw = base64.b64encode(gzip.compress(raw) if was_gzip else raw)
    content["text"] = raw.decode()


def found(report: traffic.Report) -> list[tuple[int, str, str, str, str]]:
    return [(v.entry, v.part, v.pointer, v.keyword, v.schema) for v in report.violations]


def test_a_har_of_the_official_client_validates_clean(har: Path) -> None:
    report = traffic.validate(har)

    assert report.ok and report.violations == [] and report.errors == []
    counts = report.counts()
    assert (counts["exchanges"], counts["checked"], counts["valid"]) == (9, 7, 7)
    assert (counts["skipped_other_hosts"], counts["not_covered"]) == (1, 1)
    assert report.files[0].format == "har"
    gap = report.uncovered[0]
    assert (gap.entry, gap.method, gap.host, gap.path) == (
        UNCOVERED,
        "GET",
        "voice.twilio.com",
        "/v2/Configurations",
    )
    assert gap.reason == "no operation in schemas/ matches this path"


def test_strict_makes_an_uncovered_exchange_fail_the_run(har: Path) -> None:
    assert traffic.validate(har, strict=True).exit_status == 1
    assert traffic.validate(har).exit_status == 0


def _sid(body: dict[str, Any]) -> None:
    body["sid"] = "NY" + "z" * 32


def _date(body: dict[str, Any]) -> None:
    body["date_updated"] = body["date_updated"].replace("Z", "+00:00")


def _drop_url(body: dict[str, Any]) -> None:
    del body["connection_policies"][0]["url"]


def _extra(body: dict[str, Any]) -> None:
    body["region"] = "ie1"


@pytest.mark.parametrize(
    ("number", "change", "expected"),
    [
        (
            CREATE_POLICY,  # base64 content
            _sid,
            ("/sid", "pattern", "common.json#/$defs/connection_policy_sid/pattern"),
        ),
        (
            FETCH_TARGET,  # gzip bytes in base64 content
            _date,
            ("/date_updated", "pattern", "common.json#/$defs/date_time/pattern"),
        ),
        (
            LIST,
            _drop_url,
            ("/connection_policies/0", "required", "resources/connection_policy.json#/required"),
        ),
        (
            REGIONAL,
            _extra,
            ("", "additionalProperties", "resources/connection_policy.json#/additionalProperties"),
        ),
    ],
    ids=["sid-base64", "date-gzip", "required-in-page", "extra-property-regional-host"],
)
def test_a_corrupted_har_body_is_reported_alone(
    har: Path, number: int, change: Callable[[Any], None], expected: tuple[str, str, str]
) -> None:
    data = json.loads(har.read_text())
    content, body = entry_body(data, number)
    change(body)
    set_body(content, body)
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert found(report) == [(number, "response", *expected)]
    assert report.exit_status == 1


def test_a_priority_out_of_range_in_an_accepted_post_is_reported(har: Path) -> None:
    data = json.loads(har.read_text())
    post = data["log"]["entries"][CREATE_TARGET - 1]["request"]["postData"]
    assert post["text"] == "Target=sip%3Aa%40example.com&Priority=5"
    post["text"] = "Target=sip%3Aa%40example.com&Priority=70000"
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert found(report) == [
        (
            CREATE_TARGET,
            "request",
            "/Priority",
            "maximum",
            "requests/CreateConnectionPolicyTarget.json#/properties/Priority/maximum",
        )
    ]
    violation = report.violations[0]
    assert (violation.method, violation.operation) == ("POST", "CreateConnectionPolicyTarget")


def test_post_data_with_params_only_is_read_as_the_form(har: Path) -> None:
    data = json.loads(har.read_text())
    post = data["log"]["entries"][CREATE_TARGET - 1]["request"]["postData"]
    del post["text"]
    post["params"] = [{"name": "Priority", "value": "5"}]  # Target, which is required, is gone
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert found(report) == [
        (
            CREATE_TARGET,
            "request",
            "/Target",
            "required",
            "requests/CreateConnectionPolicyTarget.json#/required",
        )
    ]
    assert report.violations[0].message == "Missing required parameter Target in the post body"


def test_an_error_status_needs_twilios_error_envelope(har: Path) -> None:
    data = json.loads(har.read_text())
    content, body = entry_body(data, MISSING)
    assert body["status"] == 404
    del body["more_info"]
    set_body(content, body)
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert found(report) == [(MISSING, "response", "", "required", "error.json#/required")]


def test_a_body_where_the_operation_answers_none_is_reported(har: Path) -> None:
    data = json.loads(har.read_text())
    content = data["log"]["entries"][DELETE - 1]["response"]["content"]
    assert content["text"] == ""
    content.update(text="{}", size=2)
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert found(report) == [
        (DELETE, "response", "", "empty", "operations#/DeleteConnectionPolicyTarget/response")
    ]


def test_a_body_the_har_did_not_keep_is_not_checked(har: Path) -> None:
    data = json.loads(har.read_text())
    del data["log"]["entries"][CREATE_TARGET - 1]["response"]["content"]["text"]
    har.write_text(json.dumps(data))

    assert traffic.validate(har).ok


def test_a_non_json_body_is_reported(har: Path) -> None:
    data = json.loads(har.read_text())
    data["log"]["entries"][CREATE_TARGET - 1]["response"]["content"]["text"] = "<html>"
    har.write_text(json.dumps(data))

    assert found(traffic.validate(har)) == [
        (
            CREATE_TARGET,
            "response",
            "",
            "json",
            "resources/connection_policy_target.json#",
        )
    ]


def test_a_method_the_path_does_not_take_is_not_covered(tmp_path: Path) -> None:
    entry = har_entry("PUT", "https://voice.twilio.com/v1/ConnectionPolicies", b"", 405, {}, b"")
    path = tmp_path / "put.har"
    path.write_text(json.dumps(har_log([entry])))

    report = traffic.validate(path)

    assert [(u.entry, u.method, u.reason) for u in report.uncovered] == [
        (1, "PUT", "schemas/ have no PUT on this path (only GET, POST)")
    ]
    assert report.exit_status == 0


def test_query_parameters_repeated_or_mistyped_are_all_reported(tmp_path: Path) -> None:
    url = "https://voice.twilio.com/v1/ConnectionPolicies?" + urlencode(
        [("PageSize", "ten"), ("Page", "0"), ("Page", "1")]
    )
    page = {
        "connection_policies": [],
        "meta": {
            "first_page_url": "https://voice.twilio.com/v1/ConnectionPolicies?PageSize=50&Page=0",
            "key": "connection_policies",
            "next_page_url": None,
            "page": 0,
            "page_size": 50,
            "previous_page_url": None,
            "url": "https://voice.twilio.com/v1/ConnectionPolicies?PageSize=50&Page=0",
        },
    }
    entry = har_entry("GET", url, b"", 200, {}, json.dumps(page).encode())
    path = tmp_path / "list.har"
    path.write_text(json.dumps(har_log([entry])))

    report = traffic.validate(path)

    assert [(v.pointer, v.keyword, v.message) for v in report.violations] == [
        ("/Page", "repeated", "Parameter Page was given 2 times in the query string"),
        (
            "/PageSize",
            "type",
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
    ]


def test_a_post_body_whose_mime_type_is_not_a_form_carries_no_parameters(har: Path) -> None:
    data = json.loads(har.read_text())
    post = data["log"]["entries"][CREATE_TARGET - 1]["request"]["postData"]
    assert post["text"] == "Target=sip%3Aa%40example.com&Priority=5"
    post["mimeType"] = "text/plain"  # the request lists no Content-Type header of its own
    har.write_text(json.dumps(data))

    report = traffic.validate(har)

    assert [(v.entry, v.pointer, v.message) for v in report.violations] == [
        (CREATE_TARGET, "/Target", "Missing required parameter Target in the post body")
    ]
