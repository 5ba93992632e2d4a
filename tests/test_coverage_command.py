"""``fake-voice coverage``: the official operations against the fake's route table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fake_voice.cli import main
from fake_voice.cli.coverage import ENV_DIR, V1_FILE, fake_routes
from tests import official

POLICIES = "/v1/ConnectionPolicies"
POLICY_TABLE = [
    "| operationId | method | path | status | fake |",
    "|---|---|---|---|---|",
    "| ListConnectionPolicy | GET | /v1/ConnectionPolicies | 200 | routed |",
    "| CreateConnectionPolicy | POST | /v1/ConnectionPolicies | 201 | routed |",
    "| ListConnectionPolicyTarget | GET | /v1/ConnectionPolicies/{ConnectionPolicySid}/Targets"
    " | 200 | routed |",
    "| CreateConnectionPolicyTarget | POST | /v1/ConnectionPolicies/{ConnectionPolicySid}/Targets"
    " | 201 | routed |",
    "| FetchConnectionPolicyTarget | GET"
    " | /v1/ConnectionPolicies/{ConnectionPolicySid}/Targets/{Sid} | 200 | routed |",
    "| UpdateConnectionPolicyTarget | POST"
    " | /v1/ConnectionPolicies/{ConnectionPolicySid}/Targets/{Sid} | 200 | routed |",
    "| DeleteConnectionPolicyTarget | DELETE"
    " | /v1/ConnectionPolicies/{ConnectionPolicySid}/Targets/{Sid} | 204 | routed |",
    "| FetchConnectionPolicy | GET | /v1/ConnectionPolicies/{Sid} | 200 | routed |",
    "| UpdateConnectionPolicy | POST | /v1/ConnectionPolicies/{Sid} | 200 | routed |",
    "| DeleteConnectionPolicy | DELETE | /v1/ConnectionPolicies/{Sid} | 204 | routed |",
]


def official_document() -> dict[str, Any]:
    source = official.load().source  # fails the test, saying `make openapi`, if it is missing
    document: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return document


def policies_only(folder: Path, **extra_paths: Any) -> Path:
    """The official description cut down to Connection Policies, plus ``extra_paths``."""
    document = official_document()
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path.startswith(POLICIES)
    }
    document["paths"].update(extra_paths)
    path = folder / V1_FILE
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def not_in(prefix: str) -> list[str]:
    """The summary lines for the fake's v1 routes outside ``prefix``."""
    return [
        f"Not in the description: {route.operation_id} ({route.method} {route.path})."
        for route in fake_routes()
        if route.path.startswith("/v1/") and not route.path.startswith(prefix)
    ]


def test_a_fully_routed_description_prints_its_table_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policies_only(tmp_path)

    code = main(["coverage", "--openapi", str(path)])

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [
        *POLICY_TABLE,
        "",
        f"10 of 10 operations of {path} are routed.",
        *not_in(POLICIES),
    ]


def test_an_operation_without_a_route_is_marked_missing_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audits = {"get": {"operationId": "ListConnectionPolicyAudit", "responses": {"200": {}}}}
    path = policies_only(tmp_path, **{f"{POLICIES}/{{Sid}}/Audits": audits})

    code = main(["coverage", "--openapi", str(path)])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[:15] == [
        *POLICY_TABLE,
        "| ListConnectionPolicyAudit | GET | /v1/ConnectionPolicies/{Sid}/Audits | 200"
        " | **missing** |",
        "",
        f"10 of 11 operations of {path} are routed.",
    ]


