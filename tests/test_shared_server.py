"""One server shared by many processes: the control API scoped by ``?account_sid=``, the
worker's own account SID, and 4 pytest-xdist workers on one ``fake-voice serve``."""

from __future__ import annotations

import copy
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import fake_voice
from fake_voice import worker_account_sid
from tests.conftest import ACCOUNT_SID, OTHER_ACCOUNT_SID

pytest_plugins = ["pytester"]

CONTROL = "/__fake_voice__"


def create(url: str, account: str, name: str) -> str:
    created = requests.post(
        f"{url}/v1/ConnectionPolicies", data={"FriendlyName": name}, auth=(account, "token")
    )
    assert created.status_code == 201, created.text
    sid: str = created.json()["sid"]
    return sid


def names(url: str, account: str) -> list[str]:
    listed = requests.get(f"{url}/v1/ConnectionPolicies", auth=(account, "token")).json()
    return [policy["friendly_name"] for policy in listed["connection_policies"]]


def test_a_scoped_reset_forgets_only_that_accounts_records_and_exchanges() -> None:
    with fake_voice.serve(seed=1) as server:
        create(server.url, ACCOUNT_SID, "mine")
        create(server.url, OTHER_ACCOUNT_SID, "theirs")
        server.voice.fail("ListConnectionPolicy", status=503, times=None, optional=True)
        reset = requests.post(f"{server.url}{CONTROL}/reset?account_sid={ACCOUNT_SID}")
        assert reset.status_code == 204
        exported = server.voice.export_state()
        accounts = [e.account_sid for e in server.voice.requests]
        assert len(server.voice.faults) == 1  # faults are the server's, not an account's
        server.voice.clear_faults()
        assert names(server.url, ACCOUNT_SID) == []
        assert names(server.url, OTHER_ACCOUNT_SID) == ["theirs"]
    assert list(exported) == [OTHER_ACCOUNT_SID]
    assert accounts == [OTHER_ACCOUNT_SID]


def test_a_scoped_reset_returns_the_account_to_the_state_the_server_started_from() -> None:
    with fake_voice.mock(seed=1) as seed:
        seed.create("ConnectionPolicies", account_sid=ACCOUNT_SID, FriendlyName="seeded")
        seed.create("ConnectionPolicies", account_sid=OTHER_ACCOUNT_SID, FriendlyName="other")
        state = seed.export_state()
    with fake_voice.serve(state=state) as server:
        create(server.url, ACCOUNT_SID, "added")
        create(server.url, OTHER_ACCOUNT_SID, "added too")
        server.voice.reset(ACCOUNT_SID)
        assert names(server.url, ACCOUNT_SID) == ["seeded"]
        assert names(server.url, OTHER_ACCOUNT_SID) == ["other", "added too"]


def test_scoped_export_and_requests_hold_only_that_account() -> None:
    with fake_voice.serve(seed=1) as server:
        create(server.url, ACCOUNT_SID, "mine")
        create(server.url, OTHER_ACCOUNT_SID, "theirs")
        exported = requests.get(f"{server.url}{CONTROL}/export?account_sid={ACCOUNT_SID}")
        mine = requests.get(f"{server.url}{CONTROL}/requests?account_sid={ACCOUNT_SID}").json()
        everyone = requests.get(f"{server.url}{CONTROL}/requests").json()
        nobody = requests.get(f"{server.url}{CONTROL}/export?account_sid=AC{'9' * 32}").json()
    assert list(exported.json()) == [ACCOUNT_SID]
    assert exported.json() == {ACCOUNT_SID: server.voice.export_state()[ACCOUNT_SID]}
    assert [(e["account_sid"], e["form"]) for e in mine] == [
        (ACCOUNT_SID, {"FriendlyName": ["mine"]})
    ]
    assert [e["account_sid"] for e in everyone] == [ACCOUNT_SID, OTHER_ACCOUNT_SID]
    assert nobody == {}


def test_a_scoped_load_replaces_only_that_account() -> None:
    with fake_voice.serve(seed=1) as server:
        create(server.url, ACCOUNT_SID, "saved")
        saved = requests.get(f"{server.url}{CONTROL}/export?account_sid={ACCOUNT_SID}").json()
        create(server.url, ACCOUNT_SID, "later")
        create(server.url, OTHER_ACCOUNT_SID, "theirs")
        loaded = requests.post(f"{server.url}{CONTROL}/load?account_sid={ACCOUNT_SID}", json=saved)
        assert loaded.status_code == 204
        assert names(server.url, ACCOUNT_SID) == ["saved"]
        assert names(server.url, OTHER_ACCOUNT_SID) == ["theirs"]
        emptied = requests.post(f"{server.url}{CONTROL}/load?account_sid={ACCOUNT_SID}", json={})
        assert emptied.status_code == 204
        assert names(server.url, ACCOUNT_SID) == []
        assert names(server.url, OTHER_ACCOUNT_SID) == ["theirs"]


