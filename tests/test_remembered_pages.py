"""A list page of a kind's records is remembered by the very records it shows: a page
answered from memory is, byte for byte, the page written afresh, and a record changed in
any way (even into an equal one) is written again."""

from __future__ import annotations

import random
from typing import Any

import pytest

import fake_voice
from fake_voice import FakeVoice, SchemaViolation
from fake_voice.core.dialect import Listing
from fake_voice.core.operations import Context
from fake_voice.core.wire import Request
from fake_voice.resources import _crud
from fake_voice.resources.connection_policies import CONNECTION_POLICIES
from tests.conftest import ACCOUNT_SID


def policies(voice: FakeVoice) -> dict[str, Any]:
    return voice._core.store.account(ACCOUNT_SID).collection("connection_policies").records


def page_body(voice: FakeVoice, **params: Any) -> bytes:
    voice.client(ACCOUNT_SID).voice.v1.connection_policies.page(**params)
    body: bytes = voice.requests[-1].response_body
    return body


@pytest.mark.parametrize("seed", range(12))
def test_a_remembered_page_is_the_page_written_afresh(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    voice = fake_voice.mock(seed=seed)
    client = voice.client(ACCOUNT_SID)
    policy = client.voice.v1.connection_policies
    sids = [policy.create(friendly_name=f"p{i}").sid for i in range(rng.randrange(1, 25))]
    for step in range(40):
        roll = rng.random()
        if roll < 0.2 and sids:
            sid = sids.pop(rng.randrange(len(sids)))
            policy(sid).delete()
        elif roll < 0.3 and sids:
            policy(rng.choice(sids)).update(friendly_name=f"u{step}")
        elif roll < 0.4:
            sids.append(policy.create(friendly_name=f"c{step}").sid)
        elif roll < 0.5 and sids:
            sid = rng.choice(sids)  # behind the request path's back
            policies(voice)[sid] = {**policies(voice)[sid], "friendly_name": f"r{step}"}
        params = {"page_size": rng.randrange(1, 8), "page_number": rng.randrange(0, 4)}
        remembered = [page_body(voice, **params), page_body(voice, **params)]
        monkeypatch.setattr(_crud, "_PAGES", {})
        assert remembered == [page_body(voice, **params)] * 2


def test_the_same_page_again_encodes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    voice = fake_voice.mock(seed=1)
    for name in "abc":
        voice.create("ConnectionPolicies", FriendlyName=name, account_sid=ACCOUNT_SID)
    encoded: list[int] = []
    original = _crud.Kind.encoded_all

    def spy(kind: _crud.Kind, ctx: Any, records: list[Any]) -> list[Any]:
        encoded.append(len(records))
        return original(kind, ctx, records)

    monkeypatch.setattr(_crud.Kind, "encoded_all", spy)
    first = page_body(voice, page_size=2)
    assert page_body(voice, page_size=2) == first
    assert encoded == [2]
    page_body(voice, page_size=3)
    assert encoded == [2, 3]


def test_a_record_replaced_by_an_equal_one_is_written_again() -> None:
    """``True == 1``, and yet JSON writes them apart: records are compared by identity."""
    voice = fake_voice.mock(seed=1, self_check=False)
    client = voice.client(ACCOUNT_SID)
    policy = client.voice.v1.connection_policies.create(friendly_name="p").sid
    client.voice.v1.connection_policies(policy).targets.create(target="sip:a@example.com")
    targets = client.voice.v1.connection_policies(policy).targets
    targets.page(page_size=5)
    assert b'"priority":10,' in voice.requests[-1].response_body
    records = voice._core.store.account(ACCOUNT_SID).collection("targets", policy).records
    [(sid, record)] = records.items()
    records[sid] = {**record, "enabled": 1}  # equal to True
    assert records[sid] == record
    targets.page(page_size=5)
    assert b'"enabled":1,' in voice.requests[-1].response_body


def test_a_record_changed_after_its_page_was_answered_is_checked_again() -> None:
    voice = fake_voice.mock(seed=1)
    sid = voice.create("ConnectionPolicies", FriendlyName="ok", account_sid=ACCOUNT_SID)["sid"]
    page_body(voice, page_size=5)
    policies(voice)[sid] = {**policies(voice)[sid], "friendly_name": "x" * 256}
    with pytest.raises(SchemaViolation, match="friendly_name"):
        page_body(voice, page_size=5)


def test_remembered_pages_hold_a_bounded_number_of_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_crud, "_PAGES", {})
    monkeypatch.setattr(_crud, "_PAGES_HELD", 0)
    monkeypatch.setattr(_crud, "_PAGES_BOUND", 10)
    voice = fake_voice.mock(seed=1)
    for i in range(12):
        voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT_SID)
    first = next(iter(policies(voice)))
    for size in [*range(1, 8), 3, 3]:
        policies(voice)[first] = dict(policies(voice)[first])  # the page written again
        page_body(voice, page_size=size)
        held = sum(len(entry[3]) for entry in _crud._PAGES.values())
        assert held == _crud._PAGES_HELD <= 10


def test_a_kinds_listing_pages_as_the_generic_listing_does() -> None:
    """The listing a kind hands its dialect against :class:`Listing`'s own ``page_items``
    (a slice of its triples), with records removed, on every window."""
    voice = fake_voice.mock(seed=3)
    sids = [
        voice.create("ConnectionPolicies", FriendlyName=f"p{i}", account_sid=ACCOUNT_SID)["sid"]
        for i in range(9)
    ]
    for sid in sids[2:5] + sids[7:8]:
        voice.delete(f"ConnectionPolicies/{sid}", account_sid=ACCOUNT_SID)
    core = voice._core
    operation, path_params = core.router.match("GET", "/v1/ConnectionPolicies")
    request = Request("GET", "https://voice.twilio.com/v1/ConnectionPolicies", {})
    ctx = Context(
        core.store,
        core.options,
        core.store.account(ACCOUNT_SID),
        operation,
        path_params,
        {},
        "https://voice.twilio.com",
        "/v1/ConnectionPolicies",
        request,
    )
    kind = CONNECTION_POLICIES
    collection = ctx.account.collection(kind.key)
    for start in range(8):
        for end in range(start, 9):
            listed = _crud._Listed(kind, ctx, collection)
            expected = Listing.page_items(listed, start, end)
            assert listed.page_items(start, end) == expected
            assert listed.page_items(start, end) == expected  # remembered
