"""``fake-voice serve`` takes every option ``mock()`` takes, as flags, plus the server's own
(``--region``, ``--max-recorded``, ``--save-state``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.conftest import ACCOUNT_SID
from tests.test_server_cli import fails, running

KEY = "SK" + "5" * 32
OTHER = "AC" + "3" * 32


def create(url: str, auth: tuple[str, str], **headers: str) -> requests.Response:
    return requests.post(
        f"{url}/v1/ConnectionPolicies", data={"FriendlyName": "x"}, auth=auth, headers=headers
    )


def test_credentials_flags_check_secrets_map_keys_and_may_name_a_region() -> None:
    with running(
        "--auth-token", f"{ACCOUNT_SID}:right",
        "--auth-token", f"ie1:{ACCOUNT_SID}:irish",
        "--auth-token", f"{KEY}:key-secret",
        "--api-key", f"{KEY}:{OTHER}",
    ) as server:  # fmt: skip
        assert create(server.url, (ACCOUNT_SID, "right")).status_code == 201
        assert create(server.url, (ACCOUNT_SID, "wrong")).status_code == 401
        irish = {"Host": "voice.dublin.ie1.twilio.com"}
        assert create(server.url, (ACCOUNT_SID, "right"), **irish).status_code == 401
        assert create(server.url, (ACCOUNT_SID, "irish"), **irish).status_code == 201
        by_key = create(server.url, (KEY, "key-secret"))
        assert by_key.status_code == 201 and by_key.json()["url"].endswith(by_key.json()["sid"])
        exported = requests.get(f"{server.url}/__fake_voice__/export").json()
    assert sorted(exported) == sorted([ACCOUNT_SID, OTHER, "regions"])


def test_paging_self_check_account_and_clock_flags_reach_the_fake() -> None:
    with running(
        "--page-size-over-limit", "reject",
        "--no-self-check",
        "--account-sid", OTHER,
        "--now", "2024-01-02T03:04:05Z",
        "--seed", "4",
    ) as server:  # fmt: skip
        auth = (OTHER, "t")
        over = requests.get(f"{server.url}/v1/ConnectionPolicies?PageSize=1001", auth=auth)
        created = create(server.url, auth).json()
    assert over.status_code == 400 and "PageSize" in over.json()["message"]
    assert created["date_created"] == "2024-01-02T03:04:05Z"


def test_max_recorded_keeps_the_newest_exchanges_and_counts_the_rest() -> None:
    with running("--max-recorded", "3") as server:
        auth = (ACCOUNT_SID, "t")
        for number in range(5):
            requests.get(f"{server.url}/v1/ConnectionPolicies?PageSize={number + 1}", auth=auth)
        listed = requests.get(f"{server.url}/__fake_voice__/requests")
    assert [e["query"]["PageSize"] for e in listed.json()] == [["3"], ["4"], ["5"]]
    assert listed.headers["Fake-Voice-Requests-Dropped"] == "2"


def test_max_recorded_zero_keeps_none() -> None:
    with running("--max-recorded", "0") as server:
        create(server.url, (ACCOUNT_SID, "t"))
        listed = requests.get(f"{server.url}/__fake_voice__/requests")
    assert listed.json() == [] and listed.headers["Fake-Voice-Requests-Dropped"] == "1"


def test_save_state_writes_on_shutdown_what_state_loads_again(tmp_path: Path) -> None:
    saved = tmp_path / "world.json"
    with running("--save-state", str(saved), "--region", "au1") as server:
        sid = create(server.url, (ACCOUNT_SID, "t")).json()["sid"]
        code, _, err = server.stop()
    assert code == 0 and f"state saved to {saved}" in err
    assert list(json.loads(saved.read_text())["regions"]["au1"]) == [ACCOUNT_SID]
    with running("--state", str(saved), "--region", "au1") as again:
        page = requests.get(f"{again.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t"))
    assert [p["sid"] for p in page.json()["connection_policies"]] == [sid]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--auth-token", "no-colon"], "--auth-token takes [REGION:]SID:SECRET, not 'no-colon'"),
        (["--api-key", f"{KEY}:not-an-account"], "api_keys maps SK... SIDs to AC... SIDs"),
        (["--account-sid", "AC12"], "account_sid must be an account SID"),
        (["--region", "Au 1"], "--region: region must be a region's name"),
        (["--max-recorded", "-1"], "is not a whole number of 0 or more"),
        (["--now", "yesterday"], "is not an ISO 8601 moment"),
    ],
)
def test_a_bad_flag_says_what_is_wrong_and_exits_2(args: list[str], message: str) -> None:
    code, out, err = fails(*args)
    assert code == 2 and out == "" and message in err
