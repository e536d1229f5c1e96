"""Every error status the server answers, raised as its typed exception with the problem details
reachable; and both authentication schemes (HTTP Basic, Bearer with a static or callable token).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any, Callable, List, Optional, Type

import pytest
from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.api_client import Request
from airflow_python_sdk.model.clear_dag_run import ClearDagRun
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from airflow_python_sdk.model.set_dag_run_note import SetDagRunNote
from airflow_python_sdk.model.update_dag_run_state import UpdateDagRunState
from helpers import (
    CONSUMER_DAG,
    CONSUMER_RUN,
    DAG,
    ERROR_DOCS,
    Runs,
    unique_date,
    unique_id,
)
from mock_airflow import MockAirflow

pytest_plugins = ["helpers"]
NewApi = Callable[..., DAGRunApi]


def error_type(name: str) -> str:
    return f"{ERROR_DOCS}#section/Errors/{name}"


def raised(kind: Type[sdk.ApiException], call: Callable[[], Any]) -> sdk.ApiException:
    """The exception ``call()`` raises, checked to be exactly ``kind``."""
    with pytest.raises(sdk.ApiException) as info:
        call()
    assert type(info.value) is kind, repr(info.value)
    return info.value


def assert_problem(
    error: sdk.ApiException, status: int, title: str, detail: Optional[str], type_name: str
) -> None:
    assert (error.status, error.title, error.detail) == (status, title, detail)
    assert error.type == error_type(type_name)
    assert error.headers["Content-Type"] == "application/problem+json"
    assert f'"status": {status}'.encode() in error.body
    assert str(error).startswith(f"{status} ") and " ".join(title.split()) in str(error)


# ---------------------------------------------------------------- 400


def test_bad_order_by_raises_bad_request(api: DAGRunApi) -> None:
    error = raised(sdk.BadRequestException, lambda: api.get_dag_runs(DAG, order_by="logical_date"))

    detail = (
        "Ordering with 'logical_date' is disallowed or the attribute does not exist on the model"
    )
    assert_problem(error, 400, "Bad Request", detail, "BadRequest")
    assert error.method == "GET" and "order_by=logical_date" in error.url


def test_unknown_field_in_fields_raises_bad_request(api: DAGRunApi) -> None:
    error = raised(
        sdk.BadRequestException, lambda: api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN, ["nope"])
    )

    assert_problem(error, 400, "DAGRunSchema error", "nope not in DAGRunSchema", "BadRequest")


def test_conf_violating_the_dags_params_raises_bad_request(api: DAGRunApi) -> None:
    run = DAGRun(dag_run_id=unique_id(), logical_date=unique_date(), conf={"count": 99})

    error = raised(sdk.BadRequestException, lambda: api.post_dag_run("params_dag", run))

    assert error.status == 400 and error.title == "Bad Request"
    assert error.detail.startswith("Invalid input for param count: 99 is greater than the maximum")
    with pytest.raises(sdk.NotFoundException):
        api.get_dag_run("params_dag", run.dag_run_id)


def test_disagreeing_logical_and_execution_dates_raise_bad_request(api: DAGRunApi) -> None:
    date = unique_date()
    run = DAGRun(dag_run_id=unique_id(), logical_date=date, execution_date=date + timedelta(1))

    error = raised(sdk.BadRequestException, lambda: api.post_dag_run(DAG, run))

    assert error.title == "logical_date conflicts with execution_date"
    assert error.detail == f"{date.isoformat()!r} != {(date + timedelta(1)).isoformat()!r}"


def test_half_a_data_interval_raises_bad_request(api: DAGRunApi) -> None:
    run = DAGRun(dag_run_id=unique_id(), data_interval_start=unique_date())

    error = raised(sdk.BadRequestException, lambda: api.post_dag_run(DAG, run))

    assert "must be specified together" in error.detail


@dataclass(config=ConfigDict(extra="forbid"))
class NewerListForm:
    """A batch form with a key this server does not know (as a newer client might send)."""

    dag_ids: Optional[List[str]] = None
    dag_id_pattern: Optional[str] = None


@pytest.mark.allow_spec_violations
def test_unknown_key_in_a_batch_form_raises_bad_request(api: DAGRunApi) -> None:
    request = Request(
        "POST",
        "/dags/~/dagRuns/list",
        body=NewerListForm(dag_ids=[DAG], dag_id_pattern="example_%"),
        returns="dag_run_collection:DAGRunCollection",
    )

    error = raised(sdk.BadRequestException, lambda: api.api_client.send(request))

    assert_problem(
        error, 400, "Bad Request", "{'dag_id_pattern': ['Unknown field.']}", "BadRequest"
    )


@pytest.mark.allow_spec_violations
def test_batch_page_limit_zero_raises_bad_request(api: DAGRunApi) -> None:
    error = raised(
        sdk.BadRequestException, lambda: api.get_dag_runs_batch(ListDagRunsForm(page_limit=0))
    )

    assert error.detail == "0 is less than the minimum of 1 - 'page_limit'"


def test_unknown_key_on_a_request_model_is_refused_before_sending(
    api: DAGRunApi, sent: Callable[[], Any]
) -> None:
    with pytest.raises(ValueError, match="bogus"):
        ListDagRunsForm(dag_ids=[DAG], bogus=1)  # type: ignore[call-arg]
    form = ListDagRunsForm(dag_ids=[DAG])
    with pytest.raises(ValueError, match="bogus"):  # on assignment, or at the latest on sending
        form.bogus = 1  # type: ignore[attr-defined]
        api.get_dag_runs_batch(form)
    assert sent() in (None, [])


# ---------------------------------------------------------------- 401, 403


@pytest.mark.mock_only
@pytest.mark.allow_spec_violations  # no credentials at all
@pytest.mark.parametrize("password", [None, "wrong"], ids=["no_credentials", "wrong_password"])
def test_strict_server_answers_401_unauthorized(
    new_api: NewApi, mock: MockAirflow, password: Optional[str]
) -> None:
    mock.set_strict_auth()
    api = new_api(None, username=password and "admin", password=password)

    error = raised(sdk.UnauthorizedException, lambda: api.get_dag_runs(DAG))

    assert_problem(error, 401, "Unauthorized", None, "Unauthenticated")
    assert "WWW-Authenticate" not in error.headers


@pytest.mark.allow_spec_violations  # no credentials at all
@pytest.mark.parametrize("password", [None, "wrong"], ids=["no_credentials", "wrong_password"])
def test_stock_server_answers_403_to_missing_or_wrong_credentials(
    new_api: NewApi, password: Optional[str]
) -> None:
    user = None if password is None else "admin"
    api = new_api(None, username=user, password=password)

    for call in (
        lambda: api.get_dag_runs(DAG),
        lambda: api.post_dag_run(DAG, DAGRun(dag_run_id=unique_id())),
    ):
        assert_problem(raised(sdk.ForbiddenException, call), 403, "Forbidden", None,
                       "PermissionDenied")  # fmt: skip


VIEWER_WRITES = {
    "post": lambda api, run: api.post_dag_run(DAG, DAGRun(dag_run_id=unique_id())),
    "update_state": lambda api, run: api.update_dag_run_state(
        DAG, run, UpdateDagRunState(state="failed")
    ),
    "clear_dry_run": lambda api, run: api.clear_dag_run(DAG, run, ClearDagRun(dry_run=True)),
    "clear": lambda api, run: api.clear_dag_run(DAG, run, ClearDagRun(dry_run=False)),
    "set_note": lambda api, run: api.set_dag_run_note(DAG, run, SetDagRunNote(note="v")),
    "delete": lambda api, run: api.delete_dag_run(DAG, run),
}


@pytest.mark.parametrize("write", VIEWER_WRITES)
def test_viewer_may_not_write(viewer_api: DAGRunApi, runs: Runs, write: str) -> None:
    made = runs.create()

    error = raised(
        sdk.ForbiddenException, lambda: VIEWER_WRITES[write](viewer_api, made.dag_run_id)
    )

    assert_problem(error, 403, "Forbidden", None, "PermissionDenied")
    assert viewer_api.get_dag_run(DAG, made.dag_run_id) == made  # unchanged


def test_viewer_may_read_and_list(viewer_api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()

    assert viewer_api.get_dag_run(DAG, made.dag_run_id) == made
    assert made.dag_run_id in [
        r.dag_run_id for r in viewer_api.get_dag_runs(DAG, limit=100, order_by="-id").dag_runs
    ]
    batch = viewer_api.get_dag_runs_batch(ListDagRunsForm(dag_ids=[DAG], order_by="-id"))
    assert made.dag_run_id in [r.dag_run_id for r in batch.dag_runs]
    assert viewer_api.get_upstream_dataset_events(DAG, made.dag_run_id).total_entries == 0


# ---------------------------------------------------------------- 404


def missing_run_detail(dag_id: str, run_id: str) -> str:
    return f"DAGRun with DAG ID: '{dag_id}' and DagRun ID: '{run_id}' not found"


@pytest.mark.parametrize(
    "call, title",
    [
        (lambda api, dag, run: api.get_dag_run(dag, run), "DAGRun not found"),
        (lambda api, dag, run: api.get_upstream_dataset_events(dag, run), "DAGRun not found"),
        (lambda api, dag, run: api.delete_dag_run(dag, run), "Not Found"),
    ],
    ids=["get", "upstream_events", "delete"],
)
@pytest.mark.parametrize("dag_id", [DAG, "no_such_dag"])
def test_missing_run_raises_not_found_with_a_detail(
    api: DAGRunApi, call: Callable[..., Any], title: str, dag_id: str
) -> None:
    run_id = unique_id("missing")

    error = raised(sdk.NotFoundException, lambda: call(api, dag_id, run_id))

    assert_problem(error, 404, title, missing_run_detail(dag_id, run_id), "NotFound")


@pytest.mark.parametrize(
    "call, title",
    [
        (
            lambda api, run: api.update_dag_run_state(DAG, run, UpdateDagRunState(state="failed")),
            "Dag Run id {run} not found in dag example_sdk_dag",
        ),
        (
            lambda api, run: api.set_dag_run_note(DAG, run, SetDagRunNote(note="n")),
            "Dag Run id {run} not found in dag example_sdk_dag",
        ),
        (
            lambda api, run: api.clear_dag_run(DAG, run, ClearDagRun()),
            "Dag Run id {run} not found in dag   example_sdk_dag",  # sic: three spaces
        ),
    ],
    ids=["update_state", "set_note", "clear"],
)
def test_missing_run_on_patch_and_clear_has_the_message_in_title_and_no_detail(
    api: DAGRunApi, call: Callable[..., Any], title: str
) -> None:
    run_id = unique_id("missing")

    error = raised(sdk.NotFoundException, lambda: call(api, run_id))

    assert_problem(error, 404, title.format(run=run_id), None, "NotFound")


def test_trigger_on_a_missing_dag_raises_not_found(api: DAGRunApi) -> None:
    error = raised(
        sdk.NotFoundException, lambda: api.post_dag_run("no_such_dag", DAGRun(conf={"a": 1}))
    )

    assert_problem(error, 404, "DAG not found", "DAG with dag_id: 'no_such_dag' not found",
                   "NotFound")  # fmt: skip


# ---------------------------------------------------------------- 409


def test_duplicate_run_id_raises_conflict(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()
    again = DAGRun(dag_run_id=made.dag_run_id, logical_date=unique_date())

    error = raised(sdk.ConflictException, lambda: api.post_dag_run(DAG, again))

    detail = f"DAGRun with DAG ID: '{DAG}' and DAGRun ID: '{made.dag_run_id}' already exists"
    assert_problem(error, 409, "Conflict", detail, "AlreadyExists")


def test_duplicate_logical_date_raises_conflict(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()
    again = DAGRun(dag_run_id=unique_id(), logical_date=made.logical_date)
    runs.track(DAG, again.dag_run_id)

    error = raised(sdk.ConflictException, lambda: api.post_dag_run(DAG, again))

    date = made.logical_date.isoformat(sep=" ")
    detail = f"DAGRun with DAG ID: '{DAG}' and DAGRun logical date: '{date}' already exists"
    assert_problem(error, 409, "Conflict", detail, "AlreadyExists")


# ---------------------------------------------------------------- 5xx


@pytest.mark.parametrize("run_id", ["my run", "läuft_✓"], ids=["space", "unicode"])
def test_run_id_outside_the_servers_pattern_raises_service_exception_with_the_page(
    api: DAGRunApi, run_id: str
) -> None:
    error = raised(sdk.ServiceException, lambda: api.post_dag_run(DAG, DAGRun(dag_run_id=run_id)))

    assert error.status == 500
    assert error.title is error.detail is error.type is None
    assert error.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1> Ooops! </h1>" in error.body
    assert "500 INTERNAL SERVER ERROR: POST " in str(error)
    assert "Ooops! Something bad has happened." in str(error)
    assert "<" not in str(error) and len(str(error)) < 400


@pytest.mark.mock_only
def test_proxy_error_page_raises_service_exception(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("html", method="GET", status=502)

    error = raised(sdk.ServiceException, lambda: api.with_options(retries=0).get_dag_runs(DAG))

    assert error.status == 502 and error.title is None
    assert str(error).endswith("502 Bad Gateway 502 Bad Gateway nginx")


@pytest.mark.mock_only
def test_rate_limit_raises_too_many_requests(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("status", method="GET", status=429, headers=[("Retry-After", "0")])

    error = raised(
        sdk.TooManyRequestsException, lambda: api.with_options(retries=0).get_dag_runs(DAG)
    )

    assert (error.status, error.title, error.detail, error.type) == (
        429, "Too Many Requests", None, "about:blank"
    )  # fmt: skip


@pytest.mark.mock_only
def test_malformed_success_body_raises_decode_error(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_fault("malformed_json", method="GET")

    error = raised(sdk.ApiDecodeError, lambda: api.get_dag_runs(DAG))

    assert error.status == 200 and error.title == "the body is not a valid DAGRunCollection"
    assert error.body.startswith(b'{"dag_runs": [')


# ---------------------------------------------------------------- authentication schemes


@pytest.mark.mock_only
def test_basic_auth_is_sent_on_every_request(
    api: DAGRunApi, mock: MockAirflow, target: Any
) -> None:
    api.get_dag_runs(DAG)
    api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)

    basic = target.basic_auth()["Authorization"]
    assert [r.header("Authorization") for r in mock.requests] == [basic] * 2


@pytest.mark.mock_only
def test_static_bearer_token_is_sent_and_wins_over_basic(
    new_api: NewApi, target: Any, mock: MockAirflow
) -> None:
    api = new_api("admin", access_token=target.token)

    run = api.post_dag_run(DAG, DAGRun(dag_run_id=unique_id(), logical_date=unique_date()))
    api.get_dag_run(DAG, run.dag_run_id)

    assert [r.header("Authorization") for r in mock.requests] == [f"Bearer {target.token}"] * 2


@pytest.mark.mock_only
def test_callable_token_is_called_once_per_request(new_api: NewApi, mock: MockAirflow) -> None:
    counter = itertools.count(1)
    issued: List[str] = []

    def fresh_token() -> str:
        token = f"token-{next(counter)}"
        mock.add_token(token, "admin")
        issued.append(token)
        return token

    api = new_api(None, access_token=fresh_token)
    run = api.post_dag_run(DAG, DAGRun(dag_run_id=unique_id(), logical_date=unique_date()))
    api.get_dag_run(DAG, run.dag_run_id)
    api.delete_dag_run(DAG, run.dag_run_id)

    assert issued == ["token-1", "token-2", "token-3"]
    assert [r.header("Authorization") for r in mock.requests] == [f"Bearer {t}" for t in issued]


@pytest.mark.mock_only
def test_bearer_token_of_a_viewer_may_not_write(new_api: NewApi, mock: MockAirflow) -> None:
    mock.add_token("viewer-token", "viewer")
    api = new_api(None, access_token="viewer-token")

    assert api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN).dag_run_id == CONSUMER_RUN
    raised(sdk.ForbiddenException, lambda: api.post_dag_run(DAG, DAGRun()))
    raised(sdk.ForbiddenException, lambda: new_api(None, access_token="unknown")
           .get_dag_runs(DAG))  # fmt: skip
