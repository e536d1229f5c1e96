"""`api.paginate.<operation>(...)` of both list operations, and the waiting helpers
`wait_for_dag_run` and `trigger_dag_run_and_wait`."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterator, List
from urllib.parse import parse_qsl

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from airflow_python_sdk.model.update_dag_run_state import UpdateDagRunState
from helpers import DAG, OTHER_DAG, Runs, ids, make_api, unique_date, unique_id, window
from mock_airflow import MockAirflow

pytest_plugins = ["helpers"]


def paginate_get(api: DAGRunApi, page_size: int, **filters: Any) -> Any:
    return api.paginate.get_dag_runs(DAG, limit=page_size, **filters)


def paginate_batch(api: DAGRunApi, page_size: int, **filters: Any) -> Any:
    return api.paginate.get_dag_runs_batch(
        ListDagRunsForm(dag_ids=[DAG], page_limit=page_size, **filters)
    )


PAGINATORS = {"get_dag_runs": paginate_get, "get_dag_runs_batch": paginate_batch}
paginators = pytest.mark.parametrize("paginate", PAGINATORS.values(), ids=PAGINATORS.keys())


def page_offsets(requests: List[Any]) -> List[int]:
    """The offset each list request asked for (query or batch body)."""
    offsets = []
    for record in requests:
        if record.method == "GET":
            offsets.append(int(dict(parse_qsl(record.query)).get("offset", 0)))
        else:
            offsets.append(record.json().get("page_offset", 0))
    return offsets


# ---------------------------------------------------------------- paging


@paginators
@pytest.mark.parametrize("count, offsets", [(4, [0, 2]), (5, [0, 2, 4])], ids=["full", "partial"])
def test_paginate_yields_every_run_once_in_order(
    api: DAGRunApi, runs: Runs, sent: Callable[[], Any], paginate: Callable[..., Any],
    count: int, offsets: List[int],
) -> None:  # fmt: skip
    made = runs.series(count)
    requests_before = len(sent() or [])

    pages = paginate(api, 2, **window(made))

    assert pages.total == count  # fetches the first page, which iterating then starts with
    assert ids(pages) == ids(made)
    if sent() is not None:  # full last page: no request for an empty page after it
        assert page_offsets(sent()[requests_before:]) == offsets


@paginators
def test_paginate_of_an_empty_list_makes_one_request(
    api: DAGRunApi, sent: Callable[[], Any], paginate: Callable[..., Any]
) -> None:
    nowhere = unique_date()

    pages = paginate(api, 10, execution_date_gte=nowhere, execution_date_lte=nowhere)

    assert pages.total == 0 and list(pages) == []
    assert sent() is None or len(sent()) == 1


def test_paginate_starts_at_the_given_offset(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(5)

    pages = api.paginate.get_dag_runs(DAG, offset=2, limit=2, **window(made))

    assert ids(pages) == ids(made[2:])


def test_paginate_iterates_lazily_and_can_stop_early(
    api: DAGRunApi, runs: Runs, sent: Callable[[], Any]
) -> None:
    made = runs.series(5)
    before = len(sent() or [])

    first_three = [run for _, run in zip(range(3), api.paginate.get_dag_runs(
        DAG, limit=2, **window(made)))]  # fmt: skip

    assert ids(first_three) == ids(made[:3])
    if sent() is not None:
        assert len(sent()) - before == 2


@pytest.fixture
def many_runs(mock: MockAirflow) -> Iterator[List[str]]:
    """250 runs of another_dag, in id order."""
    yield mock.seed_runs(OTHER_DAG, 250, states=("success", "failed", "queued"))


@pytest.mark.mock_only
@pytest.mark.parametrize("limit", [None, 0, 100, 1000], ids=["default", "0", "100", "1000"])
def test_paginate_get_over_250_runs(
    api: DAGRunApi, mock: MockAirflow, many_runs: List[str], limit: Any
) -> None:
    pages = api.paginate.get_dag_runs(OTHER_DAG, limit=limit)

    assert pages.total == 250
    assert ids(pages) == many_runs
    assert page_offsets(mock.requests) == [0, 100, 200]


@pytest.mark.mock_only
def test_paginate_batch_over_250_runs(
    api: DAGRunApi, mock: MockAirflow, many_runs: List[str]
) -> None:
    pages = api.paginate.get_dag_runs_batch(ListDagRunsForm(dag_ids=[OTHER_DAG]))

    assert pages.total == 250 and ids(pages) == many_runs
    assert page_offsets(mock.requests) == [0, 100, 200]
    assert all(r.json()["page_limit"] == 100 for r in mock.requests)


@pytest.mark.mock_only
def test_paginate_keeps_filters_and_order_on_every_page(
    api: DAGRunApi, mock: MockAirflow, many_runs: List[str]
) -> None:
    pages = api.paginate.get_dag_runs(
        OTHER_DAG, state=["success", "failed"], order_by="-execution_date", limit=30
    )

    finished = [run for i, run in enumerate(many_runs) if i % 3 != 2]
    assert ids(pages) == finished[::-1]
    assert len(mock.requests) == 6  # 167 runs, 30 a page
    assert all("state=success&state=failed" in r.query for r in mock.requests)
    assert all("order_by=-execution_date" in r.query for r in mock.requests)


@pytest.mark.mock_only
def test_paginate_over_10000_runs(api: DAGRunApi, mock: MockAirflow) -> None:
    seeded = mock.seed_runs(OTHER_DAG, 10_000, run_id_prefix="bulk_")

    assert ids(api.paginate.get_dag_runs(OTHER_DAG)) == seeded
    assert len(mock.requests) == 100


# ---------------------------------------------------------------- waiting


def set_state_later(target: Any, run_id: str, state: str, delay: float) -> threading.Thread:
    """Another client sets the run's state after ``delay`` s (waiting for the run to exist)."""

    def work() -> None:
        time.sleep(delay)
        deadline = time.monotonic() + 10
        with make_api(target).api_client as client:
            other = DAGRunApi(client)
            while True:
                try:
                    other.update_dag_run_state(DAG, run_id, UpdateDagRunState(state=state))
                    return
                except sdk.NotFoundException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("state", ["success", "failed"])
