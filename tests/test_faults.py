"""Injected faults: Twilio errors and transport failures on chosen requests, and the retry
logic a user writes around the official client, tested against them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

import fake_voice
from fake_voice import FakeVoice, Fault
from tests.conftest import ACCOUNT_SID, BASE

POLICIES = f"{BASE}/v1/ConnectionPolicies"
T = TypeVar("T")

pytest_plugins = ["pytester"]


# -- retry logic as a user of the official client writes it ---------------------------


class RetryingHttpClient(TwilioHttpClient):
    """Retries 429s, waiting as long as Retry-After says (TwilioRestException has no headers)."""

    def __init__(self, attempts: int, sleep: Callable[[float], None]) -> None:
        super().__init__()
        self.attempts = attempts
        self.sleep = sleep

    def request(self, *args: Any, **kwargs: Any) -> Response:
        for _ in range(self.attempts - 1):
            response = super().request(*args, **kwargs)
            if response.status_code != 429:
                return response
            self.sleep(float(response.headers["Retry-After"]))
        return super().request(*args, **kwargs)


def with_retries(action: Callable[[], T], attempts: int, sleep: Callable[[float], None]) -> T:
    """Retry on 429, 503 and dropped connections, with exponential back-off."""
    for attempt in range(attempts):
        try:
            return action()
        except TwilioRestException as error:
            if error.status not in (429, 503) or attempt == attempts - 1:
                raise
        except (requests.ConnectionError, requests.Timeout):
            if attempt == attempts - 1:
                raise
        sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")


def test_429_twice_then_success_is_absorbed_by_a_client_honouring_retry_after(
    fake_voice: FakeVoice,
) -> None:
    slept: list[float] = []
    client = Client(ACCOUNT_SID, "token", http_client=RetryingHttpClient(4, slept.append))
    fake_voice.fail("CreateConnectionPolicy", status=429, retry_after=3, times=2)

    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    assert slept == [3.0, 3.0]
    assert [(e.operation, e.status) for e in fake_voice.requests] == [
        ("CreateConnectionPolicy", 429),
        ("CreateConnectionPolicy", 429),
        ("CreateConnectionPolicy", 201),
    ]
    assert [p.sid for p in client.voice.v1.connection_policies.list()] == [policy.sid]


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (413, "Request Entity Too Large"),
        (414, "Request-URI Too Long"),
        (416, "Requested Range Not Satisfiable"),
        (422, "Unprocessable Entity"),
        (503, "Service Unavailable"),
    ],
)
def test_an_injected_status_says_the_same_phrase_on_every_python(
    fake_voice: FakeVoice, client: Client, status: int, phrase: str
) -> None:
    # Python 3.13 renamed the first four ("Content Too Large"...); the fake's words stay.
    fake_voice.fail("CreateConnectionPolicy", status=status)

    with pytest.raises(TwilioRestException) as caught:
        client.voice.v1.connection_policies.create(friendly_name="edge")

    assert caught.value.status == status
    assert caught.value.msg == f"Unable to create record: {phrase}"


def test_a_retry_loop_gives_up_with_twilios_error_when_the_fault_never_ends(
    fake_voice: FakeVoice, client: Client
) -> None:
    slept: list[float] = []
    fake_voice.fail("CreateConnectionPolicy", status=429, times=None)

    with pytest.raises(TwilioRestException) as caught:
        with_retries(
            lambda: client.voice.v1.connection_policies.create(friendly_name="edge"),
            attempts=3,
            sleep=slept.append,
        )

    assert (caught.value.status, caught.value.code) == (429, 20429)
    assert caught.value.msg == "Unable to create record: Too Many Requests"
    assert slept == [0.1, 0.2]
    assert [e.status for e in fake_voice.requests] == [429, 429, 429]
    assert fake_voice.faults[0].fired == 3
    assert fake_voice.export_state() == {}


def test_a_retry_loop_survives_a_connection_error_a_timeout_and_a_503_in_that_order(
    fake_voice: FakeVoice, client: Client
) -> None:
    slept: list[float] = []
    fake_voice.fail("CreateConnectionPolicy", error="connection")
    fake_voice.fail("CreateConnectionPolicy", error="timeout")
    fake_voice.fail("CreateConnectionPolicy", status=503)

    policy = with_retries(
        lambda: client.voice.v1.connection_policies.create(friendly_name="edge"),
        attempts=4,
        sleep=slept.append,
    )

    assert policy.friendly_name == "edge"
    assert slept == [0.1, 0.2, 0.4]
    assert [(e.status, e.fault and e.fault.error) for e in fake_voice.requests] == [
        (None, "connection"),
        (None, "timeout"),
        (503, None),
        (201, None),
    ]


# -- what a fault answers -------------------------------------------------------------


def test_a_429_comes_in_twilios_envelope_with_retry_after(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    fake_voice.fail("CreateConnectionPolicy", status=429)

    response = http.post(POLICIES, data={"FriendlyName": "edge"})

    assert response.status_code == 429
    assert response.json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert response.headers["Retry-After"] == "1"
    assert re.fullmatch(r"RQ[0-9a-f]{32}", response.headers["Twilio-Request-Id"])


def test_a_fault_with_no_status_answers_500_and_its_code_and_message_can_be_chosen(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    fake_voice.fail(method="POST")
    fake_voice.fail(method="POST", status=503, code=20503, message="Down for maintenance")

    first = http.post(POLICIES)
    second = http.post(POLICIES)

    assert (first.status_code, first.json()["code"], first.json()["message"]) == (
        500,
        20500,
        "Internal Server Error",
    )
    assert "Retry-After" not in first.headers
    assert (second.status_code, second.json()["code"], second.json()["message"]) == (
        503,
        20503,
        "Down for maintenance",
    )


def test_a_connection_error_is_the_requests_exception_twilio_http_client_lets_through(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.fail("ListConnectionPolicy", error="connection")

    with pytest.raises(requests.ConnectionError) as caught:
        client.voice.v1.connection_policies.list()

    assert not isinstance(caught.value, requests.Timeout)
    assert str(caught.value) == (
        "fake_voice injected a connection error into "
        "GET https://voice.twilio.com/v1/ConnectionPolicies"
    )
    exchange = fake_voice.requests[0]
    assert (exchange.status, exchange.json, exchange.response_headers) == (None, None, {})
    assert exchange.operation == "ListConnectionPolicy"
    assert exchange.fault is fake_voice.faults[0]


def test_a_timeout_is_a_read_timeout(fake_voice: FakeVoice, client: Client) -> None:
    fake_voice.fail("CreateConnectionPolicy", error="timeout")

    with pytest.raises(requests.ReadTimeout) as caught:
        client.voice.v1.connection_policies.create()

    assert not isinstance(caught.value, requests.ConnectionError)
    assert str(caught.value) == (
        "fake_voice injected a read timeout into POST https://voice.twilio.com/v1/ConnectionPolicies"
    )


def test_a_faulted_list_page_raises_the_plain_twilio_exception_the_client_raises_for_pages(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.fail("ListConnectionPolicy", status=429)

    with pytest.raises(TwilioException) as caught:
        client.voice.v1.connection_policies.list()

    assert type(caught.value) is TwilioException
    assert caught.value.args[0] == "Unable to fetch page"


# -- no change of state ---------------------------------------------------------------


@pytest.mark.parametrize("error", [None, "connection", "timeout"])
def test_a_faulted_update_or_delete_changes_nothing(
    fake_voice: FakeVoice, client: Client, error: str | None
) -> None:
    policy = fake_voice.create("ConnectionPolicies", FriendlyName="old", account_sid=ACCOUNT_SID)
    before = fake_voice.export_state()
    fake_voice.fail("UpdateConnectionPolicy", error=error)  # type: ignore[arg-type]
    fake_voice.fail("DeleteConnectionPolicy", error=error)  # type: ignore[arg-type]
    resource = client.voice.v1.connection_policies(policy["sid"])

    with pytest.raises((TwilioRestException, requests.RequestException)):
        resource.update(friendly_name="new")
    with pytest.raises((TwilioRestException, requests.RequestException)):
        resource.delete()

    assert fake_voice.export_state() == before
    assert resource.fetch().friendly_name == "old"


# -- which requests a fault catches -----------------------------------------------------


def test_a_fault_for_one_operation_leaves_the_others_alone(
    fake_voice: FakeVoice, client: Client
) -> None:
    fake_voice.fail("DeleteConnectionPolicy")
    policy = client.voice.v1.connection_policies.create(friendly_name="edge")

    assert client.voice.v1.connection_policies(policy.sid).fetch().friendly_name == "edge"
    assert client.voice.v1.connection_policies.list()[0].sid == policy.sid
    with pytest.raises(TwilioRestException):
        client.voice.v1.connection_policies(policy.sid).delete()
    assert client.voice.v1.connection_policies(policy.sid).delete() is True


def test_a_fault_by_sid_catches_only_requests_naming_that_sid(
    fake_voice: FakeVoice, client: Client
) -> None:
    policies = client.voice.v1.connection_policies
    one, two = policies.create(friendly_name="one"), policies.create(friendly_name="two")
    fake_voice.fail(sid=one.sid, status=404, times=None)

    assert policies(two.sid).fetch().friendly_name == "two"
    assert policies(two.sid).targets.list() == []
    with pytest.raises(TwilioRestException) as fetching:
        policies(one.sid).fetch()
    with pytest.raises(TwilioRestException) as listing:
        policies(one.sid).targets.create(target="sip:a@b.c")

    assert (fetching.value.status, fetching.value.code) == (404, 20404)
    assert listing.value.msg == "Unable to create record: Not Found"
    assert fake_voice.faults[0].fired == 2


def test_a_path_glob_star_stays_in_one_segment_and_a_double_star_crosses_them(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    policy = fake_voice.create("ConnectionPolicies", account_sid=ACCOUNT_SID)["sid"]
    fake_voice.fail(method="GET", path="ConnectionPolicies/*", status=418, times=None)
    fake_voice.fail(path="/v1/ConnectionPolicies/**", status=502, times=None)

    assert http.get(POLICIES).status_code == 200
    assert http.get(f"{POLICIES}/{policy}").status_code == 418
    assert http.get(f"{POLICIES}/{policy}/Targets").status_code == 502
    assert http.post(f"{POLICIES}/{policy}").status_code == 502


def test_a_compiled_regex_must_match_the_whole_path(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    policy = fake_voice.create("ConnectionPolicies", account_sid=ACCOUNT_SID)["sid"]
    fake_voice.fail(path=re.compile(r"/v1/ConnectionPolicies/NY[0-9a-f]{32}"), times=None)

    assert http.get(f"{POLICIES}/{policy}/Targets").status_code == 200
    assert http.get(f"{POLICIES}/{policy}").status_code == 500


def test_direct_calls_on_the_handle_are_never_faulted(fake_voice: FakeVoice) -> None:
    fault = fake_voice.fail(times=None, optional=True)

    created = fake_voice.create("ConnectionPolicies", FriendlyName="seeded")

    assert fake_voice.fetch(f"ConnectionPolicies/{created['sid']}")["friendly_name"] == "seeded"
    assert fault.fired == 0


def test_routing_and_authentication_come_before_faults_and_validation_after(
    fake_voice: FakeVoice, http: requests.Session
) -> None:
    fake_voice.fail("CreateConnectionPolicy", status=429)

    assert http.post(f"{BASE}/v1/Nowhere").status_code == 404
    assert requests.post(POLICIES, auth=("nobody", "x")).status_code == 401
    assert http.post(POLICIES, data={"FriendlyName": "x" * 300}).status_code == 429
    assert http.post(POLICIES, data={"FriendlyName": "x" * 300}).status_code == 400
    assert [e.fault is not None for e in fake_voice.requests] == [False, False, True, False]


# -- faults that never fired --------------------------------------------------------------


def test_leaving_the_block_with_an_unfired_fault_fails() -> None:
    voice = fake_voice.mock()

    with pytest.raises(AssertionError) as caught, voice:
        voice.fail("CreateConnectionPolicy", status=429, times=2)
        voice.fail(method="DELETE", error="timeout")
        voice.fail("ListConnectionPolicy", optional=True)
        for _ in range(2):
            with pytest.raises(TwilioRestException):
                Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create()

    assert str(caught.value) == (
        "fake_voice: 1 fault(s) did not fire as often as set:\n"
        "  method='DELETE' -> timeout, fired 0 of 1 times\n"
        "Pass optional=True to voice.fail() for a fault that may stay unfired, or "
        "assert_all_faults_fired=False to mock() or @pytest.mark.fake_voice for all of them."
    )
    assert not voice.active


def test_a_fault_that_fired_fewer_times_than_set_is_unfired_too() -> None:
    unmet = r"operation='CreateConnectionPolicy' -> 429/20429, fired 1 of 2 times"
    with pytest.raises(AssertionError, match=unmet), fake_voice.mock() as voice:
        voice.fail("CreateConnectionPolicy", status=429, times=2)
        with pytest.raises(TwilioRestException):
            Client(ACCOUNT_SID, "t").voice.v1.connection_policies.create()


def test_an_always_fault_must_fire_once() -> None:
    always = re.escape("any request -> 500/20500, fired 0 times (times=None: every match)")
    with pytest.raises(AssertionError, match=always), fake_voice.mock() as voice:
        voice.fail(times=None)


def test_the_check_can_be_turned_off_for_the_whole_fake() -> None:
    with fake_voice.mock(assert_all_faults_fired=False) as voice:
        voice.fail("CreateConnectionPolicy")

    with pytest.raises(AssertionError, match="1 fault"):
        voice.assert_all_faults_fired()


def test_an_error_in_the_block_is_not_hidden_by_the_fault_check() -> None:
    with pytest.raises(KeyError, match="mine"), fake_voice.mock() as voice:
        voice.fail("CreateConnectionPolicy")
        raise KeyError("mine")


def test_only_the_outermost_exit_checks_and_reset_forgets_faults() -> None:
    voice = fake_voice.mock()
    with voice:
        with voice:
            voice.fail("CreateConnectionPolicy")
        assert voice.active
        voice.reset()
        assert voice.faults == []


FIXTURE_TESTS = """
import pytest
from twilio.rest import Client


