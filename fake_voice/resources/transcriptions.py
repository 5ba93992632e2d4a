"""Voice v3 Transcriptions: long-running transcriptions of a recording or a media URL.

Decisions:
- A create names an existing v2 Transcription configuration (else 404); its settings become
  the ``resolvedConfiguration``, and its ``participantDefaults`` fill in every audio channel
  the request's ``participants`` leave out. ``sourceId`` is not looked up (the fake holds no
  recordings), so ``audioStartedAt`` is left out for it; ``conversationId``, ``duration``
  and ``links`` are left out too (the fake transcribes nothing).
- Status follows the fake's clock: PENDING for the first 5 seconds, RUNNING until 15
  seconds, then COMPLETED; ``voice.finish_transcription(id, "FAILED")`` (or COMPLETED)
  settles one at once. ``updatedAt`` is when the status last changed. Fetches answer
  ``Retry-After: 5`` while a transcription is PENDING or RUNNING.
- ``Idempotency-Key`` (at most 128 characters) is kept per account for 24 hours of the
  fake's clock: the same key with the same body gets the original response again (its
  status as first answered); with another body, the ``idempotency_key_reuse`` option
  decides: 422 (code 20422, the default) or the original response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from fake_voice.core.dialect import Listing
from fake_voice.core.errors import TwilioError, bad_request, not_found
from fake_voice.core.operations import Check, Context, Implementation, Reply
from fake_voice.core.wire import JSON
from fake_voice.resources.configurations import COLLECTION as CONFIGURATIONS
from fake_voice.state.clock import format_date
from fake_voice.state.store import Account, Collection, Record

COLLECTION = "transcriptions"
"""Records in creation order; each record's ``sid`` is its id."""
IDEMPOTENCY = "transcription_idempotency_keys"
"""``extras`` key: Idempotency-Key -> {body, at, reply, headers} of the create it was sent with."""
RUNNING_AFTER = timedelta(seconds=5)
COMPLETED_AFTER = timedelta(seconds=15)
IDEMPOTENCY_WINDOW = timedelta(hours=24)
RETRY_AFTER = "5"
FINAL = ("COMPLETED", "FAILED")


_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))\Z"
)


def _parse_date(text: str) -> datetime:
    """An RFC 3339 date as UTC (fractions dropped); ValueError if it is no real moment."""
    found = _RFC3339.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not an RFC 3339 date")
    year, month, day, hour, minute, second = (int(part) for part in found.groups()[:6])
    moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    if found[7]:
        offset = timedelta(hours=int(found[8]), minutes=int(found[9]))
        moment -= offset if found[7] == "+" else -offset
    return moment


def _given_date(params: Mapping[str, Any], name: str) -> datetime | None:
    """The date parameter ``name`` (the schema checked its form); 400 for a day that is not."""
    if name not in params:
        return None
    try:
        return _parse_date(params[name])
    except ValueError:
        raise bad_request(
            f"Invalid value for parameter {name}: {params[name]} is not a real date and time"
        ) from None


def _check_create(params: Mapping[str, Any], path_params: Mapping[str, str]) -> None:
    _given_date(params, "audioStartedAt")
    channels = [p["audioChannelIndex"] for p in params.get("participants", [])]
    if len(set(channels)) != len(channels):
        raise bad_request(
            "Invalid value for parameter participants: each audioChannelIndex at most once"
        )


def _check_list(params: Mapping[str, Any], path_params: Mapping[str, str]) -> None:
    _given_date(params, "createdAfter")
    _given_date(params, "createdBefore")


def status_at(record: Record, now: datetime) -> tuple[str, str]:
    """The status of ``record`` at ``now``, and when it took that status."""
    if record.get("outcome") in FINAL:
        return record["outcome"], record["settled_at"]
    created = _parse_date(record["createdAt"])
    if now >= created + COMPLETED_AFTER:
        return "COMPLETED", format_date(created + COMPLETED_AFTER)
    if now >= created + RUNNING_AFTER:
        return "RUNNING", format_date(created + RUNNING_AFTER)
    return "PENDING", record["createdAt"]


def render(ctx: Context, record: Record) -> dict[str, JSON]:
    status, changed = status_at(record, ctx.store.clock.now())
    body: dict[str, JSON] = {
        "id": record["sid"],
        "accountId": record["accountId"],
        "status": status,
        "transcriptionConfigurationId": record["transcriptionConfigurationId"],
    }
    for name in ("sourceId", "mediaUrl", "audioStartedAt"):
        if record.get(name) is not None:
            body[name] = record[name]
    body.update(
        participants=record["participants"],
        resolvedConfiguration=record["resolvedConfiguration"],
        createdAt=record["createdAt"],
        updatedAt=changed,
        url=ctx.base_url + record["url"],
    )
    return body


def _collection(account: Account) -> Collection:
    return account.collection(COLLECTION)


def _resolved(configuration: dict[str, Any]) -> dict[str, JSON]:
    resolved: dict[str, JSON] = {
        "transcriptionEngine": configuration["transcriptionEngine"],
        "language": configuration["language"],
        "participantDefaults": configuration["participantDefaults"],
    }
    if configuration.get("speechModel"):
        resolved["speechModel"] = configuration["speechModel"]
    callback = configuration.get("transcriptionStatusCallback") or {}
    if callback.get("url"):
        resolved["transcriptionStatusCallback"] = {
            "url": callback["url"],
            "method": callback.get("method") or "POST",
        }
    if configuration.get("conversationConfigurationId"):
        resolved["conversationConfigurationId"] = configuration["conversationConfigurationId"]
    return resolved


