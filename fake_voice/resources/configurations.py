"""Voice v2 Configurations: named Recording, Transcription (or other) configurations, and
the default configuration of each type.

Decisions: an id is a TypeID (``voice_recordingconfiguration_`` + 26 characters); a path's
``IdOrUniqueName`` finds a configuration by id first, then by unique name. A unique name is
unique within its type and account (another create or update with it is a 400) and may not
be ``Default``, which names the default configuration in ``/{Type}/Default``. PUT replaces
the whole configuration: a ``unique_name`` or ``description`` it leaves out becomes null.
The configuration is stored as sent (the official client drops nulls, so nothing is
filled in). Deleting the default configuration leaves the type without a default.
"""

from __future__ import annotations

from typing import Any

from fake_voice.core.errors import TwilioError, not_found
from fake_voice.core.operations import Check, Context, Implementation
from fake_voice.core.wire import JSON
from fake_voice.resources._configuration_bodies import (
    check_features,
    checked_type,
    configuration_check,
)
from fake_voice.state.store import Collection, Record

COLLECTION = "configurations"
"""Records by Type (the collection's parent); each record's ``sid`` is its id."""
DEFAULTS = "default_configurations"
"""``extras`` key: Type -> the id of that type's default configuration."""


def render(record: Record) -> dict[str, JSON]:
    return {
        "id": record["sid"],
        "account_sid": record["account_sid"],
        "unique_name": record["unique_name"],
        "description": record["description"],
        "date_created": record["date_created"],
        "date_updated": record["date_updated"],
        "configuration": record["configuration"],
    }


def _collection(ctx: Context, kind: str) -> Collection:
    return ctx.account.collection(COLLECTION, kind)


def find(ctx: Context, kind: str, id_or_name: str) -> Record | None:
    records = _collection(ctx, kind).records
    found = records.get(id_or_name)
    if found is None:
        found = next((r for r in records.values() if r["unique_name"] == id_or_name), None)
    return found


def _found(ctx: Context, kind: str) -> Record:
    record = find(ctx, kind, ctx.path_params["IdOrUniqueName"])
    if record is None:
        raise not_found(ctx.path)
    return record


def _unique(ctx: Context, kind: str, name: str | None, own: str | None) -> None:
    if name is None:
        return
    taken = find(ctx, kind, name)
    if taken is not None and taken["sid"] != own and taken["unique_name"] == name:
        raise TwilioError(
            400,
            20001,
            f"Invalid value for parameter unique_name: a {kind} configuration named "
            f"{name} already exists",
        )


def create(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    body: dict[str, Any] = ctx.params
    check_features(ctx, kind, body, 400)
    _unique(ctx, kind, body.get("unique_name"), None)
    ttid = ctx.store.sids.new_ttid(f"voice_{kind.lower()}configuration")
    now = ctx.store.clock.stamp()
    record: Record = {
        "sid": ttid,
        "account_sid": ctx.account.sid,
        "unique_name": body.get("unique_name"),
        "description": body.get("description"),
        "configuration": body["configuration"],
        "date_created": now,
        "date_updated": now,
        "url": f"/v2/Configurations/{kind}/{ttid}",
    }
    _collection(ctx, kind).add(record)
    return render(record)


def fetch(ctx: Context) -> JSON:
    return render(_found(ctx, checked_type(ctx)))


def update(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    old = _found(ctx, kind)
    body: dict[str, Any] = ctx.params
    check_features(ctx, kind, body, 400)
    _unique(ctx, kind, body.get("unique_name"), old["sid"])
    record = {
        **old,
        "unique_name": body.get("unique_name"),
        "description": body.get("description"),
        "configuration": body["configuration"],
        "date_updated": ctx.store.clock.stamp(),
    }
    _collection(ctx, kind).records[old["sid"]] = record
    return render(record)


def delete(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    record = _found(ctx, kind)
    _collection(ctx, kind).remove(record["sid"])
    defaults = ctx.account.extras.get(DEFAULTS, {})
    if defaults.get(kind) == record["sid"]:
        del defaults[kind]
        if not defaults:
            del ctx.account.extras[DEFAULTS]
    return None


def fetch_default(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    chosen = ctx.account.extras.get(DEFAULTS, {}).get(kind)
    record = _collection(ctx, kind).records.get(chosen) if chosen else None
    if record is None:
        raise not_found(ctx.path)
    return render(record)


def set_default(ctx: Context) -> JSON:
    kind = checked_type(ctx)
    wanted = ctx.params["configuration_id"]
    record = find(ctx, kind, wanted)
    if record is None:
        raise TwilioError(404, 20404, f"The {kind} configuration {wanted} was not found")
    ctx.account.extras.setdefault(DEFAULTS, {})[kind] = record["sid"]
    return None


OPERATIONS: dict[str, Implementation] = {
    "CreateConfiguration": create,
    "FetchConfiguration": fetch,
    "UpdateConfiguration": update,
    "DeleteConfiguration": delete,
    "FetchDefaultConfiguration": fetch_default,
    "CreateOrUpdateDefaultConfiguration": set_default,
}
CHECKS: dict[str, Check] = {
    "CreateConfiguration": configuration_check(None, 400),
    "FetchConfiguration": configuration_check(None, 400, body=False),
    "UpdateConfiguration": configuration_check(None, 400),
    "DeleteConfiguration": configuration_check(None, 400, body=False),
    "FetchDefaultConfiguration": configuration_check(None, 400, body=False),
    "CreateOrUpdateDefaultConfiguration": configuration_check(None, 400, body=False),
}
for _kind in ("Recording", "Transcription"):
    CHECKS[f"Create{_kind}Configuration"] = configuration_check(_kind, 400)
    CHECKS[f"Update{_kind}Configuration"] = configuration_check(_kind, 400)
    OPERATIONS.update(
        {
            f"Create{_kind}Configuration": create,
            f"Fetch{_kind}Configuration": fetch,
            f"Update{_kind}Configuration": update,
            f"Delete{_kind}Configuration": delete,
        }
    )