def test_passes_but_leaves_a_fault(fake_voice):
    fake_voice.fail("DeleteConnectionPolicy", status=503)


def test_fails_and_leaves_a_fault(fake_voice):
    fake_voice.fail("DeleteConnectionPolicy", status=503)
    assert 1 == 2


@pytest.mark.xfail(strict=True)
def test_an_expected_failure_leaves_a_fault(fake_voice):
    fake_voice.fail("DeleteConnectionPolicy", status=503)
    assert 1 == 2


def test_optional_fault(fake_voice):
    fake_voice.fail("DeleteConnectionPolicy", optional=True)


@pytest.mark.fake_voice(assert_all_faults_fired=False)
def test_marker_turns_the_check_off(fake_voice):
    fake_voice.fail("DeleteConnectionPolicy")


def test_fired(fake_voice):
    fake_voice.fail("CreateConnectionPolicy", status=429)
    with pytest.raises(Exception):
        Client("AC" + "1" * 32, "t").voice.v1.connection_policies.create()
"""


def test_the_fixture_fails_a_passing_test_that_left_a_fault_unfired(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_consumer=FIXTURE_TESTS)

    # -rN: no short summary, whose length differs with CI=true (it would repeat the message).
    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    result.assert_outcomes(passed=4, failed=1, errors=1, xfailed=1)
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_passes_but_leaves_a_fault*",
            "*operation='DeleteConnectionPolicy' -> 503/20503, fired 0 of 1 times*",
        ]
    )
    assert "ERROR at teardown of test_fails_and_leaves_a_fault" not in output
    assert "ERROR at teardown of test_an_expected_failure" not in output
    assert output.count("did not fire as often as set") == 1


# -- describing faults ---------------------------------------------------------------------


def test_a_fault_is_plain_data_that_round_trips_through_json(fake_voice: FakeVoice) -> None:
    fault = fake_voice.fail(
        "CreateConnectionPolicy", status=429, retry_after=5, times=None, optional=True
    )

    data = json.loads(json.dumps(fault.to_dict()))

    assert data == {
        "operation": "CreateConnectionPolicy",
        "method": None,
        "path": None,
        "path_regex": None,
        "sid": None,
        "status": 429,
        "code": 20429,
        "message": "Too Many Requests",
        "retry_after": 5,
        "error": None,
        "times": None,
        "optional": True,
        "fired": 0,
    }
    assert Fault.from_dict(data) == fault
    assert Fault.from_dict({"path_regex": "/v1/.*", "error": "timeout"}).to_dict()["times"] == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"operation": "CreateConnectionPolicies"},
            "fake_voice routes no operation 'CreateConnectionPolicies'; did you mean "
            "CreateConnectionPolicy",
        ),
        ({"status": 200}, "status must be an error status (400-599), not 200"),
        ({"times": 0}, "times must be 1 or more, or None for every matching request"),
        ({"error": "timeout", "status": 504}, "a timeout error has no HTTP answer; drop status"),
        ({"error": "dns"}, "error must be 'connection' or 'timeout', not 'dns'"),
        ({"method": "FETCH"}, "method must be one of GET, POST, DELETE"),
        ({"path": re.compile("/v1/.*", re.IGNORECASE)}, "compiled without flags"),
        # What would otherwise break Twilio's envelope at the first matching request:
        ({"message": ""}, "message must not be empty"),
        ({"code": 1}, "code must be a Twilio error code (10000-99999), not 1"),
        ({"status": 429, "retry_after": -1}, "retry_after must be 0 or more seconds, not -1"),
    ],
)
def test_a_fault_that_cannot_work_is_refused_when_set(
    fake_voice: FakeVoice, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        fake_voice.fail(**arguments)

    assert fake_voice.faults == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"status": 450.5}, "status must be a whole number, not 450.5"),
        ({"status": "429"}, "status must be a whole number, not '429'"),
        ({"times": True}, "times must be a whole number, not True"),
        ({"retry_after": "2"}, "retry_after must be a whole number, not '2'"),
        ({"message": 5}, "message must be a string, not 5"),
        ({"optional": "yes"}, "optional must be True or False, not 'yes'"),
        ({"method": 5}, "method must be a string, not 5"),
        ({"path": 5}, "path must be a string, not 5"),
        ({"sid": ["NY"]}, "sid must be a string, not ['NY']"),
    ],
)
def test_a_fault_of_the_wrong_types_is_refused_when_set(
    fake_voice: FakeVoice, arguments: dict[str, Any], message: str
) -> None:
    # The control API sets faults from JSON; a wrong type must be refused here, not raise
    # from the request path when a request meets the fault.
    with pytest.raises(TypeError, match=re.escape(message)):
        fake_voice.fail(**arguments)

    assert fake_voice.faults == []


def test_a_fault_from_data_with_a_bad_regex_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"path_regex '\(' is not a regex"):
        Fault.from_dict({"path_regex": "("})
