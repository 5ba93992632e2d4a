"""``mock()`` and ``serve()``: options in, a fake (or a served fake) out."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from fake_voice.core.options import DEFAULT_ACCOUNT_SID, Options
from fake_voice.handle import FakeVoice
from fake_voice.server import DEFAULT_HOST, DEFAULT_TIMEOUT
from fake_voice.state import snapshot

if TYPE_CHECKING:
    import os

    from fake_voice.server.http import Server


def mock(
    *,
    seed: int | None = None,
    api_keys: Mapping[str, str | Mapping[str, str]] | None = None,
    auth_tokens: Mapping[str, str | Mapping[str, str]] | None = None,
    page_size_over_limit: Literal["cap", "reject"] = "cap",
    self_check: bool = True,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    now: datetime | None = None,
    assert_all_faults_fired: bool = True,
    state: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    max_recorded: int | None = None,
    unknown_parameters: Literal["ignore", "warn", "reject"] = "ignore",
    idempotency_key_reuse: Literal["reject", "replay"] = "reject",
) -> FakeVoice:
    """A new fake of voice.twilio.com, not yet started.

    ``now`` freezes the fake's clock at that moment. ``state`` is the world the fake starts
    in and ``reset()`` returns to: what ``export_state()`` returned, or the path of a JSON
    file of it (checked as ``load_state()`` checks it). See :class:`Options` for the rest.
    """
    data = None if state is None else copy.deepcopy(snapshot.read(state))
    fake = FakeVoice(
        Options(
            seed=seed,
            api_keys=dict(api_keys or {}),
            auth_tokens=None if auth_tokens is None else dict(auth_tokens),
            page_size_over_limit=page_size_over_limit,
            self_check=self_check,
            account_sid=account_sid,
            assert_all_faults_fired=assert_all_faults_fired,
            state=data,
            max_recorded=max_recorded,
            unknown_parameters=unknown_parameters,
            idempotency_key_reuse=idempotency_key_reuse,
        )
    )
    if data is not None:
        fake.load_state(data)
    if now is not None:
        fake.clock.freeze(now)
    return fake


def serve(
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    region: str = "us1",
    proxy: bool = False,
    ca_dir: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Server:
    """A new fake (``options`` as :func:`mock` takes them) served over HTTP.

    ``port=0`` picks a free port; the fake is ``server.voice``. ``region``, ``proxy`` and
    ``ca_dir`` are as ``FakeVoice.serve()`` takes them.
    """
    return mock(**options).serve(
        host, port, timeout=timeout, region=region, proxy=proxy, ca_dir=ca_dir
    )
