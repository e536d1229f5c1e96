"""Errors and reading on v2: Airflow 3's error shapes become typed exceptions with readable
messages; answers from a newer server (unknown fields, unknown enum values) never fail a call;
models decoded from the server convert back and forth (``to_dict``/``from_dict``,
``to_json``/``from_json``).
"""

from __future__ import annotations

import json
import pickle
from typing import Any, Dict

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.asset_event_collection_response import (
    AssetEventCollectionResponse,
)
from airflow_python_sdk.v2.models.bulk_body_bulk_dag_run_body import BulkBodyBulkDAGRunBody
from airflow_python_sdk.v2.models.bulk_delete_action_bulk_dag_run_body import (
    BulkDeleteActionBulkDAGRunBody,
)
from airflow_python_sdk.v2.models.bulk_response import BulkResponse
from airflow_python_sdk.v2.models.clear_task_instance_collection_response import (
    ClearTaskInstanceCollectionResponse,
)
from airflow_python_sdk.v2.models.dag_run_clear_body import DAGRunClearBody
from airflow_python_sdk.v2.models.dag_run_collection_response import DAGRunCollectionResponse
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_run_response import DAGRunResponse
from airflow_python_sdk.v2.models.dag_run_state import DagRunState
from airflow_python_sdk.v2.models.dag_run_triggered_by_type import DagRunTriggeredByType
from airflow_python_sdk.v2.models.dag_run_type import DagRunType
from airflow_python_sdk.v2.models.dag_run_wait_line import DAGRunWaitLine
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from helpers_v2 import (
    CONSUMER_DAG,
    CONSUMER_RUN,
    DAG,
    RUNNING_RUN,
    V2Runs,
    exchanges,
    unique_id,
)
from mock_airflow import MockAirflow

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and len(text) < 1000, text
    return text


def round_trips(model: Any) -> None:
    """``from_dict(to_dict())`` and ``from_json(to_json())`` give the model back."""
    kind = type(model)
    assert kind.from_dict(model.to_dict()) == model
    assert kind.from_json(model.to_json()) == model
    assert kind.from_json(model.to_json().encode()) == model
    json.loads(model.to_json())  # valid JSON


# ---------------------------------------------------------------- 404


def test_404_texts_name_what_was_not_found(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.NotFoundException) as run:
        v2_api.get_dag_run(DAG, "no_such_run")
    with pytest.raises(sdk.NotFoundException) as dag:
        v2_api.get_dag_runs("no_such_dag")
    with pytest.raises(sdk.NotFoundException) as trigger:
        v2_api.trigger_dag_run("no_such_dag", TriggerDAGRunPostBody())

    assert run.value.detail == (
        f"The DagRun with dag_id: `{DAG}` and run_id: `no_such_run` was not found"
    )
    assert dag.value.detail == "The Dag with ID: `no_such_dag` was not found"
    assert trigger.value.detail == "Dag with dag_id: 'no_such_dag' not found"
    error = run.value
    assert error.status == 404 and error.method == "GET" and error.title is None
    assert error.url.endswith(f"/api/v2/dags/{DAG}/dagRuns/no_such_run")
    assert one_line(error) == f"404 Not Found: GET {error.url}: {error.detail}"
    assert json.loads(error.body) == {"detail": error.detail} and error.excerpt is None
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is sdk.NotFoundException and str(copy) == str(error)


# ---------------------------------------------------------------- 422, 400, 409


@pytest.mark.allow_spec_violations
def test_422_lists_the_refused_fields(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()

    with pytest.raises(sdk.UnprocessableEntityException) as note:
        v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(note="x" * 1001))
    with pytest.raises(sdk.UnprocessableEntityException) as interval:
        v2_api.wait_dag_run_until_finished(DAG, run.dag_run_id, interval=0)
    with pytest.raises(sdk.UnprocessableEntityException) as clear:
        v2_api.clear_dag_run(DAG, run.dag_run_id, DAGRunClearBody(only_failed=True, only_new=True))

    assert note.value.detail == "body.note: String should have at most 1000 characters"
    assert interval.value.detail == "query.interval: Input should be greater than 0"
    assert (clear.value.detail or "").startswith("body: ")
    assert "only_failed" in (clear.value.detail or "")
    for error in (note.value, interval.value, clear.value):
        assert one_line(error).startswith("422 Unprocessable Entity: ")
        assert error.detail and error.detail in str(error)
    assert v2_api.get_dag_run(DAG, run.dag_run_id).note is None  # nothing was applied