def test_wait_for_dag_run_returns_a_finished_run_at_once(
    api: DAGRunApi, runs: Runs, sent: Callable[[], Any], state: str
) -> None:
    made = runs.create()
    api.update_dag_run_state(DAG, made.dag_run_id, UpdateDagRunState(state=state))
    before = len(sent() or [])

    run = api.wait_for_dag_run(DAG, made.dag_run_id, timeout=10, poll_interval=5)

    assert (run.dag_run_id, run.state) == (made.dag_run_id, state)
    assert sent() is None or len(sent()) - before == 1


@pytest.mark.parametrize("state", ["success", "failed"])
def test_wait_for_dag_run_polls_until_the_run_finishes(
    api: DAGRunApi, runs: Runs, target: Any, sent: Callable[[], Any], state: str
) -> None:
    made = runs.create()

    thread = set_state_later(target, made.dag_run_id, state, delay=0.6)
    run = api.wait_for_dag_run(DAG, made.dag_run_id, timeout=20, poll_interval=0.1)
    thread.join()

    assert run.state == state and run.end_date is not None
    if sent() is not None:
        polls = [r for r in sent() if r.method == "GET"]
        assert len(polls) >= 3 and all(r.status == 200 for r in polls)


def test_wait_for_dag_run_times_out_with_the_last_answer(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()
    started = time.monotonic()

    with pytest.raises(sdk.WaitTimeoutError) as raised:
        api.wait_for_dag_run(DAG, made.dag_run_id, timeout=0.5, poll_interval=0.1)

    assert 0.5 <= time.monotonic() - started < 5
    assert isinstance(raised.value, TimeoutError)
    assert raised.value.last_state == "queued"
    assert raised.value.last == api.get_dag_run(DAG, made.dag_run_id)
    assert "queued" in str(raised.value)


def test_wait_for_a_missing_run_raises_not_found(api: DAGRunApi) -> None:
    with pytest.raises(sdk.NotFoundException):
        api.wait_for_dag_run(DAG, unique_id("missing"), timeout=1, poll_interval=0.1)


@pytest.mark.parametrize("timeout, poll", [(0, 1), (1, 0), (-1, 1)])
def test_wait_needs_a_positive_timeout_and_poll_interval(
    api: DAGRunApi, sent: Callable[[], Any], timeout: float, poll: float
) -> None:
    with pytest.raises(ValueError):
        api.wait_for_dag_run(DAG, "any", timeout=timeout, poll_interval=poll)
    assert sent() in (None, [])


@pytest.mark.mock_only
def test_wait_keeps_polling_through_an_unknown_state(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.add_run(DAG, "newer_state", unique_date(), state="deferred_by_future_airflow")

    with pytest.raises(sdk.WaitTimeoutError) as raised:
        api.wait_for_dag_run(DAG, "newer_state", timeout=0.3, poll_interval=0.1)

    assert raised.value.last_state == "deferred_by_future_airflow"
    assert len(mock.requests) >= 3


def test_trigger_dag_run_and_wait_returns_the_finished_run(
    api: DAGRunApi, runs: Runs, target: Any, sent: Callable[[], Any]
) -> None:
    run_id = unique_id("trigger_wait")
    runs.track(DAG, run_id)

    thread = set_state_later(target, run_id, "success", delay=0.3)
    run = api.trigger_dag_run_and_wait(
        DAG, DAGRun(dag_run_id=run_id, logical_date=unique_date(), conf={"k": 1}),
        timeout=20, poll_interval=0.1,
    )  # fmt: skip
    thread.join()

    assert (run.dag_run_id, run.state, run.conf) == (run_id, "success", {"k": 1})
    if sent() is not None:
        post, *polls = [r for r in sent() if r.method in ("POST", "GET")]
        assert post.method == "POST" and post.json()["dag_run_id"] == run_id
        assert polls and all(r.method == "GET" and r.path.endswith(run_id) for r in polls)


@pytest.mark.parametrize("chosen_id", [True, False], ids=["chosen_id", "generated_id"])
def test_trigger_dag_run_and_wait_times_out_while_queued(
    api: DAGRunApi, runs: Runs, chosen_id: bool
) -> None:
    # A generated id (manual__<date>+00:00) is polled for through a percent-encoded path.
    run_id = unique_id("trigger_timeout") if chosen_id else None
    started = time.monotonic()

    with pytest.raises(sdk.WaitTimeoutError) as raised:
        api.trigger_dag_run_and_wait(DAG, DAGRun(dag_run_id=run_id), timeout=0.5, poll_interval=0.2)
    last = raised.value.last
    runs.track(DAG, last.dag_run_id)

    assert 0.5 <= time.monotonic() - started < 10
    assert last.dag_run_id == run_id if chosen_id else last.dag_run_id.startswith("manual__")
    assert (last.state, raised.value.last_state) == ("queued", "queued")
    assert api.get_dag_run(DAG, last.dag_run_id) == last  # triggered, still waiting to run


@pytest.mark.mock_only
def test_total_after_iterating_asks_the_server_nothing_more(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    mock.seed_runs(DAG, 150)
    pages = api.paginate.get_dag_runs(DAG)

    assert len(list(pages)) == 150
    asked = len(mock.requests)
    assert pages.total == 150
    assert len(mock.requests) == asked == 2
