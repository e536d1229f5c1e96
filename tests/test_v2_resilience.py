"""Resilience on v2, against the mock's faults: retries (429/503 with Retry-After, 502/504,
resets), timeouts, typed errors, one login under 16 threads, and secrets (the password, the
tokens) never in a repr, a log line or an error.

Every test counts the attempts in the mock's request log; waits are short so the module runs in a
few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, List

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_clear_body import DAGRunClearBody
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_runs_batch_body import DAGRunsBatchBody
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from helpers_v2 import DAG, FAST, RUNNING_RUN, headers_of
from mock_airflow import MockAirflow, v2_endpoints

pytestmark = [pytest.mark.v2, pytest.mark.mock_only]
pytest_plugins = ["helpers_v2"]

MakeApi = Callable[..., DagRunApi]
RUN_PATH = f"/api/v2/dags/{DAG}/dagRuns/{RUNNING_RUN}"


@pytest.fixture
def make_api(new_v2_api: MakeApi) -> MakeApi:
    """A DagRunApi on the mock as admin, with fast retries unless overridden; closed after."""
    return lambda role="admin", **settings: new_v2_api(role, **{**FAST, **settings})


@pytest.fixture
def api(make_api: MakeApi, mock: MockAirflow) -> DagRunApi:
    """Logged in already; the request log starts empty."""
    client = make_api()
    client.get_dag_runs(DAG, limit=1)
    mock.clear_requests()
    return client


def statuses(mock: MockAirflow, method: str = "GET", path: str = "") -> List[Any]:
    return [r.status for r in mock.requests_to(method, path)]


# ---------------------------------------------------------------- retries


def test_503_with_retry_after_is_waited_for(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=503, headers=[("Retry-After", "0.4")])
    started = time.monotonic()

    assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN

    first, second = mock.requests_to("GET")
    assert (first.status, second.status) == (503, 200)
    assert second.time - first.time >= 0.38 and time.monotonic() - started < 2


def test_429_with_retry_after_is_waited_for(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=429, times=2, headers=[("Retry-After", "0.2")])

    assert api.get_dag_runs(DAG).total_entries

    times = [r.time for r in mock.requests_to("GET")]
    assert statuses(mock) == [429, 429, 200]
    assert all(b - a >= 0.18 for a, b in zip(times, times[1:]))


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_are_retried(api: DagRunApi, mock: MockAirflow, status: int) -> None:
    mock.add_fault("html", method="GET", status=status, times=2)

    assert api.get_dag_run(DAG, RUNNING_RUN).state == "running"

    assert statuses(mock) == [status, status, 200]


def test_a_reset_mid_answer_is_retried(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_fault("reset", method="GET", fraction=0.5)

    assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN

    assert [r.fault for r in mock.requests_to("GET")] == ["reset", None]


def test_safe_writes_are_retried(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_v2_run(DAG, "target", state="success")
    mock.add_fault("status", method="PATCH", status=503)
    patched = api.patch_dag_run(DAG, "target", DAGRunPatchBody(note="retried"))
    assert patched.note == "retried" and statuses(mock, "PATCH") == [503, 200]

    mock.add_fault("reset", method="POST", path="/list$")
    listed = api.get_list_dag_runs_batch("~", DAGRunsBatchBody(dag_ids=[DAG]))
    assert "target" in [run.dag_run_id for run in listed.dag_runs]
    assert [r.fault for r in mock.requests_to("POST", "/list")] == ["reset", None]

    mock.add_fault("drop", method="DELETE")  # deleted, then the answer is lost
    assert api.delete_dag_run(DAG, "target") is None
    assert statuses(mock, "DELETE") == [None, 404] and mock.get_v2_run(DAG, "target") is None


def test_unsafe_writes_are_not_repeated(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_v2_run(DAG, "target", state="success")
    mock.add_fault("status", method="POST", path="/clear$", status=503)
    with pytest.raises(sdk.ServiceException) as caught:
        api.clear_dag_run(DAG, "target", DAGRunClearBody(dry_run=False))
    assert caught.value.status == 503 and caught.value.detail == "Service Unavailable"
    mock.add_fault("status", method="POST", path="/dagRuns$", status=502)
    with pytest.raises(sdk.ServiceException):
        api.trigger_dag_run(DAG, TriggerDAGRunPostBody())
    assert statuses(mock, "POST") == [503, 502]
    assert mock.get_v2_run(DAG, "target")["state"] == "success"


def test_retries_are_bounded(make_api: MakeApi, mock: MockAirflow) -> None:
    api = make_api(retries=2)
    api.get_dag_runs(DAG, limit=1)
    mock.clear_requests()
    mock.add_fault("status", method="GET", status=503, times=None)

    with pytest.raises(sdk.ServiceException):
        api.get_dag_runs(DAG)
    assert statuses(mock) == [503, 503, 503]
    mock.clear_requests()
    with pytest.raises(sdk.ServiceException):
        api.with_options(retries=0).get_dag_runs(DAG)
    assert statuses(mock) == [503]


def test_a_token_endpoint_that_is_down_for_a_moment(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("token_down", times=1, headers=[("Retry-After", "0.1")])

    assert make_api().get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN

    assert [(r.path, r.status) for r in mock.requests] == [
        ("/auth/token", 503),
        ("/auth/token", 201),
        (RUN_PATH, 200),
    ]


def test_a_token_endpoint_that_stays_down_is_a_service_error(
    make_api: MakeApi, mock: MockAirflow
) -> None:
    mock.add_fault("token_down", times=None)

    with pytest.raises(sdk.ServiceException) as caught:
        make_api(retries=1).get_dag_runs(DAG)

    assert "the login at /auth/token failed" in str(caught.value)
    assert caught.value.excerpt and "503" in caught.value.excerpt
    assert [r.path for r in mock.requests] == ["/auth/token", "/auth/token"]


# ---------------------------------------------------------------- timeouts and typed errors


def test_a_slow_answer_is_a_timeout_and_not_retried(make_api: MakeApi, mock: MockAirflow) -> None:
    api = make_api(read_timeout=0.2)
    api.get_dag_runs(DAG, limit=1)
    mock.clear_requests()
    mock.add_fault("delay", method="GET", delay=0.8)
    started = time.monotonic()

    with pytest.raises(sdk.ApiTimeoutError) as caught:
        api.get_dag_run(DAG, RUNNING_RUN)

    assert time.monotonic() - started < 0.7
    assert isinstance(caught.value, sdk.ApiConnectionError) and caught.value.status is None
    assert "read timeout of 0.2 s" in str(caught.value)
    assert len(mock.requests_to("GET")) == 1
    mock.add_fault("delay", method="GET", delay=0.4)
    assert api.get_dag_run(DAG, RUNNING_RUN, _request_timeout=3).dag_run_id == RUNNING_RUN


def test_a_quiet_stream_is_a_timeout(api: DagRunApi) -> None:
    stream = api.wait_dag_run_until_finished(DAG, RUNNING_RUN, interval=1, _request_timeout=0.3)
    assert next(stream).state == "running"

    with pytest.raises(sdk.ApiTimeoutError):
        next(stream)


@pytest.mark.parametrize(
    "status, kind",
    [
        (400, sdk.BadRequestException),
        (401, sdk.UnauthorizedException),
        (403, sdk.ForbiddenException),
        (404, sdk.NotFoundException),
        (409, sdk.ConflictException),
        (422, sdk.UnprocessableEntityException),
        (429, sdk.TooManyRequestsException),
        (500, sdk.ServiceException),
        (503, sdk.ServiceException),
        (418, sdk.ApiException),
    ],
)
def test_each_status_has_its_class(
    make_api: MakeApi, mock: MockAirflow, status: int, kind: type
) -> None:
    api = make_api(access_token="static-token", retries=0)
    mock.add_v2_token("static-token")
    mock.add_fault("status", method="GET", status=status)

    with pytest.raises(kind) as caught:
        api.get_dag_run(DAG, RUNNING_RUN)

    assert type(caught.value) is kind and caught.value.status == status
    assert caught.value.detail and caught.value.detail in str(caught.value)
    assert str(caught.value).startswith(str(status)) and "\n" not in str(caught.value)
    assert len(mock.requests) == 1


def test_a_malformed_answer_is_a_decode_error(api: DagRunApi, mock: MockAirflow) -> None:
    mock.add_fault("malformed_json", method="GET", times=None)

    with pytest.raises(sdk.ApiDecodeError) as caught:
        api.get_dag_runs(DAG)

    assert caught.value.status == 200 and "DAGRunCollectionResponse" in str(caught.value)
    assert len(mock.requests_to("GET")) == 1


# ---------------------------------------------------------------- 16 threads, one login


def test_16_threads_share_one_login_and_one_renewal(make_api: MakeApi, mock: MockAirflow) -> None:
    api = make_api()
    results: List[Any] = []
    errors: List[BaseException] = []

    def burst() -> None:
        barrier = threading.Barrier(16)

        def call() -> None:
            barrier.wait()
            try:
                results.append(api.get_dag_run(DAG, RUNNING_RUN).dag_run_id)
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)

        threads = [threading.Thread(target=call) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)

    burst()
    assert not errors and results == [RUNNING_RUN] * 16
    assert len(mock.requests_to("POST", "/auth/token")) == 1
    assert len({headers_of(r)["authorization"] for r in mock.requests_to("GET")}) == 1

    token = headers_of(mock.requests_to("GET")[0])["authorization"].split()[1]
    mock.expire_token(token)
    mock.clear_requests()
    results.clear()
    burst()

    assert not errors and results == [RUNNING_RUN] * 16
    assert len(mock.requests_to("POST", "/auth/token")) == 1  # one renewal for all
    gets = mock.requests_to("GET")
    assert {r.status for r in gets} <= {200, 401} and len(
        [r for r in gets if r.status == 200]
    ) == 16
    assert len(gets) <= 32  # each replayed at most once


# ---------------------------------------------------------------- secrets


SECRET_PASSWORD = "pw-Zq81-never-shown"


@pytest.fixture
def secret_user(monkeypatch: pytest.MonkeyPatch) -> str:
    """A mock user whose password is recognisable anywhere."""
    monkeypatch.setitem(v2_endpoints.USERS, "sdkuser", (SECRET_PASSWORD, "admin"))
    return "sdkuser"


def test_secrets_are_never_shown(
    new_v2_api: MakeApi,
    mock: MockAirflow,
    secret_user: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("airflow_python_sdk", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    api = new_v2_api(None, username=secret_user, password=SECRET_PASSWORD, **FAST)
    errors: List[BaseException] = []

    api.get_dag_run(DAG, RUNNING_RUN)
    token = headers_of(mock.requests_to("GET")[0])["authorization"].split()[1]
    mock.expire_token(token)  # a 401, a new login and a replay
    api.get_dag_runs(DAG, limit=1)
    mock.add_fault("status", method="GET", status=503, times=1)  # a retry
    api.get_dag_runs(DAG, limit=1)
    second = headers_of(mock.requests_to("GET")[-1])["authorization"].split()[1]
    for failing in (
        lambda: api.get_dag_run(DAG, "no_such_run"),
        lambda: new_v2_api(None, username=secret_user, password="wrong-" + SECRET_PASSWORD)
        .get_dag_runs(DAG),
        lambda: new_v2_api(None, access_token=second, **FAST).get_dag_runs("nope"),
    ):  # fmt: skip
        with pytest.raises(sdk.ApiException) as caught:
            failing()
        errors.append(caught.value)
    static = new_v2_api(None, access_token=second)

    secrets = [SECRET_PASSWORD, token, second, token.split(".")[2], second.split(".")[2]]
    shown = [
        caplog.text,
        repr(api.api_client.configuration),
        str(api.api_client.configuration),
        repr(static.api_client.configuration),
        repr(api.api_client),
        repr(api),
        repr(api.raw),
        *(str(e) for e in errors),
        *(repr(e) for e in errors),
        *(repr(vars(e)) for e in errors),
    ]
    assert "GET " in caplog.text and "/auth/token" in caplog.text  # the exchanges were logged
    assert "<redacted>" in caplog.text
    for text in shown:
        for secret in secrets:
            assert secret not in text, (secret[:8], text[:200])
    assert [type(e) for e in errors] == [
        sdk.NotFoundException,
        sdk.UnauthorizedException,
        sdk.NotFoundException,
    ]