def test_json_lists_each_operation_with_its_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audits = {"get": {"operationId": "ListConnectionPolicyAudit", "responses": {"200": {}}}}
    path = policies_only(tmp_path, **{f"{POLICIES}/{{Sid}}/Audits": audits})

    code = main(["coverage", "--openapi", str(path), "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (report["description"], report["covered"], report["total"]) == (str(path), 10, 11)
    assert report["operations"][1] == {
        "operation_id": "CreateConnectionPolicy",
        "method": "POST",
        "path": "/v1/ConnectionPolicies",
        "status": 201,
        "covered": True,
        "fake": "routed",
        "fake_operation": "CreateConnectionPolicy",
    }
    assert report["operations"][-1] == {
        "operation_id": "ListConnectionPolicyAudit",
        "method": "GET",
        "path": "/v1/ConnectionPolicies/{Sid}/Audits",
        "status": 200,
        "covered": False,
        "fake": "missing",
        "fake_operation": None,
    }


def test_a_route_answering_another_status_is_not_covered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policies_only(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    create = document["paths"][POLICIES]["post"]
    create["responses"] = {"200": create["responses"]["201"]}
    path.write_text(json.dumps(document), encoding="utf-8")

    code = main(["coverage", "--openapi", str(path)])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert (
        out[3]
        == "| CreateConnectionPolicy | POST | /v1/ConnectionPolicies | 200 | **answers 201** |"
    )


def test_the_default_description_comes_from_the_environment_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policies_only(tmp_path)
    monkeypatch.setenv(ENV_DIR, str(tmp_path))

    code = main(["coverage"])

    assert code == 0
    assert capsys.readouterr().out.splitlines()[:2] == POLICY_TABLE[:2]


def test_the_official_description_lists_32_operations_and_the_policies_are_routed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = official.load().source

    code = main(["coverage", "--openapi", str(source)])

    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if line.startswith("| ") and not line.startswith("| operationId")]
    assert len(rows) == 32
    assert [row for row in rows if f"| {POLICIES}" in row] == POLICY_TABLE[2:]
    assert code == (1 if any("**" in row for row in rows) else 0)


@pytest.mark.parametrize("content", [None, "{not json", '{"openapi": "3.0.1"}'])
def test_an_unreadable_description_exits_2_and_says_how_to_get_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    path = tmp_path / V1_FILE
    if content is not None:
        path.write_text(content, encoding="utf-8")

    code = main(["coverage", "--openapi", str(path)])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert str(path) in captured.err
    assert "Run `make openapi` to fetch Twilio's description, or pass --openapi PATH." in (
        captured.err
    )


def test_without_a_description_it_reads_the_index_shipped_for_v1_v2_and_v3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DIR, raising=False)
    main(["coverage", "--openapi", str(official.load().source)])
    from_v1_file = capsys.readouterr().out.splitlines()

    code = main(["coverage"])

    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if line.startswith("| ") and not line.startswith("| operationId")]
    v1_rows = [line for line in from_v1_file if line.startswith("|")]
    assert len(rows) == 53
    assert out[: len(v1_rows)] == v1_rows  # v1 first, as the v1 description lists it
    assert {row.split(" | ")[2].split("/")[1] for row in rows} == {"v1", "v2", "v3"}
    covered = sum("**" not in row for row in rows)
    assert out[len(rows) + 3] == (
        f"{covered} of 53 operations of twilio_voice_v1.json, twilio_voice_v2.json, "
        "twilio_voice_v3.json (npm @twilio/cli-core 9.0.0, the index shipped with fake_voice)"
        " are routed."
    )
    assert code == (0 if covered == 53 else 1)


def test_the_shipped_index_in_json_names_its_source(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DIR, raising=False)

    main(["coverage", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert report["total"] == 53
    assert "npm @twilio/cli-core 9.0.0" in report["description"]
    assert report["operations"][0]["operation_id"] == "DeleteArchivedCall"
    assert report["operations"][-1]["path"] == "/v3/Transcriptions/{transcriptionId}"


@pytest.mark.parametrize(("version", "count"), [("v2", 18), ("v3", 3)])
def test_the_v2_and_v3_descriptions_are_routed_whole(
    version: str, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    source = official.load().source.parent / f"twilio_voice_{version}.json"

    code = main(["coverage", "--openapi", str(source)])

    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if line.startswith("| ") and not line.startswith("| operationId")]
    assert code == 0
    assert len(rows) == count
    assert all(row.endswith("| routed |") for row in rows)
    assert out[-1] == f"{count} of {count} operations of {source} are routed."
