"""Voice v2 Account Default Configurations: one configuration per Type for the whole account.

Decisions: a second create for a Type is 409 (code 20409); fetch, update and delete of a
Type with none are 404. A configuration the Type's schema or rules refuse is 422 (code
20422) on create, where the description lists 422, and 400 on update, where it does not.
Every answer with a body carries an ``ETag``; an update sent with ``If-Match`` naming
another ETag is 412 (code 20412), one without ``If-Match`` always applies (the official
clients send none). PUT replaces the whole resource: a ``description`` it leaves out
becomes null.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fake_voice.core.errors import TwilioError, not_found
from fake_voice.core.operations import Check, Context, Implementation, Reply
from fake_voice.core.wire import JSON, encode_json
from fake_voice.resources._configuration_bodies import (
    check_features,
    checked_type,
    configuration_check,
)
from fake_voice.state.store import Collection, Record

COLLECTION = "account_default_configurations"
"""One record per Type; each record's ``sid`` is its Type."""


def _collection(ctx: Context) -> Collection:
    return ctx.account.collection(COLLECTION)


def _reply(record: Record) -> Reply:
    body = {
        "account_sid": record["account_sid"],
        "description": record["description"],
        "date_created": record["date_created"],
        "date_updated": record["date_updated"],
        "configuration": record["configuration"],
    }
    etag = '"' + hashlib.sha256(encode_json(body)).hexdigest()[:32] + '"'
    return Reply(body, {"ETag": etag})


def _found(ctx: Context, kind: str) -> Record:
    record = _collection(ctx).records.get(kind)
    if record is None:
        raise not_found(ctx.path)
    return record


def create(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    body: dict[str, Any] = ctx.params
    if kind in _collection(ctx).records:
        raise TwilioError(
            409, 20409, f"The account already has a default {kind} configuration; update it"
        )
    check_features(ctx, kind, body, 422)
    now = ctx.store.clock.stamp()
    record: Record = {
        "sid": kind,
        "account_sid": ctx.account.sid,
        "description": body.get("description"),
        "configuration": body["configuration"],
        "date_created": now,
        "date_updated": now,
        "url": f"/v2/AccountDefaultConfiguration/{kind}",
    }
    _collection(ctx).add(record)
    return _reply(record)


def fetch(ctx: Context) -> JSON:
    return _reply(_found(ctx, checked_type(ctx)))


def update(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    old = _found(ctx, kind)
    expected = ctx.header("If-Match")
    if expected is not None and expected.strip() not in ("*", _reply(old).headers["ETag"]):
        raise TwilioError(
            412, 20412, f"If-Match {expected} is not the ETag of the default {kind} configuration"
        )
    body: dict[str, Any] = ctx.params
    check_features(ctx, kind, body, 400)
    record = {
        **old,
        "description": body.get("description"),
        "configuration": body["configuration"],
        "date_updated": ctx.store.clock.stamp(),
    }
    _collection(ctx).records[kind] = record
    return _reply(record)


def delete(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    _found(ctx, kind)
    _collection(ctx).remove(kind)
    return None


CHECKS: dict[str, Check] = {
    "CreateAccountDefaultConfiguration": configuration_check(None, 422),
    "FetchAccountDefaultConfiguration": configuration_check(None, 400, body=False),
    "UpdateAccountDefaultConfiguration": configuration_check(None, 400),
    "DeleteAccountDefaultConfiguration": configuration_check(None, 400, body=False),
}
OPERATIONS: dict[str, Implementation] = {
    "CreateAccountDefaultConfiguration": create,
    "FetchAccountDefaultConfiguration": fetch,
    "UpdateAccountDefaultConfiguration": update,
    "DeleteAccountDefaultConfiguration": delete,
}
