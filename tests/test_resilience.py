"""Resilience: typed errors, timeouts and retries, over real HTTP against the mock's faults.

Every test counts the attempts in the mock's request log. Backoff and `Retry-After` values are
small so the module runs in a few seconds. The module ends by checking that it left no thread or
socket behind.
"""

from __future__ import annotations

import json
import pickle
import socket
import time
from datetime import datetime
from typing import Callable, List

import pytest
import urllib3

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.clear_dag_run import ClearDagRun
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from airflow_python_sdk.model.update_dag_run_state import UpdateDagRunState
from airflow_python_sdk.transport import RetryPolicy
from helpers import DAG, FAST, UTC
from mock_airflow import MockAirflow

pytestmark = pytest.mark.mock_only
pytest_plugins = ["helpers"]

MakeApi = Callable[..., DAGRunApi]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def make_api(new_api: MakeApi) -> MakeApi:
    """A DAGRunApi on the mock as admin, with fast retries unless overridden; closed after."""
    return lambda **settings: new_api(**{**FAST, **settings})


@pytest.fixture
def api(make_api: MakeApi) -> DAGRunApi:
    return make_api()


@pytest.fixture
def run_id(mock: MockAirflow) -> str:
    """A stored run of DAG."""
    mock.add_run(DAG, "run_1", datetime(2024, 1, 10, tzinfo=UTC), conf={"a": 1})
    return "run_1"


def attempts(mock: MockAirflow, method: str, path: str = "") -> int:
    return len(mock.requests_to(method, path))


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "\r" not in text and len(text) < 1000, text
    return text


# ---------------------------------------------------------------- defaults


def test_safe_defaults() -> None:
    config = sdk.Configuration()
    assert (config.connect_timeout, config.read_timeout) == (10.0, 60.0)
    assert (config.retries, config.backoff_factor, config.backoff_max) == (3, 0.5, 30.0)
    assert config.retry_max_time == 120.0
    assert config.verify_ssl is True and config.ssl_ca_cert is None
    assert config.pool_size == 10


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="read_timeout"):
        sdk.Configuration(read_timeout=0)
    with pytest.raises(ValueError, match="retries"):
        sdk.Configuration(retries=-1)
    with pytest.raises(ValueError, match="pool_size"):
        sdk.Configuration(pool_size=0)
    with pytest.raises(TypeError, match="no setting"):
        sdk.Configuration().replace(read_timout=1)
    with pytest.raises(ValueError, match="http"):
        sdk.Configuration(host="127.0.0.1:8080/api/v1")
    assert sdk.Configuration().replace(retries=0).retries == 0


def test_retry_policy_on_this_urllib3() -> None:
    """RetryPolicy keeps its own settings through urllib3's copies (1.26.x and 2.x)."""
    policy = RetryPolicy(
        total=3, other=0, allowed_methods=None, backoff_factor=0.2, backoff_cap=0.5, deadline=9e9
    )
    copy = policy.new(read=0)
    assert isinstance(copy, RetryPolicy) and (copy.backoff_cap, copy.deadline) == (0.5, 9e9)
    assert copy.read == 0 and copy.total == 3
    assert not policy.is_retry("GET", 413, has_retry_after=True)  # only 429 and 503 wait
    assert policy.is_retry("POST", 429, has_retry_after=True)
    with pytest.raises(urllib3.exceptions.MaxRetryError):  # read timeouts are never retried
        policy.increment("GET", "/x", error=urllib3.exceptions.ReadTimeoutError(None, "/x", "t"))
    later = policy.increment("GET", "/x", error=urllib3.exceptions.ProtocolError("cut"))
    assert later.total == 2 and 0.1 <= later.wait <= 0.2


# ---------------------------------------------------------------- typed errors


def test_not_found_carries_problem_details_and_request(api: DAGRunApi, mock: MockAirflow) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        api.get_dag_run(DAG, "no_such_run")
    error = caught.value
    assert isinstance(error, sdk.ApiException)
    assert error.status == 404 and error.method == "GET"
    assert error.url == f"{mock.url}/dags/{DAG}/dagRuns/no_such_run"
    assert error.title == "DAGRun not found"
    assert error.detail == f"DAGRun with DAG ID: '{DAG}' and DagRun ID: 'no_such_run' not found"
    assert error.type and error.type.startswith("https://airflow.apache.org/docs/")
    assert error.excerpt is None and json.loads(error.body)["status"] == 404
    text = one_line(error)
    assert text.startswith("404") and "GET " + error.url in text and error.detail in text
    assert attempts(mock, "GET") == 1  # 404 is not retried


