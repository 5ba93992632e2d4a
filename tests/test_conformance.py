"""Every answer of the fake conforms to schemas/ and to Twilio's official description, and the
fake's route table holds exactly the operations of that description.

The scenarios of ``tests/scenarios/`` drive the official client; every exchange they cause is
checked twice: against the fake's own strict schemas (the response schema its operation
names, or its version's error schema) and against the official descriptions of v1, v2 and
v3 (the response schema of that operation and status, and the version's error shape). The
route-table tests fail until the fake serves all 53 operations: that is the point of them.
"""

from __future__ import annotations

from typing import Any

import pytest
from twilio.rest import Client

from fake_voice import Exchange, FakeVoice, mock
from fake_voice.cli.coverage import Report, compare, fake_routes
from fake_voice.core import dialects
from fake_voice.core import schemas as _schemas
from fake_voice.core.operations import Operation
from fake_voice.resources import router
from tests import official
from tests.conftest import ACCOUNT_SID
from tests.scenarios import Scenario, discover

SCENARIOS = discover()


def routes() -> dict[str, Operation]:
    return router().operations


def own_schema_problems(exchange: Exchange) -> list[str]:
    """Why the body breaks the fake's own schemas ([] if it does not)."""
    if exchange.status >= 400:
        name: str | None = dialects.for_path(exchange.path).error_schema
    else:
        operation = routes()[str(exchange.operation)]
        if exchange.status != operation.status:
            return [f"answered {exchange.status}, the route says {operation.status}"]
        name = operation.response
    if name is None:
        return [] if exchange.json is None else [f"{exchange.status} with a body: {exchange.json}"]
    validator = _schemas.validator(name)
    return [f"{name}: {error.message}" for error in validator.iter_errors(exchange.json)]


def official_problems(exchange: Exchange, description: official.Description) -> list[str]:
    """Why the body breaks the official description ([] if it does not)."""
    if exchange.operation is None:  # no route: only the version's error shape can be right
        if exchange.status < 400:
            return [f"{exchange.status} without a route"]
        if exchange.path.startswith("/v3/"):
            return official.problem_errors(exchange.status, exchange.json)
        return official.envelope_errors(exchange.status, exchange.json)
    route = routes()[exchange.operation]
    described = description.by_route(route.method, route.template)
    if described is None:
        return [f"the description has no {route.method} {route.template}"]
    return description.response_errors(
        described.operation.operation_id, exchange.status, exchange.json
    )


def problems_of(exchanges: list[Exchange]) -> list[str]:
    description = official.load_all()
    found: list[str] = []
    for exchange in exchanges:
        where = f"{exchange.method} {exchange.path} -> {exchange.status}"
        found += [f"{where}: schemas/ {p}" for p in own_schema_problems(exchange)]
        found += [f"{where}: official {p}" for p in official_problems(exchange, description)]
    return found


def run_everything() -> list[Exchange]:
    """Every scenario, each in a fresh fake; every exchange they caused."""
    exchanges: list[Exchange] = []
    for scenario in SCENARIOS:
        with mock() as voice:
            scenario.run(Client(ACCOUNT_SID, "token"), voice)
            exchanges += voice.requests
    return exchanges


def coverage() -> Report:
    description = official.load_all()
    described = [op.operation for op in description.operations.values()]
    return compare(str(description.source), described, fake_routes())


# -- every answer conforms ----------------------------------------------------------------


def test_there_are_scenarios_to_run() -> None:
    assert "connection_policies.policies_from_create_to_delete" in [s.id for s in SCENARIOS]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_every_answer_matches_the_fakes_schemas_and_twilios_description(
    scenario: Scenario, client: Client, fake_voice: FakeVoice
) -> None:
    scenario.run(client, fake_voice)

    statuses = {exchange.status for exchange in fake_voice.requests}
    assert any(status < 300 for status in statuses), f"{scenario.id} had no success"
    assert problems_of(fake_voice.requests) == []


def test_the_scenarios_answer_every_route_with_its_success_status() -> None:
    seen = {(exchange.operation, exchange.status) for exchange in run_everything()}

    unreached = [op.name for op in routes().values() if (op.name, op.status) not in seen]
    assert unreached == [], "no scenario reached " + ", ".join(unreached)


def test_the_scenarios_check_error_envelopes_of_400_and_404() -> None:
    statuses = {exchange.status for exchange in run_everything()}

    assert {400, 404} <= statuses


