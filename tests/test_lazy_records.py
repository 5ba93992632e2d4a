"""Exchanges are recorded lazily, and checked bodies are remembered: neither shows.

An exchange is kept as the request and answer it was made of until something reads it;
what it then shows must be exactly what it would have shown had it been built at once,
whatever happened to the fake's state, the request's headers or the answer since. A body
the self-check passed is not checked again while it is the very same body; anything that
changes it (a write, a broken record) is checked again.
"""

from __future__ import annotations

import dataclasses
import gc
from datetime import datetime, timezone
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, SchemaViolation
from fake_voice.core import schemas
from fake_voice.core.exchanges import ExchangeLog
from fake_voice.core.wire import Encoded, Request, basic_auth
from fake_voice.server.control import exchange_json
from tests.conftest import ACCOUNT_SID, BASE

POLICIES = f"{BASE}/v1/ConnectionPolicies"


def traffic(voice: FakeVoice, client: Client, read_each_time: bool) -> list[dict[str, Any]]:
    """Creates, fetches, updates, lists, errors and deletes, with ``voice.requests`` read
    after every request (each exchange built at once) or only at the end."""
    seen: list[dict[str, Any]] = []

    def step() -> None:
        if read_each_time:
            seen.append(exchange_json(voice.requests[-1]))

    policies = client.voice.v1.connection_policies
    policy = policies.create(friendly_name="first")
    step()
    policies(policy.sid).fetch()
    step()
    policies(policy.sid).update(friendly_name="second")
    step()
    policies(policy.sid).targets.create(target="sip:a@example.com", priority=3, enabled=False)
    step()
    policies.page(page_size=1)
    step()
    with pytest.raises(TwilioRestException):
        policies("NY" + "0" * 32).fetch()
    step()
    with pytest.raises(TwilioRestException):
        policies.create(friendly_name="x" * 300)
    step()
    policies(policy.sid).delete()
    step()
    if read_each_time:
        return seen
    return [exchange_json(e) for e in voice.requests]


@pytest.mark.parametrize("client_kind", ["direct", "responses"])
def test_a_lazily_built_exchange_shows_what_an_eagerly_built_one_did(client_kind: str) -> None:
    runs = []
    for read_each_time in (True, False):
        voice = fake_voice.mock(seed=7)
        voice.clock.freeze(datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc))
        if client_kind == "direct":
            runs.append(traffic(voice, voice.client(ACCOUNT_SID), read_each_time))
        else:
            with voice:
                runs.append(traffic(voice, Client(ACCOUNT_SID, "token"), read_each_time))
    eager, lazy = runs
    assert len(eager) == 8
    assert lazy == eager
    assert [e["status"] for e in lazy] == [201, 200, 200, 201, 200, 404, 400, 204]
    assert lazy[0]["headers"]["Authorization"] == "[redacted]"
    target = {"Target": ["sip:a@example.com"], "Priority": ["3"], "Enabled": ["false"]}
    assert lazy[3]["form"] == target
    assert lazy[4]["query"] == {"PageSize": ["1"]}


def test_every_read_shows_the_very_same_exchange_objects(fake_voice: FakeVoice) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    client.voice.v1.connection_policies.create(friendly_name="a")
    first = fake_voice.requests
    client.voice.v1.connection_policies.create(friendly_name="b")
    second = fake_voice.requests
    assert second[0] is first[0]
    assert [e.form["FriendlyName"] for e in second] == ["a", "b"]


