"""What the SDK puts on the wire (asserted on the mock's request log) and what it tolerates in
answers: bodies hold only set, writable fields and never null; datetimes carry ±hh:mm offsets;
query values and path parameters are percent-encoded; bad input fails before any request.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qsl

import pytest
from dateutil.parser import parse as dateutil_parser

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.clear_dag_run import ClearDagRun
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.dag_state import DagState
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from airflow_python_sdk.model.set_dag_run_note import SetDagRunNote
from airflow_python_sdk.model.update_dag_run_state import UpdateDagRunState
from helpers import (
    CONSUMER_DAG,
    CONSUMER_RUN,
    DAG,
    DATETIME_FIELDS,
    OTHER_DAG,
    UTC,
    Runs,
    ids,
    unique_date,
    unique_id,
)
from mock_airflow import RELAXED_RUN_ID_PATTERN, MockAirflow

pytest_plugins = ["helpers"]

OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d$")
PLUS_2 = timezone(timedelta(hours=2))
MINUS_0330 = timezone(-timedelta(hours=3, minutes=30))


def query_of(record: Any) -> List[tuple]:
    return parse_qsl(record.query, keep_blank_values=True)


# ---------------------------------------------------------------- request bodies


@pytest.mark.mock_only
def test_seed_style_run_sends_only_dag_run_id_execution_date_and_conf(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    run = DAGRun(
        dag_run_id="seed_style",
        dag_id=DAG,
        execution_date=dateutil_parser("1970-01-01T00:00:00.00Z"),
        start_date=dateutil_parser("1970-01-01T00:00:00.00Z"),
        end_date=dateutil_parser("1970-01-01T00:00:00.00Z"),
        state=DagState("success"),
        external_trigger=True,
        conf={},
    )

    created = api.post_dag_run(DAG, run)

    (sent,) = mock.requests
    assert sent.json() == {
        "dag_run_id": "seed_style",
        "execution_date": "1970-01-01T00:00:00+00:00",
        "conf": {},
    }
    assert (created.state, created.start_date, created.end_date) == ("queued", None, None)


@pytest.mark.mock_only
def test_unset_and_none_fields_are_never_sent(api: DAGRunApi, mock: MockAirflow) -> None:
    api.post_dag_run(DAG, DAGRun(dag_run_id="only_id", logical_date=None, note=None, conf=None))
    api.get_dag_runs_batch(ListDagRunsForm(dag_ids=[DAG], states=None, order_by=None))
    api.clear_dag_run(DAG, "only_id", ClearDagRun())

    post, batch, clear = (r.json() for r in mock.requests)
    assert post == {"dag_run_id": "only_id"}
    assert batch["dag_ids"] == [DAG] and set(batch) <= {"dag_ids", "page_limit"}
    assert clear == {"dry_run": True}
    assert all(b"null" not in r.body for r in mock.requests)


@pytest.mark.mock_only
def test_bodies_are_json_and_only_requests_with_a_body_say_so(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    run_id = api.post_dag_run(DAG, DAGRun(conf={"a": 1})).dag_run_id
    api.get_dag_run(DAG, run_id)
    api.update_dag_run_state(DAG, run_id, UpdateDagRunState(state="failed"))
    api.set_dag_run_note(DAG, run_id, SetDagRunNote(note="ü"))
    api.delete_dag_run(DAG, run_id)

    for record in mock.requests:
        assert record.header("Accept") == "application/json"
        assert record.header("User-Agent").startswith("airflow-python-sdk/")
        if record.method in ("GET", "DELETE"):
            assert record.body == b"" and record.header("Content-Type") is None
        else:
            assert record.header("Content-Type") == "application/json"
            json.loads(record.body)
    assert json.loads(mock.requests[3].body) == {"note": "ü"}


TIMEZONES = {
    "utc": UTC,
    "plus_0200": PLUS_2,
    "minus_0330": MINUS_0330,
    "dateutil_tzutc": dateutil_parser("2024-01-01T00:00:00Z").tzinfo,
}


@pytest.mark.mock_only
@pytest.mark.parametrize("tz", TIMEZONES.values(), ids=TIMEZONES.keys())
def test_datetimes_in_bodies_carry_a_numeric_offset(api: DAGRunApi, mock: MockAirflow, tz) -> None:
    when = datetime(2024, 3, 1, 12, 30, 15, 250000, tzinfo=tz)
    api.post_dag_run(
        DAG, DAGRun(logical_date=when, data_interval_start=when, data_interval_end=when)
    )
    api.get_dag_runs_batch(ListDagRunsForm(start_date_gte=when, end_date_lte=when))

    post, batch = (r.json() for r in mock.requests)
    expected = when.isoformat()
    assert post["logical_date"] == post["data_interval_start"] == expected
    assert batch["start_date_gte"] == batch["end_date_lte"] == expected
    for value in (post["logical_date"], batch["start_date_gte"]):
        assert OFFSET.match(value) and not value.endswith("Z")


@pytest.mark.mock_only
@pytest.mark.parametrize("tz", TIMEZONES.values(), ids=TIMEZONES.keys())
def test_datetimes_in_queries_carry_an_offset_with_plus_as_2b(
    api: DAGRunApi, mock: MockAirflow, tz
) -> None:
    when = datetime(2024, 3, 1, 12, 30, tzinfo=tz)

    api.get_dag_runs(DAG, execution_date_gte=when, updated_at_lte=when)

    (record,) = mock.requests
    assert "+" not in record.query and ":" not in record.query
    encoded = when.isoformat().replace(":", "%3A").replace("+", "%2B")
    assert record.query == f"execution_date_gte={encoded}&updated_at_lte={encoded}"
    assert dict(query_of(record)) == {
        "execution_date_gte": when.isoformat(),
        "updated_at_lte": when.isoformat(),
    }


@pytest.mark.parametrize("tz", [PLUS_2, MINUS_0330], ids=["plus_0200", "minus_0330"])
def test_query_dates_with_offsets_select_the_same_instant(api: DAGRunApi, runs: Runs, tz) -> None:
    made = runs.create()
    at = made.logical_date.astimezone(tz)

    page = api.get_dag_runs(DAG, execution_date_gte=at, execution_date_lte=at)

    assert ids(page.dag_runs) == [made.dag_run_id]


def test_datetimes_with_a_seconds_offset_are_sent_as_the_same_instant(
    api: DAGRunApi, runs: Runs
) -> None:
    amsterdam_mean_time = timezone(timedelta(minutes=19, seconds=32))
    when = unique_date().astimezone(amsterdam_mean_time)

    made = runs.create(logical_date=when)
    page = api.get_dag_runs(DAG, execution_date_gte=when, execution_date_lte=when)

    assert made.logical_date == when
    assert ids(page.dag_runs) == [made.dag_run_id]


@pytest.mark.mock_only
def test_query_values_are_percent_encoded_and_lists_repeat(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    api.get_dag_runs(
        "~",
        limit=5,
        offset=10,
        state=["success", "a+b c"],
        order_by="-execution_date",
        fields=["dag_run_id", "state"],
    )
    api.get_dag_runs(DAG)

    listed, plain = mock.requests
    assert listed.path == "/api/v1/dags/~/dagRuns"
    assert listed.query == (
        "limit=5&offset=10&state=success&state=a%2Bb%20c&order_by=-execution_date"
        "&fields=dag_run_id&fields=state"
    )
    assert (plain.path, plain.query) == (f"/api/v1/dags/{DAG}/dagRuns", "")


# ---------------------------------------------------------------- bad input fails before sending

DATE_PARAMS = [
    f"{name}_{bound}"
    for name in ("execution_date", "start_date", "end_date", "updated_at")
    for bound in ("gte", "lte")
]


@pytest.mark.parametrize("param", DATE_PARAMS)
def test_naive_datetime_in_a_query_raises_before_any_request(
    api: DAGRunApi, sent: Callable[[], Any], param: str
) -> None:
    with pytest.raises(ValueError, match=f"^{param} must be a timezone-aware datetime"):
        api.get_dag_runs(DAG, **{param: datetime(2024, 1, 1)})
    with pytest.raises(ValueError, match=f"^{param} must be a timezone-aware datetime"):
        list(api.paginate.get_dag_runs(DAG, **{param: date(2024, 1, 1)}))
    assert sent() in (None, [])


@pytest.mark.parametrize(
    "build",
    [
        lambda naive: DAGRun(logical_date=naive),
        lambda naive: DAGRun(execution_date=naive),
        lambda naive: DAGRun(data_interval_start=naive, data_interval_end=naive),
        lambda naive: ListDagRunsForm(execution_date_gte=naive),
        lambda naive: ListDagRunsForm(end_date_lte=naive),
    ],
    ids=[
        "logical_date",
        "execution_date",
        "data_interval_start",
        "execution_date_gte",
        "end_date_lte",
    ],  # fmt: skip
)
def test_naive_datetime_in_a_model_raises_naming_the_field(
    build: Callable[[datetime], Any], request: pytest.FixtureRequest
) -> None:
    field = request.node.callspec.id

    with pytest.raises(ValueError, match=rf"(?s){field}.*timezone"):
        build(datetime(2024, 1, 1, 12))


# ---------------------------------------------------------------- path parameters

ENCODED_IDS = [
    pytest.param("run:2024-01-01T00:00:00+00:00", "run%3A2024-01-01T00%3A00%3A00%2B00%3A00",
                 id="colon_plus"),
    pytest.param("a~b.c-d_e", "a~b.c-d_e", id="unreserved"),
    pytest.param("my run", "my%20run", id="space"),
    pytest.param("läuft_✓", "l%C3%A4uft_%E2%9C%93", id="unicode"),
    pytest.param("100%?#x", "100%25%3F%23x", id="percent_query_hash"),
    pytest.param(".", "%2E", id="dot"),
    pytest.param("..", "%2E%2E", id="dotdot"),
]  # fmt: skip


@pytest.mark.mock_only
@pytest.mark.parametrize("run_id, encoded", ENCODED_IDS)
def test_path_params_are_percent_encoded_with_nothing_left_safe(
    api: DAGRunApi, mock: MockAirflow, run_id: str, encoded: str
) -> None:
    mock.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    api.post_dag_run(DAG, DAGRun(dag_run_id=run_id))

    assert api.get_dag_run(DAG, run_id).dag_run_id == run_id
    api.update_dag_run_state(DAG, run_id, UpdateDagRunState(state="failed"))
    api.set_dag_run_note(DAG, run_id, SetDagRunNote(note="n"))
    api.clear_dag_run(DAG, run_id, ClearDagRun())
    api.get_upstream_dataset_events(DAG, run_id)
    api.delete_dag_run(DAG, run_id)

    base = f"/api/v1/dags/{DAG}/dagRuns/{encoded}"
    assert [r.path for r in mock.requests[1:]] == [
        base, base, base + "/setNote", base + "/clear", base + "/upstreamDatasetEvents", base
    ]  # fmt: skip
    assert all(r.status in (200, 204) for r in mock.requests)


def test_run_ids_with_every_allowed_punctuation_round_trip(api: DAGRunApi, runs: Runs) -> None:
    run_id = unique_id("p") + "_.~:+-x"
    made = runs.create(dag_run_id=run_id)

    assert api.get_dag_run(DAG, run_id) == made
    assert api.update_dag_run_state(DAG, run_id, UpdateDagRunState(state="success")).state == (
        "success"
    )
    assert api.set_dag_run_note(DAG, run_id, SetDagRunNote(note="n")).note == "n"
    api.delete_dag_run(DAG, run_id)
    with pytest.raises(sdk.NotFoundException):
        api.get_dag_run(DAG, run_id)


@pytest.mark.parametrize("run_id", [".", ".."], ids=["dot", "dotdot"])
def test_dot_run_ids_address_the_run_not_a_parent_path(
    api: DAGRunApi, runs: Runs, run_id: str
) -> None:
    try:  # a run left by an interrupted earlier session on the real server
        api.delete_dag_run(OTHER_DAG, run_id)
    except sdk.NotFoundException:
        pass
    with pytest.raises(sdk.NotFoundException) as missing:
        api.get_dag_run(OTHER_DAG, run_id)
    assert missing.value.title == "DAGRun not found"
    assert f"DagRun ID: '{run_id}'" in missing.value.detail

    made = runs.create(OTHER_DAG, dag_run_id=run_id)

    assert api.get_dag_run(OTHER_DAG, run_id) == made
    assert api.get_upstream_dataset_events(OTHER_DAG, run_id).total_entries == 0
    api.delete_dag_run(OTHER_DAG, run_id)
    with pytest.raises(sdk.NotFoundException):
        api.get_dag_run(OTHER_DAG, run_id)


RUN_CALLS: Dict[str, Callable[[DAGRunApi, str], Any]] = {
    "get": lambda api, run: api.get_dag_run(DAG, run),
    "delete": lambda api, run: api.delete_dag_run(DAG, run),
    "update_state": lambda api, run: api.update_dag_run_state(
        DAG, run, UpdateDagRunState(state="failed")
    ),
    "clear": lambda api, run: api.clear_dag_run(DAG, run, ClearDagRun()),
    "set_note": lambda api, run: api.set_dag_run_note(DAG, run, SetDagRunNote(note="n")),
    "upstream_events": lambda api, run: api.get_upstream_dataset_events(DAG, run),
    "update_dag_run": lambda api, run: api.update_dag_run(DAG, run, DAGRun(note="n")),
    "wait": lambda api, run: api.wait_for_dag_run(DAG, run, timeout=1, poll_interval=0.1),
}


@pytest.mark.parametrize("call", RUN_CALLS.values(), ids=RUN_CALLS.keys())
def test_run_id_with_a_slash_raises_before_any_request(
    api: DAGRunApi, sent: Callable[[], Any], call: Callable[..., Any]
) -> None:
    with pytest.raises(ValueError, match="contains '/'"):
        call(api, "a/b")
    with pytest.raises(ValueError, match="contains '/'"):
        api.get_dag_runs("dag/with/slash")
    assert sent() in (None, [])


@pytest.mark.parametrize("run_id", ["", None, 42], ids=["empty", "none", "int"])
def test_empty_or_non_text_path_params_raise_before_any_request(
    api: DAGRunApi, sent: Callable[[], Any], run_id: Any
) -> None:
    # An empty run id would otherwise address the list endpoint (.../dagRuns/).
    with pytest.raises(ValueError, match="dag_run_id must be a non-empty string"):
        api.get_dag_run(DAG, run_id)
    with pytest.raises(ValueError, match="dag_run_id must be a non-empty string"):
        api.delete_dag_run(DAG, run_id)
    with pytest.raises(ValueError, match="dag_id must be a non-empty string"):
        api.get_dag_runs(run_id)
    assert sent() in (None, [])


# ---------------------------------------------------------------- decoding answers


@pytest.mark.mock_only
def test_unknown_fields_in_answers_are_kept(api: DAGRunApi, mock: MockAirflow) -> None:
    run = mock.get_run(CONSUMER_DAG, CONSUMER_RUN)
    newer = dict(run, new_field={"from": "a newer server"}, bundle_version=None)
    mock.add_fault("status", method="GET", path="/dagRuns/", status=200, body=newer)
    mock.add_fault(
        "status", method="GET", path="/dagRuns$", status=200,
        body={"dag_runs": [newer], "total_entries": 1, "next_cursor": "abc"},
    )  # fmt: skip

    one = api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)
    page = api.get_dag_runs(CONSUMER_DAG)

    assert one.new_field == {"from": "a newer server"} and one.bundle_version is None
    assert one.dag_run_id == CONSUMER_RUN and one.state is DagState.QUEUED
    assert page.next_cursor == "abc" and page.dag_runs[0].new_field == one.new_field


@pytest.mark.mock_only
def test_unknown_dag_state_in_a_list_is_tolerated(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_run(DAG, "from_a_newer_server", unique_date(), state="deferred_by_future_airflow")
    mock.add_run(DAG, "ordinary", unique_date(), state="success")

    page = api.get_dag_runs(DAG)

    odd, ordinary = page.dag_runs
    assert odd.state.value == "deferred_by_future_airflow" and str(odd.state) == odd.state.value
    assert isinstance(odd.state, DagState) and ordinary.state is DagState.SUCCESS
    got = api.get_dag_runs_batch(ListDagRunsForm(states=["deferred_by_future_airflow"]))
    assert [r.dag_run_id for r in got.dag_runs] == ["from_a_newer_server"]


@pytest.mark.mock_only
def test_nulls_and_empty_conf_decode_as_none_and_empty_dict(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    when = unique_date()
    mock.add_run(DAG, "nulls", when, data_interval_start=None, data_interval_end=None)

    response = api.raw.get_dag_run(DAG, "nulls")

    run = response.data
    assert b'"data_interval_start": null' in response.raw_data
    assert (run.data_interval_start, run.data_interval_end, run.note) == (None, None, None)
    assert (run.start_date, run.end_date, run.last_scheduling_decision) == (None, None, None)
    assert run.conf == {} and run.logical_date == when and run.logical_date.tzinfo is not None


def test_answer_datetimes_are_aware_and_utc_ones_share_timezone_utc(
    api: DAGRunApi, runs: Runs
) -> None:
    made = runs.create(logical_date=unique_date())

    run = api.get_dag_run(DAG, made.dag_run_id)

    values = [getattr(run, name) for name in DATETIME_FIELDS if getattr(run, name) is not None]
    assert run.logical_date == made.logical_date and len(values) >= 4
    assert all(value.utcoffset() == timedelta(0) for value in values)
    if sys.version_info >= (3, 11):  # read by datetime.fromisoformat: no tzinfo per value
        assert all(value.tzinfo is timezone.utc for value in values)


@pytest.mark.mock_only
def test_answer_datetimes_keep_their_offsets_and_naive_ones_are_refused(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    run = mock.get_run(CONSUMER_DAG, CONSUMER_RUN)
    offsets = dict(
        run, logical_date="2024-03-01T12:30:00Z", start_date="2024-03-01T18:00:00.5+05:30"
    )
    mock.add_fault("status", method="GET", path="/dagRuns/", status=200, body=offsets)
    naive = dict(run, end_date="2024-03-01T12:30:00")
    mock.add_fault("status", method="GET", path="/dagRuns$", status=200,
                   body={"dag_runs": [run, naive], "total_entries": 2})  # fmt: skip

    got = api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)
    with pytest.raises(sdk.ApiDecodeError) as refused:
        api.get_dag_runs(CONSUMER_DAG)

    assert got.logical_date == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert got.start_date == datetime(2024, 3, 1, 12, 30, 0, 500000, tzinfo=UTC)
    assert got.start_date.utcoffset() == timedelta(hours=5, minutes=30)
    detail = refused.value.detail  # the message differs where Python < 3.11 keeps pydantic's
    assert detail.startswith("dag_runs.1.end_date: Input should") and "timezone" in detail
