"""What Voice v2 accepts as a configuration of each type, beyond what a schema can say.

Recording and Transcription configurations are checked by their own schemas (in
``schemas/configurations.json``) and by the rules below; a configuration of any other Type
is any object whose ``configurationType`` is that Type, stored as sent. A Type is letters
only; one that differs from Recording or Transcription only in case is refused, so a typo
cannot create a configuration of a new type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fake_voice.core import json_bodies
from fake_voice.core.errors import TwilioError
from fake_voice.core.operations import Check, Context
from fake_voice.core.schemas import request_schema

KNOWN = ("Recording", "Transcription")
_TYPE = re.compile(r"[A-Za-z]+\Z")
_MODELS = {"google": ("chirp_2",), "deepgram": ("nova-3", "nova-2"), "twilio_managed": ()}


def checked_type(ctx: Context) -> str:
    """The ``Type`` of the path (its ``CHECKS`` made sure it is one the fake accepts)."""
    return ctx.path_params.get("Type") or ctx.operation.template.split("/")[3]


def refuse_odd_type(kind: str) -> None:
    """A 400 unless ``kind`` is a Type the fake accepts: letters only, and Recording or
    Transcription spelled exactly if it is one of them in another case."""
    folded = {known.lower(): known for known in KNOWN}.get(kind.lower())
    if not _TYPE.match(kind) or (folded is not None and folded != kind):
        expected = f"{folded}" if folded else "letters only (Recording, Transcription, ...)"
        raise TwilioError(400, 20001, f"Invalid value for parameter Type: must be {expected}")


def configuration_check(kind: str | None, status: int, body: bool = True) -> Check:
    """The stateless rules of one operation, run before it (and by ``fake-voice validate``):
    the path's Type (``kind`` when the operation names it) and, with ``body``, the body's
    configuration as one of that Type, refused with ``status`` (400, or 422 where the
    description lists it)."""

    def check(params: Mapping[str, Any], path_params: Mapping[str, str]) -> None:
        named = kind or path_params["Type"]
        refuse_odd_type(named)
        if body:
            with _answered_as(status):
                configuration_rules(named, params["configuration"])

    return check


def configuration_rules(kind: str, configuration: dict[str, Any]) -> None:
    """Refuse ``configuration`` (400) unless it is a configuration of ``kind``."""
    # The type first: a configuration of another type fails on every key, this says why.
    given = configuration.get("configurationType")
    if ("configurationType" in configuration or kind not in KNOWN) and given != kind:
        raise _refuse("configurationType", f"must be {kind}")
    if kind in KNOWN:
        whole = request_schema(f"requests/Create{kind}Configuration.json")
        json_bodies.parse(whole, {"configuration": configuration})
    if kind == "Transcription":
        _transcription_rules(configuration)


def check_features(ctx: Context, kind: str, body: dict[str, Any], status: int) -> None:
    """What the stateless rules cannot see: a Recording configuration's features must name
    Transcription configurations of the account (else a ``status`` error)."""
    if kind != "Recording":
        return
    with _answered_as(status):
        _recording_rules(ctx, body["configuration"])


@contextmanager
def _answered_as(status: int) -> Iterator[None]:
    """A refusal raised inside, answered with ``status`` (and its code) and its message."""
    try:
        yield
    except TwilioError as error:
        if status == error.status:
            raise
        raise TwilioError(status, 20000 + status, error.message) from None


def _refuse(name: str, reason: str) -> TwilioError:
    return TwilioError(400, 20001, f"Invalid value for parameter configuration.{name}: {reason}")


def _transcription_rules(configuration: dict[str, Any]) -> None:
    channels = sorted(p["audioChannelIndex"] for p in configuration["participantDefaults"])
    if channels != [1, 2]:
        raise _refuse("participantDefaults", "must map audioChannelIndex 1 and 2, once each")
    engine = configuration["transcriptionEngine"]
    model = configuration.get("speechModel")
    if model is not None and model not in _MODELS[engine]:
        allowed = ", ".join(_MODELS[engine]) or "none (leave speechModel out)"
        raise _refuse("speechModel", f"{engine} takes {allowed}")
    if configuration["language"] == "multi" and engine != "deepgram":
        raise _refuse("language", "multi is for the deepgram engine only")
    callback = configuration.get("transcriptionStatusCallback") or {}
    if not callback.get("url") and not configuration.get("conversationConfigurationId"):
        raise _refuse(
            "transcriptionStatusCallback",
            "give transcriptionStatusCallback.url or conversationConfigurationId (or both)",
        )


def _recording_rules(ctx: Context, configuration: dict[str, Any]) -> None:
    transcriptions = ctx.account.collection("configurations", "Transcription").records
    for index, feature in enumerate(configuration.get("features") or ()):
        if feature["featureId"] not in transcriptions:
            raise _refuse(
                f"features[{index}].featureId",
                f"Transcription configuration {feature['featureId']} was not found",
            )
