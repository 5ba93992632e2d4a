"""Every shortcut of the request path gives what the long way gives.

The request path routes by a path's shape, splits plain URLs without urlsplit, encodes
forms and JSON without the standard library's Python layers, remembers header names and
dates, and lets the direct client hand over what it encoded. Each is checked here against
the long way it replaces, on the cases it takes and on those it must pass on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

import fake_voice
from fake_voice.core.errors import TwilioError
from fake_voice.core.schemas import _coerce
from fake_voice.core.wire import (
    _ENCODER,
    MultiDict,
    Request,
    _quote_plus,
    _split_url,
    encode_json,
    encode_pairs,
    encode_plain_form,
    parse_pairs,
)
from fake_voice.intercept.direct import _Headers, to_request
from fake_voice.intercept.requests_adapter import plain_headers
from fake_voice.resources import router
from fake_voice.state.clock import Clock, format_date
from tests.conftest import ACCOUNT_SID

URL_PARTS = st.sampled_from(
    [
        *"aHTTPS:/?#@[]%.-_ \t\n\r019é\x00",
        *("https://", "http://", "voice.twilio.com", "/v1/", "?a=b", "#f", ":443", "http://[::1]"),
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(URL_PARTS, max_size=12).map("".join))
def test_a_url_splits_as_urlsplit_splits_it(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        with pytest.raises(ValueError):
            _split_url(url)
        return
    assert _split_url(url) == (parts.scheme, parts.netloc, parts.path, parts.query)


@pytest.mark.parametrize(
    "url",
    [
        "https://voice.twilio.com/v1/ConnectionPolicies/NY" + "a" * 32,
        "https://voice.au1.twilio.com/v1/ConnectionPolicies?PageSize=20&Page=1",
        "http://127.0.0.1:8080/v1/IpRecords?x=%20y",
        "https://user:pw@voice.twilio.com/v1/Settings",
        "https://voice.twilio.com/v1/Settings#part",
        "HTTPS://VOICE.TWILIO.COM/v1/Settings",
        "https://voice.twilio.com",
        "https://voice.twilio.com?PageSize=1",
        "https://voice.twilio.com/v1/Sett\tings",
    ],
)
def test_a_request_reads_its_url_as_before(url: str) -> None:
    parts = urlsplit(url)
    request = Request("GET", url, {})
    assert (request.scheme, request.path) == (parts.scheme or "https", parts.path or "/")
    assert request.host == parts.netloc.rpartition("@")[2].lower()
    assert request.base_url == f"{parts.scheme or 'https'}://{request.host}"
    assert request.query == parse_pairs(parts.query)
    again = Request("GET", url, {})  # built again: the same host and base
    assert (again.host, again.base_url) == (request.host, request.base_url)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
VALUES = st.one_of(TEXT, st.integers(), st.booleans(), st.floats(allow_nan=False))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.tuples(TEXT, VALUES), max_size=5))
def test_pairs_encode_as_urlencode_encodes_them(pairs: list[tuple[str, Any]]) -> None:
    assert encode_pairs(pairs) == urlencode(pairs, doseq=True)


@settings(max_examples=2000, deadline=None)
@given(st.dictionaries(TEXT, st.one_of(VALUES, st.none()), max_size=5))
def test_a_plain_form_is_what_urlencode_writes_and_parsing_reads_back(
    values: dict[str, Any],
) -> None:
    sent = [(key, value) for key, value in values.items() if value is not None]
    made = encode_plain_form(values)
    assert made is not None
    text, parsed = made
    assert text == urlencode(sent)
    assert parsed == parse_pairs(text)
    assert parsed.multi_items() == parse_pairs(text).multi_items()
    assert [parsed.getlist(key) for key in parsed] == [[str(v)] for _, v in sent]


@pytest.mark.parametrize(
    "values", [{"Tags": ["x", "y"]}, {"Raw": b"bytes"}, {"Odd": ("t",)}, {1: "a"}, {"a": object()}]
)
def test_a_form_that_is_not_plain_is_left_to_the_long_way(values: dict[Any, Any]) -> None:
    assert encode_plain_form(values) is None


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"[+-]?0*[0-9\u0660\u00b2]{0,22}", fullmatch=True)))
def test_an_integer_parameter_is_read_as_its_pattern_reads_it(raw: str) -> None:
    whole = re.fullmatch(r"([+-]?)0*([0-9]{1,18})", raw)
    expected = int(whole[1] + whole[2]) if whole else raw
    read = _coerce(raw, "integer")
    assert (read, type(read)) == (expected, type(expected))


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"ab=&+ é%", "%20", "%zz", "%C3", "%C3%A9", "%2B", "%3D", "%26", "%F0%9F%98%80", "=="]
        ),
        max_size=12,
    )
)
def test_a_form_parses_as_parse_qsl_reads_it(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        expected = tuple(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        with pytest.raises(TwilioError):
            parse_pairs(text)
        return
    parsed = parse_pairs(text)
    assert parsed.multi_items() == expected
    assert {key: parsed.getlist(key) for key in parsed} == {
        key: [v for k, v in expected if k == key] for key, _ in expected
    }


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_a_value_is_quoted_as_quote_plus_quotes_it(text: str) -> None:
    try:
        expected = quote_plus(text)
    except UnicodeEncodeError:  # a lone surrogate
        with pytest.raises(UnicodeEncodeError):
            _quote_plus(text)
        return
    assert _quote_plus(text) == expected


JSON_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=1500, deadline=None)
@given(JSON_DATA)
def test_json_encodes_as_the_standard_encoder_writes_it(data: Any) -> None:
    assert encode_json(data) == _ENCODER.encode(data).encode("utf-8")


def test_json_with_a_cycle_is_refused_as_the_standard_encoder_refuses_it() -> None:
    looped: dict[str, Any] = {"a": 1}
    looped["self"] = looped
    with pytest.raises(ValueError, match="Circular reference"):
        encode_json(looped)
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode_json({"a": object()})
    assert encode_json({"after": "errors"}) == b'{"after":"errors"}'


@pytest.mark.parametrize(
    ("params", "data"),
    [
        ({}, {}),
        ({"PageSize": 20, "Page": 0}, {}),
        ({}, {"FriendlyName": "a b&c=d/é+%", "Priority": 1, "Enabled": False, "Weight": 1.5}),
        ({}, {"Target": "sip:a@example.com", "FriendlyName": None}),
        ({"IsoCode": ["US", "CA"]}, {"Tags": ["x", "y"]}),  # lists repeat the key
        ({}, {"Raw": b"bytes", "Odd": ("t", "u")}),
        ({"": ""}, {"": "=", "k": ""}),
    ],
)
def test_what_the_direct_client_hands_over_is_what_parsing_its_request_gives(
    params: dict[str, Any], data: dict[str, Any]
) -> None:
    headers = {"Accept": "application/json", "User-Agent": "twilio-python"}
    if data:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    url = "https://voice.twilio.com/v1/ConnectionPolicies"
    handed = to_request("POST", url, params, data, headers, (ACCOUNT_SID, "token"))
    parsed = Request(handed.method, handed.url, dict(handed.headers), handed.body)
    assert handed.query == parsed.query
    assert handed.form() == parsed.form()
    assert handed.form().multi_items() == parsed.form().multi_items()
    assert handed.credentials() == parsed.credentials()


def test_a_form_in_a_body_of_another_type_is_no_form() -> None:
    url = "https://voice.twilio.com/v1/ConnectionPolicies"
    headers = {"Content-Type": "text/plain"}
    handed = to_request("POST", url, {}, {"FriendlyName": "a"}, headers, None)
    assert handed.body == b"FriendlyName=a"
    assert handed.form() == MultiDict()


def test_header_names_are_found_in_any_case_and_the_last_of_equal_ones_wins() -> None:
    headers = {"content-type": "text/plain", "X-One": "1", "Content-Type": "application/json"}
    request = Request("GET", "https://voice.twilio.com/v1/Settings", headers)
    assert request.header("CONTENT-TYPE") == "application/json"
    assert request.header("x-one") == "1"
    assert request.header("Authorization") is None
    assert request.header_names == tuple(headers)
    assert request.header_values == tuple(headers.values())
    again = Request("GET", "https://voice.twilio.com/v1/Settings", dict(headers))
    assert again.header("Content-Type") == "application/json"  # names remembered


def test_the_direct_clients_headers_are_requests_case_insensitive_dict() -> None:
    headers = {"Content-Type": "application/json", "Twilio-Request-Id": "RQ" + "0" * 32}
    made = _Headers(headers)
    public = CaseInsensitiveDict(headers)
    assert isinstance(made, CaseInsensitiveDict)
    assert made == public
    assert list(made.items()) == list(public.items())
    assert list(made.lower_items()) == list(public.lower_items())
    assert made["content-type"] == "application/json"
    assert dict(made.copy()) == headers


def test_the_responses_adapter_copies_requests_headers_as_dict_does() -> None:
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in [("User-Agent", "a"), ("accept", "b"), ("Accept", "c"), ("X-One", "1")]:
        headers[name] = value  # a name set again in another case keeps its place
    copied = plain_headers(headers)
    assert copied == dict(headers) == {"User-Agent": "a", "Accept": "c", "X-One": "1"}
    assert list(copied) == list(dict(headers))
    assert type(copied) is dict
    assert plain_headers({"Plain": "mapping"}) == {"Plain": "mapping"}


# -- routing by shape ------------------------------------------------------------------


def paths() -> list[str]:
    """Every template with its parameters filled in several ways: a SID, a literal segment
    of another template, an empty segment; and paths no template has."""
    fills = ["NY" + "a" * 32, "Targets", "Default", "Recording", "", "x\n"]
    found = {"/", "/v1", "/v1/", "/v9/ConnectionPolicies", "/v1/ConnectionPolicies/", "//v1"}
    for operation in router().operations.values():
        for fill in fills:
            found.add(operation.template.replace("{", "\0{").split("\0")[0] + fill)
            path = "/".join(fill if s.startswith("{") else s for s in operation.template.split("/"))
            found.add(path)
            found.add(path + "/Extra")
    return sorted(found)


def outcome(method: str, path: str, match: Any) -> Any:
    try:
        operation, params = match(method, path)
    except TwilioError as error:
        return (error.status, error.code, error.message, error.headers)
    return (operation.name, params)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_routing_by_shape_finds_what_the_patterns_find(method: str) -> None:
    routes = router()
    for path in paths():
        expected = outcome(method, path, routes._match)
        assert outcome(method, path, routes.match) == expected, path
        assert outcome(method, path, routes.match) == expected, path  # once remembered


def test_path_parameters_are_fresh_for_every_request() -> None:
    routes = router()
    path = "/v1/ConnectionPolicies/NY" + "b" * 32
    _, first = routes.match("GET", path)
    first["Sid"] = "changed"
    _, second = routes.match("GET", path)
    assert second == {"Sid": "NY" + "b" * 32}


# -- dates -----------------------------------------------------------------------------


def strftime_form(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc),
        datetime(2024, 5, 1, 10, 0, 0, 999999, tzinfo=timezone.utc),
        datetime(2024, 5, 1, 10, 0, 1, tzinfo=timezone.utc),
        datetime(2024, 5, 1, 9, 59, 59, 999999, tzinfo=timezone.utc),
        datetime(2024, 5, 1, 12, 0, 1, tzinfo=timezone(timedelta(hours=2))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    ],
)
def test_a_date_is_formatted_as_strftime_formats_it_whatever_came_before(moment: datetime) -> None:
    before = [moment - timedelta(microseconds=1), moment, moment + timedelta(microseconds=1)]
    for other in before:
        if other.year <= 9999:
            format_date(other)  # whatever the last formatted second was
        assert format_date(moment) == strftime_form(moment)


def test_a_stamp_is_the_formatted_now_frozen_moved_or_running() -> None:
    clock = Clock()
    assert clock.stamp() in {
        format_date(clock.now()),
        format_date(clock.now() - timedelta(seconds=1)),
    }
    clock.freeze(datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=timezone.utc))
    assert clock.stamp() == "2024-05-01T10:00:00Z" == format_date(clock.now())
    clock.advance(0.5)
    assert clock.stamp() == "2024-05-01T10:00:01Z" == format_date(clock.now())
    clock.set(datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert clock.stamp() == "2030-01-02T03:04:05Z"


def test_records_are_dated_by_freezegun_time_second_by_second() -> None:
    voice = fake_voice.mock(seed=1)
    with freeze_time("2024-05-01 10:00:00.999") as frozen:
        first = voice.create("ConnectionPolicies", FriendlyName="a")
        frozen.tick(timedelta(milliseconds=2))
        second = voice.create("ConnectionPolicies", FriendlyName="b")
    assert first["date_created"] == "2024-05-01T10:00:00Z"
    assert second["date_created"] == "2024-05-01T10:00:01Z"


def test_a_page_body_is_the_json_of_its_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    voice = fake_voice.mock(seed=2)
    for name in "abc":
        voice.create("ConnectionPolicies", FriendlyName=name, account_sid=ACCOUNT_SID)
    page: Mapping[str, Any] = voice.call(
        "GET", "ConnectionPolicies", {"PageSize": 2}, account_sid=ACCOUNT_SID
    )
    answered = voice.client(ACCOUNT_SID).voice.v1.connection_policies.page(page_size=2)
    assert [p.friendly_name for p in answered] == ["a", "b"]
    (exchange,) = voice.requests
    assert exchange.response_body == encode_json(json.loads(exchange.response_body))
    assert json.loads(exchange.response_body)["meta"] == page["meta"]