def _participants(given: list[dict[str, Any]], defaults: list[dict[str, Any]]) -> list[JSON]:
    """The participants given (``CHECKS`` made sure each channel comes once), and the
    configuration's defaults for the channels they leave out."""
    channels = [p["audioChannelIndex"] for p in given]
    merged = [dict(p) for p in given]
    merged += [dict(d) for d in defaults if d["audioChannelIndex"] not in channels]
    return sorted(merged, key=lambda p: p["audioChannelIndex"])


def _accepted(ctx: Context, record: Record) -> tuple[dict[str, JSON], dict[str, str]]:
    transcription = render(ctx, record)
    url = transcription["url"]
    body = {"status": transcription["status"], "statusUrl": url, "transcription": transcription}
    headers = {"Location": url, "Operation-Id": record["sid"], "Retry-After": RETRY_AFTER}
    return body, headers


def create(ctx: Context) -> JSON:
    started = _given_date(ctx.params, "audioStartedAt")
    key = ctx.header("Idempotency-Key")
    now = ctx.store.clock.now()
    body_text = json.dumps(ctx.params, sort_keys=True, separators=(",", ":"))  # key order aside
    keys: dict[str, Any] = ctx.account.extras.get(IDEMPOTENCY, {})
    if key is not None:
        if not 1 <= len(key) <= 128:
            raise bad_request("Invalid value for header Idempotency-Key: 1 to 128 characters")
        earlier = keys.get(key)
        if earlier is not None and now < _parse_date(earlier["at"]) + IDEMPOTENCY_WINDOW:
            if earlier["body"] != body_text and ctx.options.idempotency_key_reuse == "reject":
                raise TwilioError(
                    422,
                    20422,
                    f"Idempotency-Key {key} was already used with another request body",
                )
            return Reply(earlier["reply"], earlier["headers"])
    wanted = ctx.params["transcriptionConfigurationId"]
    configuration = ctx.account.collection(CONFIGURATIONS, "Transcription").records.get(wanted)
    if configuration is None:
        raise TwilioError(404, 20404, f"The Transcription configuration {wanted} was not found")
    settings = configuration["configuration"]
    ttid = ctx.store.sids.new_ttid("voice_transcription")
    record: Record = {
        "sid": ttid,
        "accountId": ctx.account.sid,
        "transcriptionConfigurationId": wanted,
        "sourceId": ctx.params.get("sourceId"),
        "mediaUrl": ctx.params.get("mediaUrl"),
        "audioStartedAt": _written(started),
        "participants": _participants(
            ctx.params.get("participants", []), settings["participantDefaults"]
        ),
        "resolvedConfiguration": _resolved(settings),
        "createdAt": format_date(now),
        "outcome": None,
        "settled_at": None,
        "url": f"/v3/Transcriptions/{ttid}",
    }
    _collection(ctx.account).add(record)
    reply, headers = _accepted(ctx, record)
    if key is not None:
        headers["Idempotency-Key"] = key
        keys[key] = {"body": body_text, "at": format_date(now), "reply": reply, "headers": headers}
        ctx.account.extras[IDEMPOTENCY] = keys
    return Reply(reply, headers)


def _written(moment: datetime | None) -> str | None:
    """A date as every v3 answer writes it (UTC, whole seconds, Z)."""
    return None if moment is None else format_date(moment)


def fetch(ctx: Context) -> JSON:
    record = _collection(ctx.account).records.get(ctx.path_params["transcriptionId"])
    if record is None:
        raise not_found(ctx.path)
    body, _ = _accepted(ctx, record)
    operation = {"operationId": record["sid"], **body}
    if body["status"] in FINAL:
        return operation
    return Reply(operation, {"Retry-After": RETRY_AFTER})


def list_transcriptions(ctx: Context) -> JSON:
    params = ctx.params
    after = _given_date(params, "createdAfter")
    before = _given_date(params, "createdBefore")
    now = ctx.store.clock.now()
    collection = _collection(ctx.account)

    def wanted(record: Record) -> bool:
        created = _parse_date(record["createdAt"])
        return (
            (after is None or created >= after)
            and (before is None or created < before)
            and params.get("languageCode", record["resolvedConfiguration"]["language"])
            == record["resolvedConfiguration"]["language"]
            and params.get("sourceId", record.get("sourceId")) == record.get("sourceId")
            and params.get("status", status_at(record, now)[0]) == status_at(record, now)[0]
        )

    filters = [
        (name, str(params[name]))
        for name in ("createdAfter", "createdBefore", "languageCode", "sourceId", "status")
        if name in params
    ]
    items = [entry for entry in collection.in_order() if wanted(entry[2])]
    listing = Listing(
        COLLECTION, items, collection.positions.get, lambda r: render(ctx, r), filters
    )
    return ctx.page(listing)


def finish(account: Account, transcription_id: str, status: str, now: datetime) -> None:
    """Settle a transcription as COMPLETED or FAILED at ``now`` (what the handle calls)."""
    if status not in FINAL:
        raise ValueError(f"status must be COMPLETED or FAILED, not {status!r}")
    records = _collection(account).records
    record = records.get(transcription_id)
    if record is None:
        raise KeyError(f"account {account.sid} has no transcription {transcription_id}")
    records[transcription_id] = {**record, "outcome": status, "settled_at": format_date(now)}


CHECKS: dict[str, Check] = {
    "CreateV3Transcriptions": _check_create,
    "ListV3Transcriptions": _check_list,
}
OPERATIONS: dict[str, Implementation] = {
    "CreateV3Transcriptions": create,
    "FetchTranscription": fetch,
    "ListV3Transcriptions": list_transcriptions,
}
