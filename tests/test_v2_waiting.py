"""Waiting on v2: the ``/wait`` NDJSON stream read line by line as it arrives, and
``wait_for_dag_run`` / ``trigger_dag_run_and_wait`` to success, failure and timeout, by the stream
or by polling where the stream is missing or breaks.

Without a scheduler another thread moves the run (the mock's ``set_run_state``, or a PATCH on a
real server); with one (the mock's sched variant, or the real sched server) runs finish by
themselves.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any, Callable, List, Tuple

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_run_state import DagRunState
from airflow_python_sdk.v2.models.dag_run_wait_line import DAGRunWaitLine
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from helpers_v2 import (
    DAG,
    OTHER_DAG,
    UTC,
    Sched,
    V2Runs,
    exchanges,
    ids,
    run_in_thread,
    unique_date,
    unique_id,
    wait_for,
)
from mock_airflow import MockAirflow

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]

NEVER = datetime(2099, 1, 1, tzinfo=UTC)
"""A run_after no scheduler reaches: the run stays queued."""


def patch_later(api: DagRunApi, dag_id: str, run_id: str, state: str, delay: float):  # noqa: ANN201
    """PATCH the run's state from another thread after ``delay`` seconds."""
    return run_in_thread(
        lambda: api.patch_dag_run(dag_id, run_id, DAGRunPatchBody(state=state)), delay
    )


def wait_calls(api: DagRunApi) -> List[Tuple[str, int]]:
    """(kind, status) of the waiting calls: "wait" for the stream, "get" for a poll."""
    kinds = []
    for method, path, status in exchanges(api):
        if method == "GET" and "/dagRuns/" in path:
            kinds.append(("wait" if "/wait?" in path else "get", status))
    return kinds


# ---------------------------------------------------------------- the stream


@pytest.mark.mock_only
def test_the_stream_yields_typed_lines_as_they_arrive(
    v2_api: DagRunApi, v2_runs: V2Runs, mock: MockAirflow
) -> None:
    run = v2_runs.trigger(OTHER_DAG)
    moves = [("running", 0.25), ("success", 0.5)]

    def move() -> None:
        started = time.monotonic()
        for state, at in moves:
            time.sleep(max(0.0, at - (time.monotonic() - started)))
            if state == "success":
                mock.set_xcom(OTHER_DAG, run.dag_run_id, "extra", {"rows": [1, 2]})
            mock.set_run_state(OTHER_DAG, run.dag_run_id, state)

    arrivals: List[Tuple[float, DAGRunWaitLine]] = []
    stream = v2_api.wait_dag_run_until_finished(
        OTHER_DAG, run.dag_run_id, interval=0.05, result=["hello", "extra", "no_such_task"]
    )
    first = next(stream)  # the first line comes before anything moved
    mover = run_in_thread(move, 0.0)
    started = time.monotonic()
    arrivals = [(0.0, first)] + [(time.monotonic() - started, line) for line in stream]
    mover.join()

    lines = [line for _, line in arrivals]
    assert all(isinstance(line, DAGRunWaitLine) for line in lines)
    assert all(isinstance(line.state, DagRunState) for line in lines)
    states = [line.state for line in lines]
    assert states[0] == "queued" and states[-1] == "success" and "running" in states
    assert states == sorted(states, key=["queued", "running", "success"].index)
    assert [line.results for line in lines[:-1]] == [None] * (len(lines) - 1)
    assert lines[-1].results == {"hello": "hi", "extra": {"rows": [1, 2]}}
    assert len(lines) >= 6  # one per 0.05 s interval while it ran: they came one by one
    running_at = next(at for at, line in arrivals if line.state == "running")
    assert 0.15 < running_at < 0.45
    (call,) = [r for r in mock.requests if r.path.endswith("/wait")]
    assert "interval=0.05" in call.query and call.query.count("result=") == 3