def test_422_with_a_string_detail(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.UnprocessableEntityException) as caught:
        v2_api.get_dag_runs(DAG, state=["bogus"])

    assert caught.value.detail == (
        "Invalid value for state. Valid values are queued, running, success, failed"
    )
    assert caught.value.detail in one_line(caught.value)


def test_400_for_a_run_id_the_server_does_not_allow(v2_api: DagRunApi) -> None:
    for run_id, says in (
        ("has space", "does not match regex pattern"),
        ("x..y", "must not contain '..'"),
        ("scheduled__2024-01-01T00:00:00+00:00", "reserved for scheduled runs"),
    ):
        with pytest.raises(sdk.BadRequestException) as caught:
            v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id=run_id))
        assert says in (caught.value.detail or ""), caught.value
        with pytest.raises(sdk.NotFoundException):
            v2_api.get_dag_run(DAG, run_id)  # nothing was made


def test_409_object_detail_is_read_as_reason_and_message(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()

    with pytest.raises(sdk.ConflictException) as caught:
        v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id=run.dag_run_id))

    body = json.loads(caught.value.body)
    assert body["detail"]["reason"] == "Unique constraint violation"
    assert caught.value.detail == f"{body['detail']['reason']}: {body['detail']['message']}"


# ---------------------------------------------------------------- 5xx


@pytest.mark.mock_only
def test_a_text_plain_500_becomes_a_service_exception_with_an_excerpt(
    new_v2_api: Any, mock: MockAirflow
) -> None:
    api = new_v2_api(retries=0)
    mock.add_fault("text", method="PATCH", path="/dagRuns$")

    with pytest.raises(sdk.ServiceException) as caught:
        api.bulk_dag_runs(
            DAG,
            BulkBodyBulkDAGRunBody(
                actions=[BulkDeleteActionBulkDAGRunBody(action="delete", entities=["x"])]
            ),
        )

    error = caught.value
    assert error.status == 500 and error.title is None and error.detail is None
    assert error.excerpt == "Internal Server Error" and error.body == b"Internal Server Error"
    assert one_line(error).endswith(": Internal Server Error")
    assert len(mock.requests_to("PATCH")) == 1  # a 500 is not retried


@pytest.mark.mock_only
def test_a_database_error_500_reads_its_object_detail(v2_api: DagRunApi, mock: MockAirflow) -> None:
    detail = {"reason": "Database error", "statement": "hidden", "message": "look for ID abc"}
    mock.add_fault("status", method="GET", path="/dagRuns$", status=500, body={"detail": detail})

    with pytest.raises(sdk.ServiceException) as caught:
        v2_api.get_dag_runs(DAG)

    assert caught.value.detail == "Database error: look for ID abc"


# ---------------------------------------------------------------- a newer server's answers


NEWER_RUN: Dict[str, Any] = {
    "dag_run_id": "from_the_future",
    "dag_id": DAG,
    "logical_date": "2030-01-01T00:00:00Z",
    "queued_at": None,
    "start_date": "2030-01-01T00:00:01.5Z",
    "end_date": None,
    "duration": None,
    "data_interval_start": None,
    "data_interval_end": None,
    "run_after": "2030-01-01T00:00:00Z",
    "last_scheduling_decision": None,
    "run_type": "future_type",
    "state": "paused_by_robot",
    "triggered_by": "robot",
    "triggering_user_name": None,
    "conf": {},
    "note": None,
    "dag_versions": [],
    "bundle_version": None,
    "dag_display_name": DAG,
    "partition_key": None,
    "partition_date": None,
    "priority": 7,
    "labels": {"team": "data"},
}


