"""Bad input over raw HTTP: the right envelope, status and code, and no change to the state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID, BASE
from tests.refusals import envelope

POLICIES = f"{BASE}/v1/ConnectionPolicies"


@pytest.fixture
def world(fake_voice: FakeVoice) -> Iterator[dict[str, str]]:
    """A policy with one target, and a check after the test that nothing changed."""
    policy = fake_voice.create("ConnectionPolicies", FriendlyName="edge", account_sid=ACCOUNT_SID)
    target = fake_voice.create(
        f"ConnectionPolicies/{policy['sid']}/Targets", Target="sip:a@b.c", account_sid=ACCOUNT_SID
    )
    before = fake_voice.export_state()
    yield {"policy": policy["sid"], "target": target["sid"]}
    assert fake_voice.export_state() == before


def targets_url(world: dict[str, str]) -> str:
    return f"{POLICIES}/{world['policy']}/Targets"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Missing required parameter Target in the post body"),
        ({"FriendlyName": "no target"}, "Missing required parameter Target in the post body"),
        (
            {"Target": "sip:a@b.c", "Priority": "abc"},
            "Invalid value for parameter Priority: must be a whole number from 0 to 65535",
        ),
        (
            {"Target": "sip:a@b.c", "Priority": "1e3"},
            "Invalid value for parameter Priority: must be a whole number from 0 to 65535",
        ),
        (
            {"Target": "sip:a@b.c", "Weight": ""},
            "Invalid value for parameter Weight: must be a whole number from 1 to 65535",
        ),
        (
            {"Target": "sip:a@b.c", "Enabled": "yes"},
            "Invalid value for parameter Enabled: must be true or false",
        ),
        (
            {"Target": "sip:"},
            "Invalid value for parameter Target: must be a sip: URI such as sip:pbx@example.com",
        ),
        (
            {"Target": "sip:has space@b.c"},
            "Invalid value for parameter Target: must be a sip: URI such as sip:pbx@example.com",
        ),
        (
            {"Target": "sip:a@b.c", "FriendlyName": "ü" * 256},
            "Invalid value for parameter FriendlyName: must be at most 255 characters long",
        ),
        # Longer than int() reads (4300 digits): a 400, never a Python exception.
        (
            {"Target": "sip:a@b.c", "Priority": "1" * 5000},
            "Invalid value for parameter Priority: must be a whole number from 0 to 65535",
        ),
        # A pattern's $ ends the value (as in JSON Schema), not a line: no trailing newline.
        (
            {"Target": "sip:a@b.c\n"},
            "Invalid value for parameter Target: must be a sip: URI such as sip:pbx@example.com",
        ),
    ],
)
def test_invalid_target_forms_get_400(
    http: requests.Session, world: dict[str, str], form: dict[str, str], message: str
) -> None:
    response = http.post(targets_url(world), data=form)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


def test_an_invalid_update_changes_nothing(http: requests.Session, world: dict[str, str]) -> None:
    # A valid Weight beside an invalid Priority: nothing of the request may be applied.
    response = http.post(
        f"{targets_url(world)}/{world['target']}", data={"Weight": "7", "Priority": "99999"}
    )

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "Invalid value for parameter Priority: must be a whole number from 0 to 65535"
    )


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        (
            "/v1/IpRecords",
            {"IpAddress": "10.0.0.1\n"},
            "Invalid value for parameter IpAddress: "
            "must be an IPv4 address in dotted decimal notation",
        ),
        (
            "/v1/ByocTrunks",
            {"VoiceUrl": "https://pbx.example.com/\n"},
            "Invalid value for parameter VoiceUrl: must be an absolute http or https URL",
        ),
        (
            "/v1/ByocTrunks",
            {"FromDomainSid": "SD" + "a" * 32 + "\n"},
            "Invalid value for parameter FromDomainSid: "
            "must be a SIP Domain SID (SD followed by 32 hexadecimal digits)",
        ),
    ],
)
def test_a_value_with_a_trailing_newline_is_refused(
    http: requests.Session, world: dict[str, str], path: str, form: dict[str, str], message: str
) -> None:
    response = http.post(BASE + path, data=form)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"Page": "9" * 19},
            "Invalid value for parameter Page: must be a whole number of at least 0 and at most "
            "18 digits",
        ),
        (
            {"PageSize": "5" * 5000},
            "Invalid value for parameter PageSize: must be a whole number from 1 to 1000",
        ),
    ],
)
def test_a_paging_number_too_long_to_use_is_refused(
    http: requests.Session, world: dict[str, str], params: dict[str, str], message: str
) -> None:
    response = http.get(POLICIES, params=params)

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, message)


def test_leading_zeros_do_not_count_against_a_whole_number(
    http: requests.Session, world: dict[str, str], fake_voice: FakeVoice
) -> None:
    response = http.get(POLICIES, params={"PageSize": "0" * 5000 + "1"})

    assert response.status_code == 200
    assert response.json()["meta"]["page_size"] == 1


def test_a_query_string_that_is_not_utf8_gets_400_not_an_exception(
    fake_voice: FakeVoice, http: requests.Session, world: dict[str, str]
) -> None:
    response = http.get(f"{POLICIES}?PageSize=%ff")

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "The request parameters are not valid UTF-8 form data"
    )
    assert fake_voice.requests[-1].status == 400
    assert fake_voice.requests[-1].query == {}


def test_a_repeated_parameter_is_refused(http: requests.Session, world: dict[str, str]) -> None:
    response = http.post(POLICIES, data=[("FriendlyName", "a"), ("FriendlyName", "b")])

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "Parameter FriendlyName was given 2 times in the post body"
    )


def test_a_body_that_is_not_utf8_is_refused(http: requests.Session, world: dict[str, str]) -> None:
    response = http.post(
        POLICIES,
        data=b"FriendlyName=%ff%fe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "The request parameters are not valid UTF-8 form data"
    )


def test_a_raw_non_utf8_body_is_refused(http: requests.Session, world: dict[str, str]) -> None:
    response = http.post(
        targets_url(world),
        data=b"Target=sip:\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 400
    assert response.json() == envelope(400, 20001, "The request body is not valid UTF-8 form data")


def test_a_json_body_carries_no_form_parameters(
    http: requests.Session, world: dict[str, str]
) -> None:
    response = http.post(targets_url(world), json={"Target": "sip:a@b.c"})

    assert response.status_code == 400
    assert response.json() == envelope(
        400, 20001, "Missing required parameter Target in the post body"
    )


def test_garbage_form_pairs_are_ignored_like_unknown_parameters(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    response = http.post(
        POLICIES,
        data=b"&&=&FriendlyName=ok&%zz=1&Unknown=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 201
    assert response.json()["friendly_name"] == "ok"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/ConnectionPolicies/NY" + "0" * 32,
        "/v1/ConnectionPolicies/not-a-sid",
        "/v1/ConnectionPolicies/NY" + "0" * 31 + "Z",
        "/v1/ConnectionPolicies/%E2%98%8E",
        "/v1/ConnectionPolicies/NE" + "0" * 32 + "/Targets",
        "/v1/Nothing",
        "/v2/ConnectionPolicies",
        "/",
    ],
)
def test_unknown_paths_and_sids_get_404(
    http: requests.Session, world: dict[str, str], path: str
) -> None:
    response = http.get(BASE + path)

    # v1 paths are named without /v1; others as they were sent.
    shown = path.removeprefix("/v1")
    assert response.status_code == 404
    assert response.json() == envelope(404, 20404, f"The requested resource {shown} was not found")


def test_a_target_of_another_policy_path_is_404(
    http: requests.Session, world: dict[str, str]
) -> None:
    response = http.delete(f"{POLICIES}/NY{'0' * 32}/Targets/{world['target']}")

    assert response.status_code == 404
    assert response.json() == envelope(
        404,
        20404,
        f"The requested resource /ConnectionPolicies/NY{'0' * 32}/Targets/"
        f"{world['target']} was not found",
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_methods_a_path_does_not_have_get_405(
    http: requests.Session, world: dict[str, str], method: str
) -> None:
    response = http.request(method, f"{POLICIES}/{world['policy']}", data={"FriendlyName": "x"})

    assert response.status_code == 405
    assert response.json() == envelope(405, 20004, "Method not allowed")
    assert response.headers["Allow"] == "DELETE, GET, POST"


def test_delete_on_a_list_is_405(http: requests.Session, world: dict[str, str]) -> None:
    response = http.delete(POLICIES)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
