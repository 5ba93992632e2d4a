"""Official clients, untouched, through ``serve --proxy``: only environment variables differ.

The ``twilio`` command-line tool (npm ``twilio-cli``, pinned in tests/twilio_cli, which
``make pytest`` installs) and twilio-python's sync client, each in a process of its own
against a proxy the test starts. (twilio-node's run is in tests/test_server_node.py.)
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fake_voice import Server
from tests.conftest import ACCOUNT_SID
from tests.proxied import client_env, proxy

TWILIO = Path(__file__).parent / "twilio_cli" / "node_modules" / ".bin" / "twilio"
BASE = "https://voice.twilio.com/v1/ConnectionPolicies"


def twilio_cli(server: Server, home: Path, *args: str, quiet: bool = True) -> Any:
    """Run ``twilio ARGS -o json`` with only the environment pointing it at the proxy;
    ``quiet`` keeps it from checking npm for a newer release and updating itself."""
    env = client_env(
        home,
        HTTPS_PROXY=server.url,
        NODE_EXTRA_CA_CERTS=str(server.ca_cert),
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN="token",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    if quiet:
        env.update(TWILIO_SKIP_NEW_VERSION_CHECK="true", TWILIO_DISABLE_AUTOUPDATE="true")
    done = subprocess.run(
        [str(TWILIO), *args, "-o", "json"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_the_twilio_cli_manages_policies_and_targets_through_the_proxy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fake_voice.server")
    policies = "api:voice:v1:connection-policies"
    with proxy(tmp_path / "ca", seed=1) as server:
        run = lambda *args: twilio_cli(server, tmp_path, *args)  # noqa: E731
        [primary] = run(f"{policies}:create", "--friendly-name", "Primary carrier")
        [backup] = run(f"{policies}:create", "--friendly-name", "Backup carrier")
        listed = run(f"{policies}:list")
        [updated] = run(f"{policies}:update", "--sid", primary["sid"], "--friendly-name", "EU")
        [target] = run(
            f"{policies}:targets:create",
            "--connection-policy-sid",
            primary["sid"],
            "--target",
            "sip:sip-box.example.com:5060",
            "--friendly-name",
            "Frankfurt",
            "--priority",
            "1",
        )
        targets = run(f"{policies}:targets:list", "--connection-policy-sid", primary["sid"])
        [disabled] = run(
            f"{policies}:targets:update",
            "--connection-policy-sid",
            primary["sid"],
            "--sid",
            target["sid"],
            "--no-enabled",
        )
        run(
            f"{policies}:targets:remove",
            "--connection-policy-sid",
            primary["sid"],
            "--sid",
            target["sid"],
        )
        run(f"{policies}:remove", "--sid", primary["sid"])
        remaining = run(f"{policies}:list")
        state = server.voice.export_state()
        operations = [(e.operation, e.status) for e in server.voice.requests]
    assert primary["url"] == f"{BASE}/{primary['sid']}"
    assert primary["links"] == {"targets": f"{BASE}/{primary['sid']}/Targets"}
    assert [p["friendlyName"] for p in listed] == ["Primary carrier", "Backup carrier"]
    assert updated["friendlyName"] == "EU"
    assert target["url"] == f"{BASE}/{primary['sid']}/Targets/{target['sid']}"
    assert (target["target"], target["priority"], target["enabled"]) == (
        "sip:sip-box.example.com:5060",
        1,
        True,
    )
    assert [t["sid"] for t in targets] == [target["sid"]]
    assert disabled["enabled"] is False
    assert [p["sid"] for p in remaining] == [backup["sid"]]
    assert [p["sid"] for p in state[ACCOUNT_SID]["collections"]["connection_policies"]] == [
        backup["sid"]
    ]
    assert operations == [
        ("CreateConnectionPolicy", 201),
        ("CreateConnectionPolicy", 201),
        ("ListConnectionPolicy", 200),
        ("UpdateConnectionPolicy", 200),
        ("CreateConnectionPolicyTarget", 201),
        ("ListConnectionPolicyTarget", 200),
        ("UpdateConnectionPolicyTarget", 200),
        ("DeleteConnectionPolicyTarget", 204),
        ("DeleteConnectionPolicy", 204),
        ("ListConnectionPolicy", 200),
    ]
    # The tool tried to reach no host but Voice: every tunnel it asked for was one served.
    tunnels = [r.message for r in caplog.records if r.message.startswith("CONNECT ")]
    assert len(tunnels) == 10
    assert all(re.fullmatch(r"CONNECT voice\.twilio\.com:443 200 .*", t) for t in tunnels)


def test_the_twilio_cli_succeeds_when_the_proxy_refuses_its_update_check(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fake_voice.server")
    with proxy(tmp_path / "ca", seed=1) as server:
        server.voice.create("ConnectionPolicies", account_sid=ACCOUNT_SID, FriendlyName="Seeded")
        listed = twilio_cli(server, tmp_path, "api:voice:v1:connection-policies:list", quiet=False)
        exchanges = [(e.operation, e.url) for e in server.voice.requests]
    assert [p["friendlyName"] for p in listed] == ["Seeded"]
    assert exchanges == [("ListConnectionPolicy", BASE)]
    refused = [r.message for r in caplog.records if " 403 " in r.message]
    assert all(m.startswith("CONNECT registry.npmjs.org:443 403 ") for m in refused)


PAGING = """
from twilio.rest import Client

client = Client("{account}", "token")
for index in range(120):
    client.voice.v1.connection_policies.create(friendly_name=f"policy {{index}}")
listed = client.voice.v1.connection_policies.list(page_size=50)
print(len(listed), listed[0].friendly_name, listed[-1].friendly_name)
page = client.voice.v1.connection_policies.page(page_size=50).next_page().next_page()
print(len(list(page)), page.next_page() is None)
"""


def test_twilio_python_pages_through_120_policies_through_the_proxy(tmp_path: Path) -> None:
    with proxy(tmp_path / "ca", seed=1) as server:
        env = client_env(tmp_path, HTTPS_PROXY=server.url, REQUESTS_CA_BUNDLE=str(server.ca_cert))
        done = subprocess.run(
            [sys.executable, "-c", PAGING.format(account=ACCOUNT_SID)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        exchanges = list(server.voice.requests)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["120 policy 0 policy 119", "20 True"]
    pages = [e.url for e in exchanges if e.operation == "ListConnectionPolicy"]
    assert len(pages) == 6
    assert pages[0] == f"{BASE}?PageSize=50"
    # Every next_page_url the client followed kept https:// and Voice's host.
    assert all(url.startswith(f"{BASE}?PageSize=50&Page=") for url in pages[1:3])
    assert {e.url.split("/v1/")[0] for e in exchanges} == {"https://voice.twilio.com"}