def test_what_happens_after_an_answer_never_changes_its_record(fake_voice: FakeVoice) -> None:
    headers = {"Authorization": basic_auth(ACCOUNT_SID, "token"), "X-Note": "before"}
    body = b"FriendlyName=first"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = Request("POST", POLICIES, headers, body)
    response = fake_voice.answer(request)
    sid = response.data["sid"]

    # The caller's mappings change, the answer's headers change, the record changes.
    request.headers["X-Note"] = "after"  # type: ignore[index]
    request.headers["X-Added"] = "later"  # type: ignore[index]
    response.headers["Twilio-Request-Id"] = "RQ" + "0" * 32  # type: ignore[index]
    fake_voice.update(f"ConnectionPolicies/{sid}", account_sid=ACCOUNT_SID, FriendlyName="second")
    fake_voice.delete(f"ConnectionPolicies/{sid}", account_sid=ACCOUNT_SID)

    (exchange,) = fake_voice.requests
    assert exchange.headers == {
        "Authorization": "[redacted]",
        "X-Note": "before",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    assert exchange.form == {"FriendlyName": "first"}
    assert exchange.json["friendly_name"] == "first"
    assert exchange.response_headers["Twilio-Request-Id"] != "RQ" + "0" * 32
    assert exchange.response_headers["Twilio-Request-Id"].startswith("RQ")


def test_reset_before_a_read_forgets_the_unread_exchanges(fake_voice: FakeVoice) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    client.voice.v1.connection_policies.create(friendly_name="a")
    fake_voice.reset()
    assert fake_voice.requests == []
    client.voice.v1.connection_policies.create(friendly_name="b")
    assert [e.form["FriendlyName"] for e in fake_voice.requests] == ["b"]


def test_a_limited_log_drops_and_counts_unread_exchanges() -> None:
    voice = fake_voice.mock(seed=1, max_recorded=2)
    client = voice.client(ACCOUNT_SID)
    for name in "abcd":
        client.voice.v1.connection_policies.create(friendly_name=name)
    assert [e.form["FriendlyName"] for e in voice.requests] == ["c", "d"]
    assert voice.requests_dropped == 2


def test_forgetting_one_account_keeps_the_others_unread_exchanges() -> None:
    voice = fake_voice.mock(seed=1)
    other = "AC" + "2" * 32
    voice.client(ACCOUNT_SID).voice.v1.connection_policies.create(friendly_name="mine")
    voice.client(other).voice.v1.connection_policies.create(friendly_name="theirs")
    voice.reset(account_sid=ACCOUNT_SID)
    assert [(e.account_sid, e.form["FriendlyName"]) for e in voice.requests] == [(other, "theirs")]


def test_an_answered_entry_copies_the_response_headers() -> None:
    headers = {"Content-Type": "application/json"}
    request = Request("GET", POLICIES, {"Accept": "application/json"})
    log = ExchangeLog()
    with log.lock:
        log.record(request, 200, headers, b"{}", "ListConnectionPolicy", ACCOUNT_SID, "us1", None)
    headers["Content-Type"] = "text/plain"
    (exchange,) = log.snapshot()
    assert exchange.response_headers == {"Content-Type": "application/json"}
    assert exchange.headers == {"Accept": "application/json"}
    assert exchange.operation == "ListConnectionPolicy"


# -- checked bodies --------------------------------------------------------------------


def stored(voice: FakeVoice, sid: str) -> dict[str, Any]:
    record: dict[str, Any] = (
        voice._core.store.account(ACCOUNT_SID).collection("connection_policies").records[sid]
    )
    return record


def replace_record(voice: FakeVoice, sid: str, **changes: Any) -> None:
    """A record changed behind the request path's back (as a bug in a resource would)."""
    records = voice._core.store.account(ACCOUNT_SID).collection("connection_policies").records
    records[sid] = {**records[sid], **changes}


def test_a_changed_record_is_checked_again_before_it_is_answered(fake_voice: FakeVoice) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    sid = client.voice.v1.connection_policies.create(friendly_name="ok").sid
    assert client.voice.v1.connection_policies(sid).fetch().friendly_name == "ok"

    replace_record(fake_voice, sid, friendly_name="x" * 256)  # the schema allows 255
    with pytest.raises(SchemaViolation, match="friendly_name"):
        client.voice.v1.connection_policies(sid).fetch()
    with pytest.raises(SchemaViolation, match="friendly_name"):
        client.voice.v1.connection_policies.list()

    replace_record(fake_voice, sid, friendly_name="fine again")
    assert client.voice.v1.connection_policies(sid).fetch().friendly_name == "fine again"


def test_a_record_changed_to_a_wrong_sid_is_caught_although_its_old_sid_passed(
    fake_voice: FakeVoice,
) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    sid = client.voice.v1.connection_policies.create(friendly_name="ok").sid
    client.voice.v1.connection_policies(sid).fetch()  # its sid and url were accepted
    replace_record(fake_voice, sid, account_sid="AC" + "z" * 32)
    with pytest.raises(SchemaViolation, match="account_sid"):
        client.voice.v1.connection_policies(sid).fetch()


def test_an_update_is_rendered_and_checked_as_a_new_version(fake_voice: FakeVoice) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    sid = client.voice.v1.connection_policies.create(friendly_name="one").sid
    before = stored(fake_voice, sid)
    client.voice.v1.connection_policies(sid).update(friendly_name="two")
    assert stored(fake_voice, sid) is not before  # a write stores a new record
    assert client.voice.v1.connection_policies(sid).fetch().friendly_name == "two"


def test_a_remembered_string_does_not_make_another_one_pass() -> None:
    check = schemas.is_valid("resources/connection_policy.json")
    body = fake_voice.mock(seed=3).create("ConnectionPolicies", FriendlyName="a")
    assert check(body)
    assert check(dict(body))  # the same strings again, remembered
    assert not check({**body, "sid": body["sid"] + "0"})
    assert not check({**body, "date_created": body["date_created"] + "\n"})
    assert not check({**body, "url": body["url"].replace("https", "ftp")})


def test_a_remembered_error_body_does_not_make_another_one_pass() -> None:
    good = b'{"code":20404,"message":"The requested resource /X was not found",' + (
        b'"more_info":"https://www.twilio.com/docs/errors/20404","status":404}'
    )
    schemas.check_body("error.json", good, "GET /X")
    schemas.check_body("error.json", good, "GET /X")  # remembered
    with pytest.raises(SchemaViolation, match="status"):
        schemas.check_body("error.json", good.replace(b"404}", b"200}"), "GET /X")


def test_a_repeated_error_is_answered_with_the_same_bytes_and_still_checked(
    fake_voice: FakeVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    missing = "NY" + "0" * 32
    for _ in range(3):
        with pytest.raises(TwilioRestException) as caught:
            client.voice.v1.connection_policies(missing).fetch()
        assert (caught.value.status, caught.value.code) == (404, 20404)
    bodies = {e.response_body for e in fake_voice.requests}
    assert len(bodies) == 1

    # The remembered body still goes through the self-check: a broken schema says so.
    checked: list[bytes] = []
    original = schemas.check_response

    def spy(schema: str, data: Any, where: str) -> None:
        checked.append(schema.encode())
        original(schema, data, where)

    monkeypatch.setattr(schemas, "_CHECKED_BODIES", set())
    monkeypatch.setattr(schemas, "check_response", spy)
    with pytest.raises(TwilioRestException):
        client.voice.v1.connection_policies(missing).fetch()
    assert checked == [b"error.json"]


def test_a_page_checked_without_self_check_is_checked_when_it_is_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fake_voice.core import request_path

    checked: list[str] = []
    original = request_path.check_response

    def spy(schema: str, data: Any, where: str) -> None:
        checked.append(schema)
        original(schema, data, where)

    monkeypatch.setattr(request_path, "check_response", spy)
    monkeypatch.setattr(request_path, "_RESTS", {})
    state: dict[str, Any] = {}
    for self_check in (False, True, True):
        voice = fake_voice.mock(seed=1, self_check=self_check)
        if state:
            voice.load_state(state)
        else:
            voice.create("ConnectionPolicies", FriendlyName="a", account_sid=ACCOUNT_SID)
            state = voice.export_state()
        voice.client(ACCOUNT_SID).voice.v1.connection_policies.page(page_size=5)
    # Checked once with self-check on; the second page was the same, and remembered.
    assert checked == ["pages/connection_policy_list.json"]


def test_a_page_whose_meta_changes_is_written_again(fake_voice: FakeVoice) -> None:
    client = fake_voice.client(ACCOUNT_SID)
    client.voice.v1.connection_policies.create(friendly_name="a")
    first = client.voice.v1.connection_policies.page(page_size=1)
    assert first.next_page_url is None
    client.voice.v1.connection_policies.create(friendly_name="b")
    again = client.voice.v1.connection_policies.page(page_size=1)
    assert again.next_page_url is not None
    assert "PageToken=PA" in again.next_page_url
    assert [p.friendly_name for p in again] == ["a"]


def test_exchanges_still_read_as_dataclasses() -> None:
    voice = fake_voice.mock(seed=1)
    voice.client(ACCOUNT_SID).voice.v1.connection_policies.create(friendly_name="a")
    (exchange,) = voice.requests
    assert dataclasses.is_dataclass(exchange)
    with pytest.raises(dataclasses.FrozenInstanceError):
        exchange.status = 500  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(exchange)][:3] == ["method", "url", "path"]


def test_a_recorded_answer_holds_only_strings_bytes_and_numbers() -> None:
    """An exchange waits in the log as strings, bytes and numbers: the request is not kept,
    and an entry whose body is plain bytes is soon no longer tracked by the collector."""
    voice = fake_voice.mock(seed=1)
    client = voice.client(ACCOUNT_SID)
    client.voice.v1.connection_policies.create(friendly_name="kept")
    client.voice.v1.connection_policies.list()
    entries = list(voice._core.log._exchanges)
    assert len(entries) == 2 and all(type(entry) is tuple for entry in entries)
    kinds = {type(item) for entry in entries for item in entry}
    kinds |= {
        type(part) for entry in entries for item in entry if type(item) is tuple for part in item
    }
    assert kinds <= {str, bytes, Encoded, int, tuple, type(None)}
    gc.collect()
    gc.collect()  # a tuple is untracked once the collector has found its items untracked
    assert not gc.is_tracked(entries[1])  # the list page: a body joined for this answer
    assert [exchange.form.get("FriendlyName") for exchange in voice.requests] == ["kept", None]