def test_each_status_has_its_class(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    cases = [
        (400, sdk.BadRequestException),
        (401, sdk.UnauthorizedException),
        (403, sdk.ForbiddenException),
        (404, sdk.NotFoundException),
        (409, sdk.ConflictException),
        (429, sdk.TooManyRequestsException),
        (500, sdk.ServiceException),
        (503, sdk.ServiceException),
        (418, sdk.ApiException),
    ]
    no_retry = api.with_options(retries=0)
    for status, kind in cases:
        mock.add_fault("status", method="GET", status=status)
        with pytest.raises(kind) as caught:
            no_retry.get_dag_run(DAG, run_id)
        assert type(caught.value) is kind and caught.value.status == status
        assert caught.value.title and caught.value.type == "about:blank"
        assert one_line(caught.value).startswith(str(status))
    assert attempts(mock, "GET") == len(cases)


def test_real_bad_request_conflict_and_forbidden(
    make_api: MakeApi, api: DAGRunApi, mock: MockAirflow, run_id: str
) -> None:
    with pytest.raises(sdk.BadRequestException) as bad:
        api.post_dag_run("params_dag", DAGRun(dag_run_id="p", conf={"count": 99}))
    assert bad.value.title == "Bad Request" and bad.value.detail
    one_line(bad.value)  # jsonschema's message spans lines: flattened
    with pytest.raises(sdk.ConflictException) as conflict:
        api.post_dag_run(DAG, DAGRun(dag_run_id=run_id))
    assert conflict.value.status == 409 and "already exists" in str(conflict.value)
    with pytest.raises(sdk.ForbiddenException):
        make_api(username="viewer", password="viewer").delete_dag_run(DAG, run_id)


@pytest.mark.allow_spec_violations
def test_missing_credentials_401_when_strict(make_api: MakeApi, mock: MockAirflow) -> None:
    anonymous = DAGRunApi(sdk.ApiClient(sdk.Configuration(host=mock.url, **FAST)))
    try:
        with pytest.raises(sdk.ForbiddenException):
            anonymous.get_dag_runs(DAG)
        mock.set_strict_auth()
        with pytest.raises(sdk.UnauthorizedException) as caught:
            anonymous.get_dag_runs(DAG)
        assert caught.value.title == "Unauthorized" and caught.value.detail is None
    finally:
        anonymous.api_client.close()


def test_html_500_page_gives_a_short_excerpt(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("html", status=500, times=None)
    with pytest.raises(sdk.ServiceException) as caught:
        api.get_dag_runs(DAG)
    error = caught.value
    assert error.status == 500 and error.title is None and error.detail is None
    assert error.excerpt and error.excerpt.startswith("Ooops!") and len(error.excerpt) <= 200
    assert "<" not in error.excerpt and error.body.lstrip().startswith(b"<!DOCTYPE html>")
    assert "Ooops!" in one_line(error)
    assert attempts(mock, "GET") == 1  # 500 is not retried


def test_malformed_json_is_a_decode_error_not_retried(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("malformed_json", method="GET", times=None)
    with pytest.raises(sdk.ApiDecodeError) as caught:
        api.get_dag_runs(DAG)
    assert caught.value.status == 200 and "DAGRunCollection" in one_line(caught.value)
    assert attempts(mock, "GET") == 1


def test_errors_pickle(api: DAGRunApi) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        api.get_dag_run(DAG, "missing")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is sdk.NotFoundException and str(copy) == str(caught.value)
    assert (copy.status, copy.title, copy.url) == (404, caught.value.title, caught.value.url)


def test_retry_after_is_exposed_and_parsed() -> None:
    error = sdk.TooManyRequestsException(429, headers={"Retry-After": "7"})
    assert error.retry_after == 7.0
    assert sdk.ApiException(503, headers={"Retry-After": "soon"}).retry_after is None
    dated = sdk.ApiException(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert dated.retry_after == 0.0  # in the past


# ---------------------------------------------------------------- retries of safe requests


def test_reset_mid_body_is_retried_for_get(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("reset", method="GET", fraction=0.5)
    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    assert [r.fault for r in mock.requests_to("GET")] == ["reset", None]


def test_truncated_body_is_retried_for_get(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.seed_runs(DAG, 30)
    mock.add_fault("truncate", method="GET", fraction=0.3)
    assert len(api.get_dag_runs(DAG, limit=30).dag_runs) == 30
    assert [r.fault for r in mock.requests_to("GET")] == ["truncate", None]


def test_truncated_body_without_retries_is_a_connection_error(
    make_api: MakeApi, mock: MockAirflow
) -> None:
    mock.add_fault("truncate", method="GET")
    with pytest.raises(sdk.ApiConnectionError) as caught:
        make_api(retries=0).get_dag_runs(DAG)
    assert not isinstance(caught.value, sdk.ApiTimeoutError)
    assert caught.value.status is None and "broke" in one_line(caught.value)
    assert attempts(mock, "GET") == 1


def test_503_then_success(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("status", method="GET", status=503, times=2)
    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    assert [r.status for r in mock.requests_to("GET")] == [503, 503, 200]


def test_503_retry_after_is_honoured(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("status", method="GET", status=503, headers=[("Retry-After", "1")])
    started = time.monotonic()
    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    first, second = mock.requests_to("GET")
    assert second.time - first.time >= 0.95 and time.monotonic() - started < 3


def test_429_fractional_retry_after(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("status", method="GET", status=429, times=2, headers=[("Retry-After", "0.3")])
    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    times = [r.time for r in mock.requests_to("GET")]
    assert len(times) == 3 and all(b - a >= 0.28 for a, b in zip(times, times[1:]))


def test_invalid_retry_after_falls_back_to_backoff(
    api: DAGRunApi, mock: MockAirflow, run_id: str
) -> None:
    mock.add_fault("status", method="GET", status=429, headers=[("Retry-After", "later")])
    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    assert attempts(mock, "GET") == 2


def test_retry_after_past_the_deadline_returns_the_answer(
    make_api: MakeApi, mock: MockAirflow, run_id: str
) -> None:
    mock.add_fault("status", method="GET", status=429, headers=[("Retry-After", "30")])
    started = time.monotonic()
    with pytest.raises(sdk.TooManyRequestsException) as caught:
        make_api(retry_max_time=5).get_dag_run(DAG, run_id)
    assert caught.value.retry_after == 30 and time.monotonic() - started < 2
    assert attempts(mock, "GET") == 1


def test_retries_are_bounded_in_count(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=502, times=None)
    with pytest.raises(sdk.ServiceException) as caught:
        make_api(retries=2).get_dag_runs(DAG)
    assert caught.value.status == 502 and attempts(mock, "GET") == 3


def test_retries_are_bounded_in_time(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=504, times=None)
    started = time.monotonic()
    with pytest.raises(sdk.ServiceException):
        make_api(retries=50, backoff_factor=0.1, backoff_max=0.2, retry_max_time=1.0).get_dag_runs(
            DAG
        )
    elapsed = time.monotonic() - started
    assert 0.5 < elapsed < 2.0 and 3 <= attempts(mock, "GET") < 20


def test_backoff_is_exponential_with_jitter(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=503, times=3)
    make_api(backoff_factor=0.1, backoff_max=10).get_dag_runs(DAG)
    times = [r.time for r in mock.requests_to("GET")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3
    for n, gap in enumerate(gaps):
        nominal = 0.1 * 2**n  # each wait is drawn in [nominal / 2, nominal]
        assert nominal / 2 - 0.01 <= gap <= nominal + 0.5, gaps


def test_retries_can_be_switched_off(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=503, times=None)
    with pytest.raises(sdk.ServiceException):
        make_api(retries=0).get_dag_runs(DAG)
    assert attempts(mock, "GET") == 1
    mock.clear_requests()
    with pytest.raises(sdk.ServiceException):
        make_api().with_options(retries=0).get_dag_runs(DAG)
    assert attempts(mock, "GET") == 1


def test_safe_writes_are_retried(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("status", method="PATCH", status=503)
    assert api.update_dag_run_state(DAG, run_id, UpdateDagRunState(state="failed")).state == (
        "failed"
    )
    assert attempts(mock, "PATCH") == 2
    mock.add_fault("reset", method="POST", path=r"/list$")
    batch = api.get_dag_runs_batch(ListDagRunsForm(dag_ids=[DAG]))
    assert [r.dag_run_id for r in batch.dag_runs] == [run_id]
    assert attempts(mock, "POST", "/list") == 2
    mock.add_fault("status", method="DELETE", status=502)
    api.delete_dag_run(DAG, run_id)
    assert attempts(mock, "DELETE") == 2 and mock.get_run(DAG, run_id) is None


# ---------------------------------------------------------------- unsafe requests: never repeated


def test_trigger_without_run_id_is_not_repeated(api: DAGRunApi, mock: MockAirflow) -> None:
    before = len(mock.run_ids(DAG))
    for kind, options in (("status", {"status": 503}), ("truncate", {}), ("drop", {})):
        mock.clear_requests()
        mock.add_fault(kind, method="POST", **options)
        with pytest.raises((sdk.ServiceException, sdk.ApiConnectionError)):
            api.post_dag_run(DAG, DAGRun(conf={"kind": kind}))
        assert attempts(mock, "POST") == 1, kind
    assert len(mock.run_ids(DAG)) == before + 2  # truncate and drop processed it once each


def test_clear_is_not_repeated(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    mock.add_fault("reset", method="POST", path=r"/clear$")
    with pytest.raises(sdk.ApiConnectionError):
        api.clear_dag_run(DAG, run_id, ClearDagRun(dry_run=False))
    mock.add_fault("status", method="POST", path=r"/clear$", status=503)
    with pytest.raises(sdk.ServiceException):
        api.clear_dag_run(DAG, run_id, ClearDagRun(dry_run=False))
    assert attempts(mock, "POST", "/clear") == 2  # one each


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = sdk.Configuration(host=f"http://127.0.0.1:{port}/api/v1", retries=1, **FAST)
    with sdk.ApiClient(config) as client:
        with pytest.raises(sdk.ApiConnectionError) as caught:
            DAGRunApi(client).get_dag_runs(DAG)
    assert not isinstance(caught.value, sdk.ApiTimeoutError)
    assert "could not connect" in one_line(caught.value) and "refused" in str(caught.value)


def test_connect_timeout_is_a_timeout_and_retried() -> None:
    """A listener whose backlog is full drops new SYNs: each attempt to connect times out."""
    listener = socket.socket()
    fillers: List[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        host = "http://%s:%d/api/v1" % listener.getsockname()
        config = sdk.Configuration(host=host, retries=1, backoff_factor=0.01, connect_timeout=0.3)
        started = time.monotonic()
        with sdk.ApiClient(config) as client:
            with pytest.raises(sdk.ApiConnectionError) as caught:
                DAGRunApi(client).get_dag_runs(DAG)
        elapsed = time.monotonic() - started
    finally:
        for sock in [*fillers, listener]:
            sock.close()
    if not isinstance(caught.value, sdk.ApiTimeoutError):
        pytest.skip(f"this kernel did not drop the connection: {caught.value}")
    assert "connect timeout of 0.3 s" in one_line(caught.value)
    assert 0.55 <= elapsed < 2.0  # two attempts: a connection never made is retried


# ---------------------------------------------------------------- idempotent trigger


def test_trigger_with_run_id_survives_a_dropped_answer(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("drop", method="POST")  # the run is created, then the connection closes
    run = api.post_dag_run(DAG, DAGRun(dag_run_id="chosen", conf={"x": 1}))
    assert run.dag_run_id == "chosen" and run.conf == {"x": 1}
    assert mock.run_ids(DAG) == ["chosen"]
    assert [(r.method, r.status) for r in mock.requests] == [
        ("POST", None),
        ("POST", 409),
        ("GET", 200),
    ]


@pytest.mark.parametrize("kind", ["reset", "truncate"])
def test_trigger_with_run_id_survives_a_cut_answer(
    api: DAGRunApi, mock: MockAirflow, kind: str
) -> None:
    mock.add_fault(kind, method="POST")
    assert api.post_dag_run(DAG, DAGRun(dag_run_id="cut")).dag_run_id == "cut"
    assert mock.run_ids(DAG) == ["cut"] and attempts(mock, "POST") == 2


def test_trigger_with_run_id_dropped_before_processing(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("drop", method="POST", process=False)
    assert api.post_dag_run(DAG, DAGRun(dag_run_id="late")).dag_run_id == "late"
    assert mock.run_ids(DAG) == ["late"]
    assert [(r.method, r.status) for r in mock.requests] == [("POST", None), ("POST", 200)]


def test_genuine_conflict_is_reported(api: DAGRunApi, mock: MockAirflow, run_id: str) -> None:
    with pytest.raises(sdk.ConflictException):
        api.post_dag_run(DAG, DAGRun(dag_run_id=run_id))
    assert [(r.method, r.status) for r in mock.requests] == [("POST", 409)]


def test_conflict_after_an_unprocessed_attempt_is_genuine(
    api: DAGRunApi, mock: MockAirflow, run_id: str
) -> None:
    """A 503 or 429 means the server did not act, so the 409 after it is someone else's run."""
    mock.add_fault("status", method="POST", status=503)
    with pytest.raises(sdk.ConflictException):
        api.post_dag_run(DAG, DAGRun(dag_run_id=run_id))
    assert [(r.method, r.status) for r in mock.requests] == [("POST", 503), ("POST", 409)]


def test_conflict_after_a_gateway_error_recovers(api: DAGRunApi, mock: MockAirflow) -> None:
    """A 502 from a gateway that had passed the request on: the run exists, and is returned."""
    mock.add_fault("status", method="POST", status=502, process=True)
    assert api.post_dag_run(DAG, DAGRun(dag_run_id="via_proxy")).dag_run_id == "via_proxy"
    assert mock.run_ids(DAG) == ["via_proxy"]
    assert [(r.method, r.status) for r in mock.requests] == [
        ("POST", 502),
        ("POST", 409),
        ("GET", 200),
    ]


def test_delete_whose_answer_was_lost_succeeds(
    api: DAGRunApi, mock: MockAirflow, run_id: str
) -> None:
    mock.add_fault("drop", method="DELETE")  # deleted, then the connection closes
    assert api.delete_dag_run(DAG, run_id) is None
    assert mock.get_run(DAG, run_id) is None
    assert [(r.method, r.status) for r in mock.requests] == [("DELETE", None), ("DELETE", 404)]
    with pytest.raises(sdk.NotFoundException):  # a run that is not there, asked once: 404
        api.delete_dag_run(DAG, run_id)


def test_trigger_drop_without_retries_raises(make_api: MakeApi, mock: MockAirflow) -> None:
    mock.add_fault("drop", method="POST")
    with pytest.raises(sdk.ApiConnectionError):
        make_api(retries=0).post_dag_run(DAG, DAGRun(dag_run_id="once"))
    assert mock.run_ids(DAG) == ["once"] and attempts(mock, "POST") == 1


# ---------------------------------------------------------------- timeouts


def test_slow_answer_ends_in_timeout_without_retry(
    make_api: MakeApi, mock: MockAirflow, run_id: str
) -> None:
    mock.add_fault("delay", method="GET", delay=1.0)
    started = time.monotonic()
    with pytest.raises(sdk.ApiTimeoutError) as caught:
        make_api(read_timeout=0.2).get_dag_run(DAG, run_id)
    assert time.monotonic() - started < 0.9
    assert isinstance(caught.value, sdk.ApiConnectionError)
    assert "read timeout of 0.2 s" in one_line(caught.value)
    assert attempts(mock, "GET") == 1  # a slow server is not asked again


def test_timeout_per_client_and_per_call(make_api: MakeApi, mock: MockAirflow, run_id: str) -> None:
    impatient = make_api(read_timeout=0.2)
    mock.add_fault("delay", method="GET", delay=0.5)
    assert impatient.with_options(read_timeout=3).get_dag_run(DAG, run_id).dag_run_id == run_id
    mock.add_fault("delay", method="GET", delay=0.5)
    with pytest.raises(sdk.ApiTimeoutError):
        impatient.get_dag_run(DAG, run_id)
    patient = make_api(read_timeout=3)
    mock.add_fault("delay", method="GET", delay=0.5)
    with pytest.raises(sdk.ApiTimeoutError):
        DAGRunApi(patient.api_client.with_options(read_timeout=0.2)).get_dag_run(DAG, run_id)


# ---------------------------------------------------------------- large answers


def test_large_answer_is_decoded(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("large", method="GET", size=5_000_000)
    response = api.raw.get_dag_runs(DAG)
    assert len(response.raw_data) >= 5_000_000
    runs = response.data.dag_runs
    assert len(runs) == response.data.total_entries > 5_000
    assert runs[-1].dag_run_id == f"large_{len(runs) - 1:07d}"
    assert runs[0].conf == {"padding": "x" * 200}
