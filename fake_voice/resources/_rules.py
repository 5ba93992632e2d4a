"""Rules and cascades for resources that name other resources by SID.

A reference parameter (``ConnectionPolicySid``, ``IpRecordSid``) must name a record of the
caller's own account; a record of another account is as absent as one never created, so
the answer cannot reveal what other accounts hold. Deleting a referenced record either
clears the references to it or deletes the records holding them; the resource that owns
the referenced record declares which in its ``on_delete``.
"""

from __future__ import annotations

from fake_voice.core.errors import bad_request
from fake_voice.core.operations import Context
from fake_voice.resources._crud import Cascade, Rule
from fake_voice.state.store import Record


def references(param: str, kind_key: str, label: str) -> Rule:
    """A rule: a non-empty ``param`` must be the SID of a ``kind_key`` record of the account."""

    def check(ctx: Context, record: Record, old: Record | None) -> None:
        sid = ctx.params.get(param)
        if sid and sid not in ctx.account.collection(kind_key).records:
            raise bad_request(f"Invalid value for parameter {param}: {label} {sid} was not found")

    return check


def blank_clears(*names: str) -> Rule:
    """A rule: an empty value sent for any of ``names`` stores null (Twilio's way to unset)."""

    def clear(ctx: Context, record: Record, old: Record | None) -> None:
        for name in names:
            if record.get(name) == "":
                record[name] = None

    return clear


def clear_references(kind_key: str, field: str) -> Cascade:
    """A cascade: ``kind_key`` records whose ``field`` names the deleted record get null there."""

    def clear(ctx: Context, deleted: Record) -> None:
        records = ctx.account.collection(kind_key).records
        for sid, record in list(records.items()):
            if record.get(field) == deleted["sid"]:
                records[sid] = {**record, field: None}  # a new dict: records never change in place

    return clear


def delete_referrers(kind_key: str, field: str) -> Cascade:
    """A cascade: ``kind_key`` records whose ``field`` names the deleted record go with it."""

    def delete(ctx: Context, deleted: Record) -> None:
        collection = ctx.account.collection(kind_key)
        for sid in [r["sid"] for r in collection if r.get(field) == deleted["sid"]]:
            collection.remove(sid)
            ctx.store.encoded.pop(sid, None)

    return delete
