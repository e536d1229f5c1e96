"""What goes on the wire for v2: trigger bodies, path and query encoding, dates, hostile run ids.

The mock's request log shows the bytes sent; on a real server the tests read back what it stored
(or what a 404 names), so a wrong encoding shows as a wrong run or a wrong error.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_clear_body import DAGRunClearBody
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_runs_batch_body import DAGRunsBatchBody
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from helpers_v2 import (
    DAG,
    FAST,
    RUNNING_RUN,
    UTC,
    Sched,
    V2Runs,
    assert_aware_utc,
    body_of,
    exchanges,
    ids,
    unique_date,
    unique_id,
)
from mock_airflow import MockAirflow

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]

Sent = Callable[[], Optional[List[Any]]]


def not_found_text(run_id: str, dag_id: str = DAG) -> str:
    return f"The DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found"


def api_calls(received: List[Any]) -> List[Any]:
    return [r for r in received if r.path != "/auth/token"]


# ---------------------------------------------------------------- trigger bodies


def test_an_empty_trigger_body_sends_logical_date_null(
    v2_api: DagRunApi, v2_runs: V2Runs, v2_sent: Sent
) -> None:
    run = v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody())
    v2_runs.track(DAG, run.dag_run_id)

    received = v2_sent()
    if received is not None:
        (post,) = [r for r in received if r.method == "POST" and r.path.endswith("/dagRuns")]
        assert post.body == b'{"logical_date":null}'
        assert post.header("Content-Type") == "application/json"
    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert stored.logical_date is None and stored.data_interval_start is None


def test_unset_fields_are_never_sent(v2_api: DagRunApi, v2_runs: V2Runs, v2_sent: Sent) -> None:
    run_id, date = unique_id(), unique_date()
    v2_runs.track(DAG, run_id)

    v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=date))
    v2_api.patch_dag_run(DAG, run_id, DAGRunPatchBody(note="only the note"))
    v2_api.clear_dag_run(DAG, run_id, DAGRunClearBody())

    received = v2_sent()
    if received is not None:
        trigger, patch, clear = [body_of(r) for r in api_calls(received) if r.body]
        assert trigger == {"dag_run_id": run_id, "logical_date": date.isoformat()}
        assert patch == {"note": "only the note"}
        assert clear == {"dry_run": True, "only_failed": False, "only_new": False}
    stored = v2_api.get_dag_run(DAG, run_id)
    assert (stored.state, stored.note, stored.conf) == ("queued", "only the note", {})


def test_naive_datetimes_are_refused_before_any_request(v2_api: DagRunApi) -> None:
    naive = datetime(2024, 1, 1)

    with pytest.raises(ValueError, match="timezone"):
        TriggerDAGRunPostBody(logical_date=naive)
    with pytest.raises(ValueError, match="timezone"):
        TriggerDAGRunPostBody(run_after=naive)
    with pytest.raises(ValueError, match="timezone"):
        DAGRunsBatchBody(logical_date_gte=naive)
    with pytest.raises(ValueError, match="logical_date_gte must be a timezone-aware datetime"):
        v2_api.get_dag_runs(DAG, logical_date_gte=naive)
    with pytest.raises(ValueError, match="got the date 2024-01-01"):
        v2_api.get_dag_runs(DAG, start_date_lt=naive.date())  # type: ignore[arg-type]
    body = TriggerDAGRunPostBody(dag_run_id=unique_id())
    with pytest.raises(ValueError):
        body.logical_date = naive  # assignments are checked too

    assert exchanges(v2_api) == []  # not even a login


# ---------------------------------------------------------------- a chosen run id: safe to retry


@pytest.mark.mock_only
@pytest.mark.parametrize("kind", ["drop", "reset"])
def test_a_trigger_with_a_run_id_survives_a_lost_answer(
    new_v2_api: Callable[..., DagRunApi], mock: MockAirflow, kind: str
) -> None:
    v2_api = new_v2_api(**FAST)
    v2_api.get_dag_runs(DAG, limit=1)  # logged in already
    mock.clear_requests()
    mock.add_fault(kind, method="POST", path="/dagRuns$")  # processed, then the answer is lost

    run = v2_api.trigger_dag_run(
        DAG, TriggerDAGRunPostBody(dag_run_id="chosen", conf={"attempt": kind})
    )

    assert (run.dag_run_id, run.conf) == ("chosen", {"attempt": kind})
    assert mock.v2_run_ids(DAG).count("chosen") == 1
    assert [(r.method, r.fault) for r in mock.requests] == [
        ("POST", kind),
        ("POST", None),
        ("GET", None),
    ]
    assert [r.status for r in mock.requests[1:]] == [409, 200]


@pytest.mark.mock_only
def test_a_trigger_without_a_run_id_is_not_repeated(v2_api: DagRunApi, mock: MockAirflow) -> None:
    before = len(mock.v2_run_ids(DAG))
    mock.add_fault("drop", method="POST", path="/dagRuns$")

    with pytest.raises(sdk.ApiConnectionError):
        v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody())

    assert len(mock.requests_to("POST", "/dagRuns")) == 1
    assert len(mock.v2_run_ids(DAG)) == before + 1  # processed once, never twice


@pytest.mark.mock_only
def test_an_empty_run_id_is_not_a_chosen_one(
    new_v2_api: Callable[..., DagRunApi], mock: MockAirflow
) -> None:
    v2_api = new_v2_api(**FAST)
    v2_api.get_dag_runs(DAG, limit=1)
    before = len(mock.v2_run_ids(DAG))
    mock.clear_requests()
    mock.add_fault("drop", method="POST", path="/dagRuns$")  # processed, then the answer is lost

    with pytest.raises(sdk.ApiConnectionError):
        v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id=""))

    assert len(mock.v2_run_ids(DAG)) == before + 1  # made once, as without a run id
    assert len(mock.requests_to("POST", "/dagRuns")) == 1


@pytest.mark.mock_only
def test_a_genuine_conflict_after_a_lost_attempt_stays_a_conflict(
    new_v2_api: Callable[..., DagRunApi], mock: MockAirflow
) -> None:
    v2_api = new_v2_api(**FAST)
    taken = datetime(2025, 1, 1, tzinfo=UTC)
    mock.add_v2_run(DAG, "holder", logical_date=taken)
    v2_api.get_dag_runs(DAG, limit=1)
    mock.clear_requests()
    mock.add_fault("drop", method="POST", path="/dagRuns$", process=False)  # never processed

    with pytest.raises(sdk.ConflictException):
        v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody(dag_run_id="late", logical_date=taken))

    assert mock.get_v2_run(DAG, "late") is None
    assert [r.status for r in mock.requests_to("POST")] == [None, 409]


def test_a_first_attempt_conflict_stays_a_conflict(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger(conf={"first": True})

    with pytest.raises(sdk.ConflictException) as caught:
        v2_api.trigger_dag_run(
            DAG, TriggerDAGRunPostBody(dag_run_id=run.dag_run_id, conf={"second": True})
        )

    error = caught.value
    assert error.detail and error.detail.startswith("Unique constraint violation: Serious error")
    assert "{" not in error.detail  # the object detail is read, not dumped
    assert str(error).startswith("409 Conflict: POST ") and error.detail in str(error)
    assert v2_api.get_dag_run(DAG, run.dag_run_id).conf == {"first": True}
    assert [s for m, _, s in exchanges(v2_api) if m == "POST"][-1] == 409


def test_a_duplicate_logical_date_is_a_conflict_too(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()

    with pytest.raises(sdk.ConflictException):
        v2_runs.trigger(logical_date=run.logical_date)


# ---------------------------------------------------------------- run ids in paths


@pytest.mark.mock_only
@pytest.mark.parametrize(
    "run_id, raw",
    [
        ("a+b", "a%2Bb"),
        ("with space", "with%20space"),
        ("ümlaut✓", "%C3%BCmlaut%E2%9C%93"),
        ("50%?x=1#frag", "50%25%3Fx%3D1%23frag"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("manual__2024-01-01T00:00:00+00:00", "manual__2024-01-01T00%3A00%3A00%2B00%3A00"),
    ],
)
def test_run_ids_are_percent_encoded_with_nothing_safe(
    v2_api: DagRunApi, mock: MockAirflow, run_id: str, raw: str
) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.get_dag_run(DAG, run_id)

    assert caught.value.detail == not_found_text(run_id)
    (call,) = mock.requests_to("GET")
    assert call.path == f"/api/v2/dags/{DAG}/dagRuns/{raw}" and call.query == ""


@pytest.mark.parametrize(
    "run_id",
    ["a+b", "with space", "ümlaut✓", "50%?x=1#frag", ".", "..", "a%2Fb", "q?x=", "h#"],
)
def test_hostile_run_ids_address_that_run_and_nothing_else(v2_api: DagRunApi, run_id: str) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.get_dag_run(DAG, run_id)
    assert caught.value.detail == not_found_text(run_id)  # not another route, DAG or list
    with pytest.raises(sdk.NotFoundException) as deleted:
        v2_api.delete_dag_run(DAG, run_id)
    assert deleted.value.detail == not_found_text(run_id)


@pytest.mark.parametrize("run_id", ["a/b", "../x", "/", "x/..", ""])
def test_a_run_id_that_cannot_be_addressed_is_refused_before_any_request(
    v2_api: DagRunApi, run_id: str
) -> None:
    with pytest.raises(ValueError):
        v2_api.get_dag_run(DAG, run_id)
    with pytest.raises(ValueError):
        v2_api.delete_dag_run("../dags", run_id or "x/y")
    assert exchanges(v2_api) == []


def test_the_plus_in_a_run_id_is_a_plus(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run_id = unique_id("plus") + "+x"
    v2_runs.trigger(dag_run_id=run_id)

    assert v2_api.get_dag_run(DAG, run_id).dag_run_id == run_id
    with pytest.raises(sdk.NotFoundException):
        v2_api.get_dag_run(DAG, run_id.replace("+", " "))


def test_any_run_id_round_trips_where_the_server_allows_it(sched: Sched) -> None:
    """On a server with ``allowed_run_id_pattern = ^.+$`` (the sched variant)."""
    base = unique_id("odd")
    made = []
    for suffix in ("+plus", " space", "-ümlaut✓", "%25?x=1#h", ":colon", ".dot"):
        run_id = base + suffix
        sched.runs.track(DAG, run_id)
        run = sched.api.trigger_dag_run(
            DAG, TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=unique_date())
        )
        made.append(run_id)
        assert run.dag_run_id == run_id
        assert sched.api.get_dag_run(DAG, run_id).dag_run_id == run_id
    listed = sched.api.get_dag_runs(DAG, run_id_prefix_pattern=base, order_by=["id"])
    assert ids(listed.dag_runs) == made
    sched.runs.delete_all()
    for run_id in made:
        with pytest.raises(sdk.NotFoundException):
            sched.api.get_dag_run(DAG, run_id)


# ---------------------------------------------------------------- dates in queries and answers


def test_query_dates_carry_their_offset_percent_encoded(
    v2_api: DagRunApi, v2_runs: V2Runs, v2_sent: Sent
) -> None:
    run = v2_runs.trigger()
    plus_two = timezone(timedelta(hours=2))
    low = run.logical_date.astimezone(plus_two) - timedelta(microseconds=1)
    high = run.logical_date.astimezone(timezone(timedelta(hours=-5))) + timedelta(microseconds=1)

    found = v2_api.get_dag_runs(DAG, logical_date_gt=low, logical_date_lt=high)

    assert ids(found.dag_runs) == [run.dag_run_id]  # a raw "+" would have been a space: 422
    received = v2_sent()
    if received is not None:
        (call,) = [r for r in received if r.method == "GET"]
        assert f"logical_date_gt={low.isoformat().replace(':', '%3A').replace('+', '%2B')}" in (
            call.query
        )
        assert "%2B02%3A00" in call.query and "-05%3A00" in call.query and "+" not in call.query


def test_answer_dates_are_aware_and_z_is_utc(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    date = unique_date().astimezone(timezone(timedelta(hours=-3, minutes=-30)))
    run = v2_runs.trigger(logical_date=date, run_after=date)
    v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))

    response = v2_api.raw.get_dag_run(DAG, run.dag_run_id)

    assert b"+00:00" not in response.raw_data.replace(run.dag_run_id.encode(), b"")
    assert b'Z"' in response.raw_data
    stored = response.data
    assert stored.logical_date == stored.run_after == date
    assert stored.logical_date.tzinfo is not None and stored.end_date is not None
    assert_aware_utc(stored)
    running = v2_api.get_dag_run(DAG, RUNNING_RUN)
    assert running.start_date == datetime(2024, 1, 3, tzinfo=UTC)


# ---------------------------------------------------------------- generated ids and conf

PATTERN_ALPHABET = "abcXYZ019_.~:+-"
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
ADDRESSABLE_IDS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
    min_size=1,
    max_size=20,
)


@SETTINGS
@given(run_id=ADDRESSABLE_IDS)
def test_any_run_id_without_a_slash_reaches_exactly_that_run(
    v2_api: DagRunApi, run_id: str
) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.get_dag_run(DAG, "no_such_" + run_id)
    assert caught.value.detail == not_found_text("no_such_" + run_id)


@SETTINGS
@given(
    suffix=st.text(PATTERN_ALPHABET, min_size=1, max_size=12).filter(lambda s: ".." not in s),
    conf=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
)
def test_generated_run_ids_and_conf_round_trip(v2_api: DagRunApi, suffix: str, conf: dict) -> None:
    run_id = unique_id("gen") + suffix
    try:
        run = v2_api.trigger_dag_run(
            DAG, TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=unique_date(), conf=conf)
        )
        stored = v2_api.get_dag_run(DAG, run_id)
    finally:
        V2Runs(v2_api).delete_all_of([(DAG, run_id)])

    assert run.dag_run_id == stored.dag_run_id == run_id
    assert stored.conf == conf == json.loads(json.dumps(conf))