# -- the route table is the description's ----------------------------------------------


def test_every_operation_of_the_description_has_a_route() -> None:
    missing = [
        f"{row.described.operation_id} ({row.described.method} {row.described.path})"
        for row in coverage().rows
        if row.route is None
    ]
    assert missing == [], "run `fake-voice coverage` for the table"


def test_every_route_is_an_operation_of_the_description() -> None:
    extra = [f"{route.operation_id} ({route.method} {route.path})" for route in coverage().extra]
    assert extra == []


def test_every_route_answers_the_status_and_bears_the_name_the_description_gives() -> None:
    differing = [
        (row.route.operation_id, row.route.status, row.described.operation_id, row.described.status)
        for row in coverage().rows
        if row.route is not None and row.verdict != "routed"
    ]
    assert differing == []


def test_every_route_takes_the_parameters_the_description_lists() -> None:
    description = official.load_all()
    differing: dict[str, tuple[list[str], list[str]]] = {}
    for route in routes().values():
        described = description.by_route(route.method, route.template)
        if described is None:
            continue  # reported by test_every_route_is_an_operation_of_the_description
        ours = sorted(route.request.params)
        theirs = sorted(described.names("query", "form", "json"))
        if ours != theirs:
            differing[route.name] = (ours, theirs)
    assert differing == {}


# -- the checks themselves can fail ----------------------------------------------------


def test_nullable_becomes_a_null_type_and_a_null_enum_member() -> None:
    converted: Any = official.to_json_schema(
        {
            "type": "object",
            "properties": {
                "method": {"type": "string", "enum": ["GET", "POST"], "nullable": True},
                "policy": {"$ref": "#/components/schemas/policy", "nullable": True},
            },
        }
    )

    assert converted == {
        "type": "object",
        "properties": {
            "method": {"type": ["string", "null"], "enum": ["GET", "POST", None]},
            "policy": {"$ref": "#/components/schemas/policy"},
        },
    }


def test_the_official_check_refuses_what_the_description_forbids() -> None:
    description = official.load_all()
    policy: dict[str, Any] = {
        "account_sid": ACCOUNT_SID,
        "sid": "NY" + "a" * 32,
        "friendly_name": None,
        "date_created": "2020-03-18T23:31:36Z",
        "date_updated": "2020-03-18T23:31:36Z",
        "url": "https://voice.twilio.com/v1/ConnectionPolicies/NY" + "a" * 32,
        "links": {},
    }
    broken = {**policy, "sid": "NE" + "a" * 32, "date_updated": "2020-02-30T00:00:00Z"}

    assert description.response_errors("FetchConnectionPolicy", 200, policy) == []
    assert description.response_errors("FetchConnectionPolicy", 200, broken) == [
        f"/sid: '{broken['sid']}' does not match '^NY[0-9a-fA-F]{{32}}$'",
        "/date_updated: '2020-02-30T00:00:00Z' is not a 'date-time'",
    ]
    assert description.response_errors("DeleteConnectionPolicy", 200, None) == [
        "the description declares no 200 answer for DeleteConnectionPolicy"
    ]


def test_the_error_envelope_check_refuses_a_status_that_disagrees_with_the_wire() -> None:
    body = {
        "code": 20404,
        "message": "The requested resource /ConnectionPolicies/NY0 was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }

    assert official.envelope_errors(404, body) == []
    assert official.envelope_errors(400, body) == ["status 404 in the body, 400 on the wire"]
    assert official.envelope_errors(404, {**body, "title": "Not Found", "type": "x"}) != []


def test_the_v2_and_v3_checks_hold_errors_to_the_declared_statuses_and_shapes() -> None:
    description = official.load_all()
    problem = {
        "type": "https://www.twilio.com/docs/api/errors/20404",
        "title": "Resource was not found",
        "status": 404,
        "code": 20404,
    }
    envelope = {
        "code": 20404,
        "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }

    assert description.response_errors("FetchTranscription", 404, problem) == []
    assert description.response_errors("FetchTranscription", 404, envelope) != []
    assert description.response_errors("FetchTranscription", 409, {**problem, "status": 409}) == [
        "the description declares no 409 answer for FetchTranscription"
    ]
    assert description.response_errors("FetchRecordingConfiguration", 404, envelope) == []
    assert description.response_errors("FetchRecordingConfiguration", 404, problem) != []
    assert official.problem_errors(400, problem) == ["status 404 in the body, 400 on the wire"]