@pytest.mark.mock_only
def test_unknown_enum_values_from_the_store_never_fail(
    v2_api: DagRunApi, mock: MockAirflow
) -> None:
    mock.add_v2_run(DAG, "newer", run_type="future_type", state="paused", triggered_by="robot")

    run = v2_api.get_dag_run(DAG, "newer")
    listed = v2_api.get_dag_runs(DAG, order_by=["-id"], limit=1).dag_runs[0]

    assert run == listed
    assert (run.run_type, run.state, run.triggered_by) == ("future_type", "paused", "robot")
    assert isinstance(run.run_type, DagRunType) and isinstance(run.state, DagRunState)
    assert str(run.state) == "paused" and run.state.value == "paused"
    round_trips(run)


@pytest.mark.mock_only
def test_unknown_fields_and_values_in_an_answer_are_kept(
    v2_api: DagRunApi, mock: MockAirflow
) -> None:
    page = {
        "dag_runs": [NEWER_RUN],
        "total_entries": 1,
        "total_entries_limit": None,
        "next_cursor": None,
        "previous_cursor": None,
        "facets": ["new"],
    }
    mock.add_fault("status", method="GET", path="/dagRuns/from_the_future$", status=200,
                   body=NEWER_RUN)  # fmt: skip
    mock.add_fault("status", method="GET", path="/dagRuns$", status=200, body=page)
    mock.add_fault("status", method="GET", path="/wait$", status=200, content_type="",
                   body=b'{"state": "archived", "results": {}, "why": "new"}\n')  # fmt: skip

    run = v2_api.get_dag_run(DAG, "from_the_future")
    listed = v2_api.get_dag_runs(DAG)
    (line,) = list(v2_api.wait_dag_run_until_finished(DAG, "from_the_future", interval=1))

    assert run.state == "paused_by_robot" and run.run_type == "future_type"
    assert isinstance(run.triggered_by, DagRunTriggeredByType) and run.triggered_by == "robot"
    assert run.to_dict()["priority"] == 7 and run.to_dict()["labels"] == {"team": "data"}
    assert run.start_date is not None and run.start_date.microsecond == 500000
    assert listed.dag_runs == [run] and listed.to_dict()["facets"] == ["new"]
    assert (line.state, line.to_dict()["why"]) == ("archived", "new")
    for model in (run, listed, line):
        round_trips(model)
    assert json.loads(run.to_json())["priority"] == 7


# ---------------------------------------------------------------- model conventions


def test_models_decoded_from_the_server_round_trip(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger(conf={"nested": {"list": [1, 2.5, None, "ü"]}}, note="round trip")
    v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))
    decoded = [
        v2_api.get_dag_run(DAG, run.dag_run_id),
        v2_api.get_dag_run(DAG, RUNNING_RUN),
        v2_api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN),
        v2_api.get_dag_runs(DAG, limit=3),
        v2_api.get_upstream_asset_events(CONSUMER_DAG, CONSUMER_RUN),
        v2_api.clear_dag_run(DAG, run.dag_run_id, DAGRunClearBody()),
        v2_api.bulk_dag_runs(
            DAG,
            BulkBodyBulkDAGRunBody(
                actions=[BulkDeleteActionBulkDAGRunBody(action="delete", entities=[unique_id()])]
            ),
        ),
        *v2_api.wait_dag_run_until_finished(DAG, run.dag_run_id, interval=0.1),
    ]
    kinds = [
        DAGRunResponse,
        DAGRunResponse,
        DAGRunResponse,
        DAGRunCollectionResponse,
        AssetEventCollectionResponse,
        ClearTaskInstanceCollectionResponse,
        BulkResponse,
        DAGRunWaitLine,
    ]

    assert [type(model) for model in decoded] == kinds
    for model in decoded:
        round_trips(model)
    stored = decoded[0]
    assert isinstance(stored, DAGRunResponse)
    as_dict = stored.to_dict()
    assert as_dict["conf"] == {"nested": {"list": [1, 2.5, None, "ü"]}}
    assert as_dict["logical_date"] == stored.logical_date  # aware datetimes, not text
    assert json.loads(stored.to_json())["run_type"] == "manual"
    assert DAGRunResponse.from_dict(json.loads(stored.to_json())) == stored
    assert all(status == 200 for _, _, status in exchanges(v2_api)[1:])