def test_a_scoped_load_that_names_another_account_or_its_sids_is_refused_and_changes_nothing() -> (
    None
):
    with fake_voice.serve(seed=1) as server:
        create(server.url, ACCOUNT_SID, "mine")
        create(server.url, OTHER_ACCOUNT_SID, "theirs")
        before = server.voice.export_state()
        load = f"{server.url}{CONTROL}/load?account_sid={ACCOUNT_SID}"
        foreign = requests.post(load, json=before)
        # Their record, moved into my account: its SID is already theirs.
        moved = {ACCOUNT_SID: copy.deepcopy(before[OTHER_ACCOUNT_SID])}
        record = moved[ACCOUNT_SID]["collections"]["connection_policies"][0]
        record["account_sid"] = ACCOUNT_SID
        stolen = requests.post(load, json=moved)
        after = server.voice.export_state()
    assert foreign.status_code == 400
    assert foreign.json()["message"] == (
        f"The state was refused: the state for account {ACCOUNT_SID} holds another account: "
        f"{OTHER_ACCOUNT_SID}"
    )
    assert stolen.status_code == 400
    assert stolen.json()["message"] == (
        f"The state was refused: account {ACCOUNT_SID}: sid {record['sid']} is already used "
        f"in account {OTHER_ACCOUNT_SID}"
    )
    assert after == before


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("POST", "/reset?account_sid=AC123", "account_sid must be one account SID"),
        ("GET", f"/export?account_sid={ACCOUNT_SID}&account_sid={OTHER_ACCOUNT_SID}", "one"),
        ("GET", "/requests?account_sid=", "account_sid must be one account SID"),
        ("GET", f"/faults?account_sid={ACCOUNT_SID}", "is not scoped by account_sid"),
        ("DELETE", f"/faults?account_sid={ACCOUNT_SID}", "is not scoped by account_sid"),
    ],
)
def test_a_bad_or_misplaced_account_sid_is_a_400_that_changes_nothing(
    method: str, path: str, message: str
) -> None:
    with fake_voice.serve(seed=1) as server:
        create(server.url, ACCOUNT_SID, "kept")
        server.voice.fail("FetchConnectionPolicy", optional=True)
        answer = requests.request(method, f"{server.url}{CONTROL}{path}")
        assert len(server.voice.faults) == 1
        assert names(server.url, ACCOUNT_SID) == ["kept"]
    assert answer.status_code == 400
    assert message in answer.json()["message"]


def test_worker_account_sids_are_stable_distinct_and_valid() -> None:
    sids = {worker_account_sid(f"gw{n}", "ci-1") for n in range(8)}
    assert len(sids) == 8
    assert all(re.fullmatch(r"AC[0-9a-f]{32}", sid) for sid in sids)
    assert worker_account_sid("gw0", "ci-1") == worker_account_sid("gw0", "ci-1")
    assert worker_account_sid("gw0", "ci-1") != worker_account_sid("gw0", "ci-2")
    assert worker_account_sid("gw3", "host") == (
        "AC" + __import__("hashlib").sha256(b"fake_voice\0host\0gw3").hexdigest()[:32]
    )


WORKER_TESTS = """
import os

import pytest
import requests

URL = os.environ["FAKE_VOICE_SERVER"]


@pytest.mark.parametrize("round", range(24))
def test_my_account_alone(fake_voice_account_sid, worker_id, round):
    me = fake_voice_account_sid
    control = f"{URL}/__fake_voice__"
    assert requests.post(f"{control}/reset?account_sid={me}").status_code == 204
    auth = (me, "token")
    for index in range(5):
        created = requests.post(
            f"{URL}/v1/ConnectionPolicies", data={"FriendlyName": f"{worker_id} {index}"}, auth=auth
        )
        assert created.status_code == 201
    listed = requests.get(f"{URL}/v1/ConnectionPolicies", auth=auth).json()
    assert [p["friendly_name"] for p in listed["connection_policies"]] == [
        f"{worker_id} {index}" for index in range(5)
    ]
    exported = requests.get(f"{control}/export?account_sid={me}").json()
    assert list(exported) == [me]
    assert len(exported[me]["collections"]["connection_policies"]) == 5
    mine = requests.get(f"{control}/requests?account_sid={me}").json()
    assert [e["operation"] for e in mine] == ["CreateConnectionPolicy"] * 5 + [
        "ListConnectionPolicy"
    ]
    with open(os.path.join(os.environ["SEEN_DIR"], f"{worker_id}-{round}"), "w") as seen:
        seen.write(me)
"""


def test_four_xdist_workers_share_one_server_each_on_its_own_account(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    port_file, seen = tmp_path / "url", tmp_path / "seen"
    seen.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "fake_voice.cli", "serve", "--port-file", str(port_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists():
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        url = port_file.read_text().strip()
        pytester.makepyfile(test_workers=WORKER_TESTS)
        os.environ.update(FAKE_VOICE_SERVER=url, SEEN_DIR=str(seen))
        try:
            result = pytester.runpytest_subprocess("-n", "4", "-p", "no:cacheprovider")
        finally:
            del os.environ["FAKE_VOICE_SERVER"], os.environ["SEEN_DIR"]
        result.assert_outcomes(passed=24)
        everything = requests.get(f"{url}/__fake_voice__/export").json()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    by_worker: dict[str, set[str]] = {}
    for path in seen.iterdir():
        by_worker.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert sorted(by_worker) == ["gw0", "gw1", "gw2", "gw3"]
    accounts = {sid for sids in by_worker.values() for sid in sids}
    assert all(len(sids) == 1 for sids in by_worker.values())  # stable within a worker
    assert len(accounts) == 4  # and each worker's own
    assert set(everything) == accounts
    assert server.returncode == 0