def test_the_stream_of_a_run_failed_by_another_client(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()
    mover = patch_later(v2_api, DAG, run.dag_run_id, "failed", 0.4)

    lines = list(v2_api.wait_dag_run_until_finished(DAG, run.dag_run_id, interval=0.1))
    mover.join()

    assert lines[0].state == "queued" and lines[-1].state == "failed"
    assert [line.state for line in lines[:-1]] == ["queued"] * (len(lines) - 1)
    assert len(lines) >= 3 and lines[-1].results is None


def test_the_stream_of_a_real_run_ends_with_its_results(sched: Sched) -> None:
    run = sched.api.trigger_dag_run(
        OTHER_DAG, TriggerDAGRunPostBody(dag_run_id=unique_id("streamed"), logical_date=None)
    )
    sched.runs.track(OTHER_DAG, run.dag_run_id)

    lines = list(
        sched.api.wait_dag_run_until_finished(
            OTHER_DAG, run.dag_run_id, interval=0.2, result=["hello"], _request_timeout=90
        )
    )

    assert lines[-1] == DAGRunWaitLine(state="success", results={"hello": "hi"})
    assert all(line.state in ("queued", "running") for line in lines[:-1])
    assert sched.api.get_dag_run(OTHER_DAG, run.dag_run_id).state == "success"


# ---------------------------------------------------------------- wait_for_dag_run


def test_wait_for_dag_run_to_success(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()
    mover = patch_later(v2_api, DAG, run.dag_run_id, "success", 0.3)

    finished = v2_api.wait_for_dag_run(DAG, run.dag_run_id, timeout=10, poll_interval=0.1)
    mover.join()

    assert finished.state == "success" and finished.end_date is not None
    assert finished.dag_run_id == run.dag_run_id
    calls = wait_calls(v2_api)
    assert calls[0] == ("wait", 200) and calls[-1] == ("get", 200)
    assert len(calls) == 2  # one stream, then the run read once


def test_wait_for_dag_run_with_a_single_pooled_connection(
    new_v2_api: Callable[..., DagRunApi], v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()
    v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))
    api = new_v2_api(pool_size=1)
    finished: List[Any] = []
    waiter = threading.Thread(
        target=lambda: finished.append(
            api.wait_for_dag_run(DAG, run.dag_run_id, timeout=1, poll_interval=0.1)
        ),
        daemon=True,
    )

    waiter.start()
    waiter.join(3)  # three times the wait's own timeout
    stuck = waiter.is_alive()
    if stuck:  # give the pool one more slot for the blocked call: no thread is left behind
        for pool in list(api.api_client._transport._pool.pools._container.values()):
            pool.pool.maxsize += 1
            pool.pool.put(None)
        waiter.join(5)

    assert not stuck, "wait_for_dag_run was still blocked after three times its timeout"
    assert finished[0].state == "success"


def test_wait_for_dag_run_to_failure(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()
    mover = patch_later(v2_api, DAG, run.dag_run_id, "failed", 0.3)

    finished = v2_api.wait_for_dag_run(DAG, run.dag_run_id, timeout=10, poll_interval=0.1)
    mover.join()

    assert finished.state == "failed"  # a finished state, returned rather than raised


def test_wait_for_dag_run_times_out_with_the_last_state(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger(run_after=NEVER)  # never started

    started = time.monotonic()
    with pytest.raises(sdk.WaitTimeoutError) as caught:
        v2_api.wait_for_dag_run(DAG, run.dag_run_id, timeout=0.6, poll_interval=0.1)
    elapsed = time.monotonic() - started

    assert isinstance(caught.value, TimeoutError)
    assert caught.value.last_state == "queued" and "queued" in str(caught.value)
    assert isinstance(caught.value.last, DAGRunWaitLine)
    assert 0.5 <= elapsed < 3
    assert v2_api.get_dag_run(DAG, run.dag_run_id).state == "queued"


def test_trigger_and_wait_to_success_with_a_scheduler(sched: Sched) -> None:
    run_id = unique_id("and_wait")
    sched.runs.track(DAG, run_id)

    finished = sched.api.trigger_dag_run_and_wait(
        DAG,
        TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=None),
        timeout=90,
        poll_interval=0.2,
    )

    assert (finished.dag_run_id, finished.state) == (run_id, "success")
    assert finished.start_date is not None and finished.end_date is not None
    assert finished.duration is not None and finished.duration >= 0
    assert [m for m, p, _ in exchanges(sched.api) if p != "/auth/token"][:2] == ["POST", "GET"]


def test_trigger_and_wait_times_out_without_a_scheduler(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run_id = unique_id("and_timeout")
    v2_runs.track(DAG, run_id)
    body = TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=unique_date(), run_after=NEVER)

    with pytest.raises(sdk.WaitTimeoutError) as caught:
        v2_api.trigger_dag_run_and_wait(DAG, body, timeout=0.4, poll_interval=0.1)

    assert caught.value.last_state == "queued"
    assert v2_api.get_dag_run(DAG, run_id).state == "queued"


def test_trigger_and_wait_to_failure(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run_id = unique_id("doomed")
    v2_runs.track(DAG, run_id)

    def fail() -> None:  # as soon as the run exists, another client fails it
        wait_for(lambda: run_id in ids(v2_api.get_dag_runs(DAG, run_id_pattern=run_id).dag_runs))
        v2_api.patch_dag_run(DAG, run_id, DAGRunPatchBody(state="failed"))

    mover = run_in_thread(fail, 0.0)
    finished = v2_api.trigger_dag_run_and_wait(
        DAG,
        TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=unique_date()),
        timeout=10,
        poll_interval=0.1,
    )
    mover.join()

    assert (finished.dag_run_id, finished.state) == (run_id, "failed")
    assert v2_api.get_dag_run(DAG, run_id).state == "failed"


# ---------------------------------------------------------------- no stream: polling


@pytest.mark.mock_only
@pytest.mark.parametrize("status", [404, 405])
def test_wait_polls_where_the_server_has_no_stream(
    v2_api: DagRunApi, v2_runs: V2Runs, mock: MockAirflow, status: int
) -> None:
    run = v2_runs.trigger()
    mock.add_fault("status", method="GET", path="/wait$", status=status)
    mover = run_in_thread(lambda: mock.set_run_state(DAG, run.dag_run_id, "success"), 0.3)

    finished = v2_api.wait_for_dag_run(DAG, run.dag_run_id, timeout=5, poll_interval=0.05)
    mover.join()

    assert finished.state == "success"
    calls = wait_calls(v2_api)
    assert calls[0] == ("wait", status)
    assert {kind for kind, _ in calls[1:]} == {"get"} and len(calls) >= 3  # polled until done


@pytest.mark.mock_only
def test_wait_polls_when_the_stream_breaks(
    v2_api: DagRunApi, v2_runs: V2Runs, mock: MockAirflow
) -> None:
    run = v2_runs.trigger()
    mock.add_fault("stream_cut", method="GET", path="/wait$", lines=2)
    mover = run_in_thread(lambda: mock.set_run_state(DAG, run.dag_run_id, "success"), 0.4)

    finished = v2_api.wait_for_dag_run(DAG, run.dag_run_id, timeout=5, poll_interval=0.05)
    mover.join()

    assert finished.state == "success"
    calls = wait_calls(v2_api)
    assert calls[0] == ("wait", 200) and calls[-1] == ("get", 200)
    assert len(mock.requests_to("GET", "/wait")) == 1


def test_a_wait_for_an_unknown_run_polls_then_raises_not_found(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.NotFoundException):
        v2_api.wait_for_dag_run(DAG, "no_such_run", timeout=1, poll_interval=0.05)
