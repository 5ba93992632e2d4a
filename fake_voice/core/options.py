"""The switches a user can set on a fake, through ``mock(...)`` or the pytest marker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fake_voice.state.sids import ACCOUNT_SID

DEFAULT_ACCOUNT_SID = "AC" + "0" * 32


def check_account_sid(value: object, what: str) -> str:
    """``value`` if it is an account SID, else ValueError naming ``what`` it was given as."""
    if not (isinstance(value, str) and ACCOUNT_SID.match(value)):
        raise ValueError(
            f"{what} must be an account SID (AC and 32 hexadecimal digits), not {value!r}"
        )
    return value


@dataclass(frozen=True)
class Options:
    """Every documented choice where Twilio's behaviour is inferred rather than seen.

    seed: makes SIDs and everything else random repeat exactly from run to run.
    api_keys: API key SIDs (``SK...``) and the account (``AC...``) each belongs to.
    auth_tokens: if given, the secret each username (account or API key SID) must send;
        by default any secret is accepted.
    page_size_over_limit: what a ``PageSize`` above 1000 does: ``"cap"`` serves pages of
        1000 (the default), ``"reject"`` answers 400.
    self_check: validate every response the fake builds against ``schemas/`` and raise
        ``SchemaViolation`` in the caller if one does not conform (a fake_voice bug).
    account_sid: the account that direct calls on the handle (``voice.create(...)``) act
        for when they name none.
    assert_all_faults_fired: leaving the ``with`` block (or a test using the fixture)
        raises AssertionError if a fault set with ``voice.fail()`` fired fewer times than
        it was set for, unless that fault is ``optional``; False turns the check off.
    state: the accounts and records the fake starts with and ``reset()`` returns to, as
        ``export_state()`` returns them (``mock()`` also reads them from a JSON file).
    idempotency_key_reuse: what a v3 create with an ``Idempotency-Key`` already used for
        another body gets: ``"reject"`` answers 422 (the default), ``"replay"`` the
        original response, as a repeat with the same body gets.
    """

    seed: int | None = None
    api_keys: Mapping[str, str] = field(default_factory=dict)
    auth_tokens: Mapping[str, str] | None = None
    page_size_over_limit: Literal["cap", "reject"] = "cap"
    self_check: bool = True
    account_sid: str = DEFAULT_ACCOUNT_SID
    assert_all_faults_fired: bool = True
    state: Mapping[str, Any] | None = None
    idempotency_key_reuse: Literal["reject", "replay"] = "reject"

    def __post_init__(self) -> None:
        if self.page_size_over_limit not in ("cap", "reject"):
            raise ValueError("page_size_over_limit must be 'cap' or 'reject'")
        if self.idempotency_key_reuse not in ("reject", "replay"):
            raise ValueError("idempotency_key_reuse must be 'reject' or 'replay'")
        for key, account in self.api_keys.items():
            if not (key.startswith("SK") and ACCOUNT_SID.match(account)):
                raise ValueError(
                    f"api_keys maps SK... SIDs to AC... SIDs, not {key!r}: {account!r}"
                )
        check_account_sid(self.account_sid, "account_sid")
