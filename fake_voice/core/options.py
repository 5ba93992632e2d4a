"""The switches a user can set on a fake, through ``mock(...)`` or the pytest marker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fake_voice.state.sids import ACCOUNT_SID
from fake_voice.state.store import REGION

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
    api_keys: API key SIDs (``SK...``) and the account (``AC...``) each belongs to. A
        region's name may map to such a mapping of its own (``{"au1": {"SK...": "AC..."}}``),
        which replaces the others in that region: keys are region-specific on Twilio.
    auth_tokens: if given, the secret each username (account or API key SID) must send;
        by default any secret is accepted. As with ``api_keys``, a region may have its own
        mapping (``{"AC...": "us-token", "ie1": {"AC...": "ie-token"}}``).
    page_size_over_limit: what a ``PageSize`` above 1000 does: ``"cap"`` serves pages of
        1000 (the default), ``"reject"`` answers 400.
    self_check: validate every response the fake builds against ``schemas/`` and raise
        ``SchemaViolation`` in the caller if one does not conform (a fake_voice bug).
    account_sid: the account that direct calls on the handle (``voice.create(...)``) act
        for when they name none.
    assert_all_faults_fired: leaving the ``with`` block (or a test using the fixture)
        raises AssertionError if a fault set with ``voice.fail()`` fired fewer times than
        it was set for, unless that fault is ``optional``; False turns the check off.
    unknown_parameters: what a parameter the operation does not take (a typo, a name in
        the wrong case) or a body of another content type does: ``"ignore"`` it as Twilio
        does (the default), ``"warn"`` with ``UnknownParameterWarning``, or ``"reject"``
        with Twilio's 400 (code 20001) naming the closest known parameter.
    state: the accounts and records the fake starts with and ``reset()`` returns to, as
        ``export_state()`` returns them (``mock()`` also reads them from a JSON file).
    max_recorded: how many exchanges ``requests`` keeps (None: all; the oldest are dropped
        first and counted in ``requests_dropped``); a long-lived server sets it.
    idempotency_key_reuse: what a v3 create with an ``Idempotency-Key`` already used for
        another body gets: ``"reject"`` answers 422 (the default), ``"replay"`` the
        original response, as a repeat with the same body gets.
    """

    seed: int | None = None
    api_keys: Mapping[str, str | Mapping[str, str]] = field(default_factory=dict)
    auth_tokens: Mapping[str, str | Mapping[str, str]] | None = None
    page_size_over_limit: Literal["cap", "reject"] = "cap"
    self_check: bool = True
    account_sid: str = DEFAULT_ACCOUNT_SID
    assert_all_faults_fired: bool = True
    state: Mapping[str, Any] | None = None
    max_recorded: int | None = None
    unknown_parameters: Literal["ignore", "warn", "reject"] = "ignore"
    idempotency_key_reuse: Literal["reject", "replay"] = "reject"
    _keys: dict[str | None, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    _tokens: dict[str | None, Mapping[str, str]] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.page_size_over_limit not in ("cap", "reject"):
            raise ValueError("page_size_over_limit must be 'cap' or 'reject'")
        if self.idempotency_key_reuse not in ("reject", "replay"):
            raise ValueError("idempotency_key_reuse must be 'reject' or 'replay'")
        if self.unknown_parameters not in ("ignore", "warn", "reject"):
            raise ValueError("unknown_parameters must be 'ignore', 'warn' or 'reject'")
        keys_by_region = _by_region(self.api_keys, "api_keys")
        for region, keys in keys_by_region.items():
            for key, account in keys.items():
                if not (key.startswith("SK") and ACCOUNT_SID.match(account)):
                    where = "api_keys" if region is None else f"api_keys[{region!r}]"
                    raise ValueError(
                        f"{where} maps SK... SIDs to AC... SIDs, not {key!r}: {account!r}"
                    )
        tokens = None if self.auth_tokens is None else _by_region(self.auth_tokens, "auth_tokens")
        object.__setattr__(self, "_keys", keys_by_region)
        object.__setattr__(self, "_tokens", tokens)
        check_account_sid(self.account_sid, "account_sid")
        if self.max_recorded is not None and (
            not isinstance(self.max_recorded, int) or self.max_recorded < 0
        ):
            raise ValueError(f"max_recorded must be 0 or more, or None, not {self.max_recorded!r}")

    def account_of_key(self, key: str, region: str) -> str | None:
        """The account an API key SID acts for in ``region``, or None for an unknown key."""
        return self._keys.get(region, self._keys[None]).get(key)

    def secret_is_right(self, username: str, secret: str, region: str) -> bool:
        """True unless ``auth_tokens`` names another secret for ``username`` in ``region``."""
        if self._tokens is None:
            return True
        return self._tokens.get(region, self._tokens[None]).get(username) == secret


def _by_region(
    given: Mapping[str, str | Mapping[str, str]], name: str
) -> dict[str | None, Mapping[str, str]]:
    """A credentials option split into what applies everywhere (None) and per region."""
    split: dict[str | None, Mapping[str, str]] = {
        None: {k: v for k, v in given.items() if isinstance(v, str)}
    }
    for key, value in given.items():
        if isinstance(value, str):
            continue
        if not (isinstance(value, Mapping) and REGION.match(key)):
            raise ValueError(
                f"{name} maps usernames to strings, or a region's name (au1, ie1...) to such "
                f"a mapping; not {key!r}: {value!r}"
            )
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ValueError(f"{name}[{key!r}] must map usernames to strings")
        split[key] = value
    return split
