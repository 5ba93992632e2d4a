"""``fake-voice serve`` as a user runs it, and curl against it (as the README shows)."""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

import fake_voice
from fake_voice import cli
from tests.conftest import ACCOUNT_SID

SERVE = [sys.executable, "-m", "fake_voice.cli", "serve"]
URL = re.compile(r"http://127\.0\.0\.1:([0-9]+)\n")


class Running:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> tuple[int, str, str]:
        """Send ``sig``; the exit status, the rest of standard output, and standard error."""
        self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


@contextmanager
def running(*args: str) -> Iterator[Running]:
    process = subprocess.Popen(
        [*SERVE, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert URL.fullmatch(first), (first, process.stderr.read() if process.stderr else "")
        yield Running(process, first.strip())
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def fails(*args: str) -> tuple[int, str, str]:
    done = subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout, done.stderr


def curl(*args: str) -> str:
    done = subprocess.run(
        ["curl", "--silent", "--show-error", *args], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_prints_its_url_logs_each_request_and_stops_on_sigterm() -> None:
    with running("--seed", "1") as server:
        made = requests.post(
            f"{server.url}/v1/ConnectionPolicies",
            data={"FriendlyName": "e"},
            auth=(ACCOUNT_SID, "t"),
        )
        requests.get(f"{server.url}/v1/Nothing", auth=(ACCOUNT_SID, "t"))
        status, out, err = server.stop(signal.SIGTERM)
    assert made.status_code == 201
    assert (status, out) == (0, "")
    lines = err.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"POST /v1/ConnectionPolicies 201 [0-9]+\.[0-9]ms", lines[0])
    assert re.fullmatch(r"GET /v1/Nothing 404 [0-9]+\.[0-9]ms", lines[1])
    assert lines[2] == "fake-voice serve: stopped"


def test_serve_stops_cleanly_on_ctrl_c() -> None:
    with running() as server:
        status, out, err = server.stop(signal.SIGINT)
    assert (status, out, err) == (0, "", "fake-voice serve: stopped\n")


def test_serve_listens_on_the_port_given() -> None:
    port = free_port()
    with running("--port", str(port)) as server:
        assert server.url == f"http://127.0.0.1:{port}"
        assert requests.get(f"{server.url}/__fake_voice__/export").json() == {}
        server.stop()


def test_a_port_in_use_is_one_line_and_status_2() -> None:
    with running() as server:
        port = server.url.rsplit(":", 1)[1]
        status, out, err = fails("--port", port)
        server.stop()
    assert (status, out) == (2, "")
    assert err == (
        f"fake-voice serve: cannot listen on 127.0.0.1:{port}: the port is in use "
        "(pass --port 0 to pick a free one)\n"
    )


def test_an_unknown_host_is_one_line_and_status_2() -> None:
    status, out, err = fails("--host", "no-such-host.invalid")
    assert (status, out) == (2, "")
    assert err.startswith("fake-voice serve: cannot listen on no-such-host.invalid:0: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_port_out_of_range_is_one_line_and_status_2() -> None:
    assert fails("--port", "70000") == (
        2,
        "",
        "fake-voice serve: --port must be 0..65535, not 70000\n",
    )


def test_serve_starts_from_a_state_file(tmp_path: Path) -> None:
    source = fake_voice.mock(seed=4)
    policy = source.create("ConnectionPolicies", FriendlyName="from file", account_sid=ACCOUNT_SID)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(source.export_state()), encoding="utf-8")
    with running("--state", str(path)) as server:
        url = f"{server.url}/v1/ConnectionPolicies/{policy['sid']}"
        fetched = requests.get(url, auth=(ACCOUNT_SID, "t")).json()
        requests.delete(url, auth=(ACCOUNT_SID, "t"))
        requests.post(f"{server.url}/__fake_voice__/reset")  # back to the file's state
        after_reset = requests.get(url, auth=(ACCOUNT_SID, "t")).json()
        server.stop()
    assert fetched["friendly_name"] == "from file"
    assert fetched["url"] == f"{server.url}/v1/ConnectionPolicies/{policy['sid']}"
    assert after_reset == fetched


def test_a_bad_state_file_is_one_line_and_status_2(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"AC1": {}}', encoding="utf-8")
    assert fails("--state", str(path)) == (
        2,
        "",
        "fake-voice serve: cannot load the state: "
        "'AC1' is not an account SID (AC and 32 hexadecimal digits)\n",
    )


def test_the_same_seed_draws_the_same_sids() -> None:
    sids = []
    for _ in range(2):
        with running("--seed", "42") as server:
            made = requests.post(
                f"{server.url}/v1/ConnectionPolicies", auth=(ACCOUNT_SID, "t")
            ).json()
            server.stop()
        sids.append(made["sid"])
    assert sids[0] == sids[1]
    assert sids[0] == fake_voice.mock(seed=42).create("ConnectionPolicies")["sid"]


# -- curl, as the README shows it ------------------------------------------------------


def test_curl_drives_the_server_and_its_control_api(tmp_path: Path) -> None:
    auth = f"{ACCOUNT_SID}:token"
    with running("--seed", "1") as server:
        url = server.url
        made = json.loads(
            curl("-u", auth, "-d", "FriendlyName=Primary", f"{url}/v1/ConnectionPolicies")
        )
        assert made["url"] == f"{url}/v1/ConnectionPolicies/{made['sid']}"
        target = json.loads(
            curl(
                "-u",
                auth,
                "--data-urlencode",
                "Target=sip:sip-box.example.com",
                "-d",
                "Priority=1",
                f"{url}/v1/ConnectionPolicies/{made['sid']}/Targets",
            )
        )
        assert (target["target"], target["priority"], target["weight"]) == (
            "sip:sip-box.example.com",
            1,
            10,
        )
        page = json.loads(curl("-u", auth, f"{url}/v1/ConnectionPolicies?PageSize=1"))
        assert page["meta"]["url"] == f"{url}/v1/ConnectionPolicies?PageSize=1&Page=0"
        assert [p["sid"] for p in page["connection_policies"]] == [made["sid"]]

        refused = curl("-u", auth, "-d", "Target=sips:a@b.c", target["url"].rsplit("/", 1)[0])
        assert json.loads(refused) == {
            "code": 20001,
            "message": "Invalid value for parameter Target: must be a sip: URI "
            "(sips: is not supported)",
            "more_info": "https://www.twilio.com/docs/errors/20001",
            "status": 400,
        }

        state = tmp_path / "state.json"
        curl("-o", str(state), f"{url}/__fake_voice__/export")
        assert list(json.loads(state.read_text())[ACCOUNT_SID]["collections"]) == [
            "connection_policies",
            f"targets/{made['sid']}",
        ]
        code = curl("-X", "DELETE", "-u", auth, "-w", "%{http_code}", made["url"])
        assert code == "204"
        assert curl("-X", "POST", "-w", "%{http_code}", f"{url}/__fake_voice__/reset") == "204"
        assert curl(f"{url}/__fake_voice__/export") == "{}"
        loaded = curl(
            "--data-binary", f"@{state}", "-w", "%{http_code}", f"{url}/__fake_voice__/load"
        )
        assert loaded == "204"
        assert json.loads(curl("-u", auth, made["url"]))["friendly_name"] == "Primary"
        exchanges = json.loads(curl(f"{url}/__fake_voice__/requests"))
        assert [e["operation"] for e in exchanges] == ["FetchConnectionPolicy"]
        assert exchanges[0]["headers"]["Authorization"] == "[redacted]"
        server.stop()


def test_serve_run_in_process_leaves_logging_and_signals_as_it_found_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = logging.getLogger("fake_voice.server")
    handlers, level = list(log.handlers), log.level
    sigterm = signal.getsignal(signal.SIGTERM)

    assert cli.main(["serve", "--port", "70000"]) == 2

    assert (log.handlers, log.level) == (handlers, level)
    assert signal.getsignal(signal.SIGTERM) is sigterm
    assert capsys.readouterr().err == "fake-voice serve: --port must be 0..65535, not 70000\n"
