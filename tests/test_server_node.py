"""Twilio's official Node client (npm ``twilio``, pinned in tests/node/package.json) against
the server: tests/node/connection_policies.js and voice_v2v3.js, and every line they print.

``make pytest`` installs tests/node/node_modules first (``npm ci``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from fake_voice import Exchange, serve
from fake_voice.resources import router
from tests.conftest import ACCOUNT_SID

NODE_DIR = Path(__file__).parent / "node"


def run_node(script: str, url: str | None = None, **settings: str) -> str:
    """Run ``script``; with ``url`` the client's Voice domain is pointed there, and
    ``settings`` are further environment variables (a proxy's)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TWILIO_EDGE", "TWILIO_REGION", "HTTP_PROXY", "HTTPS_PROXY")
    }
    env.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN="token", **settings)
    if url is not None:
        env["FAKE_VOICE_URL"] = url
    done = subprocess.run(
        ["node", script], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_the_node_client_manages_policies_and_targets_on_the_server() -> None:
    with serve(seed=1) as server:
        output = run_node("connection_policies.js", server.url)
        exchanges = list(server.voice.requests)
    check_the_script(output, exchanges, server.url)


def test_the_untouched_node_client_does_the_same_through_the_proxy(tmp_path: Path) -> None:
    # Only the environment differs: twilio-node reads HTTP_PROXY alone (not HTTPS_PROXY).
    with serve(seed=1, proxy=True, ca_dir=tmp_path) as server:
        output = run_node(
            "connection_policies.js",
            HTTP_PROXY=server.url,
            NODE_EXTRA_CA_CERTS=str(server.ca_cert),
        )
        exchanges = list(server.voice.requests)
    check_the_script(output, exchanges, "https://voice.twilio.com")


def check_the_script(output: str, exchanges: list[Exchange], base: str) -> None:
    """connection_policies.js printed what it should, its URLs all on ``base``."""
    created = [e.json["sid"] for e in exchanges if e.operation == "CreateConnectionPolicy"]
    targets = [
        e.json["sid"]
        for e in exchanges
        if e.operation == "CreateConnectionPolicyTarget" and e.status == 201
    ]
    primary, backup = created
    frankfurt, fallback = targets
    policy_url = f"{base}/v1/ConnectionPolicies/{primary}"
    assert output.splitlines() == [
        f'created policy {primary} "Primary carrier"',
        f"url {policy_url}",
        f"targets link {policy_url}/Targets",
        f'created policy {backup} "Backup carrier"',
        f'fetched policy {primary} "Primary carrier" of {ACCOUNT_SID}',
        f'listed policy {primary} "Primary carrier"',
        f'listed policy {backup} "Backup carrier"',
        f'updated policy {primary} "Primary carrier (EU)"',
        f"created target {frankfurt} sip:sip-box.example.com:5060 priority=1 weight=20 "
        f"enabled=true of {primary}",
        f"created target {fallback} sip:fallback.example.com priority=10 weight=10 enabled=true",
        f'fetched target "Frankfurt" {policy_url}/Targets/{frankfurt}',
        f"updated target {frankfurt} sip:sip-box.example.com:5060 priority=5 weight=20 "
        "enabled=false",
        f"listed target {frankfurt} sip:sip-box.example.com:5060 priority=5 weight=20 "
        "enabled=false",
        f"listed target {fallback} sip:fallback.example.com priority=10 weight=10 enabled=true",
        "refused 400 20001 Invalid value for parameter Target: must be a sip: URI "
        "(sips: is not supported)",
        "removed target true",
        "removed policy true",
        f"fetch after remove 404 20404 The requested resource /ConnectionPolicies/{primary} "
        "was not found",
        f'remaining {backup} "Backup carrier"',
    ]
    # The list of pageSize 1 followed next_page_url, and it led back to the fake.
    pages = [e.url for e in exchanges if e.operation == "ListConnectionPolicy"]
    assert pages == [
        f"{base}/v1/ConnectionPolicies?PageSize=1",
        f"{base}/v1/ConnectionPolicies?PageSize=1&Page=1&PageToken=PA{primary}",
        f"{base}/v1/ConnectionPolicies?PageSize=20",  # list({ limit: 20 })
    ]
    # What the Node client sent is what Twilio's form expects: PascalCase, booleans as text.
    update = next(e for e in exchanges if e.operation == "UpdateConnectionPolicyTarget")
    assert dict(update.form) == {"Enabled": "false", "Priority": "5"}
    assert update.headers["User-Agent"].startswith("twilio-node/6.3.1 ")


def test_the_node_client_drives_every_v2_and_v3_operation_on_the_server() -> None:
    with serve(seed=1) as server:
        output = run_node("voice_v2v3.js", server.url)
        exchanges = list(server.voice.requests)
    created = {e.operation: e.json["id"] for e in exchanges if e.status == 201 and "id" in e.json}
    recording = created["CreateRecordingConfiguration"]
    setup = created["CreateTranscriptionConfiguration"]
    assert output.splitlines() == [
        f"created recording {recording} calls",
        f"fetched recording {recording} channels=mono",
        "updated recording every call",
        f"created transcription configuration {setup}",
        "set default, and twilio-node threw SyntaxError",
        f"default transcription configuration {setup}",
        "typed fetch support en-US",
        "updated transcription configuration en-GB",
        "created summary true",
        "updated summary brief long",
        "fetched summary true",
        "removed summary true",
        f"account default {ACCOUNT_SID}",
        "updated account default all calls",
        "fetched account default both",
        "second account default refused 409 20409 RestException",
        "removed account default true",
        "created transcription PENDING same=true",
        "fetched transcription true PENDING",
        "pages true true",
        "both sources refused 400 20001 TwilioServiceException",
        "unknown transcription refused 404 20404 TwilioServiceException",
        "removed recording true",
        "removed transcription configuration true",
        "removed recording refused 404 20404 RestException",
    ]
    succeeded = {e.operation for e in exchanges if e.status is not None and e.status < 300}
    versions = {
        op.name for op in router().operations.values() if op.template[:4] in ("/v2/", "/v3/")
    }
    assert succeeded == versions
    # What the Node client sent: JSON, and the Idempotency-Key header given to create().
    first = next(e for e in exchanges if e.operation == "CreateV3Transcriptions")
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["Idempotency-Key"] == "node-1"
