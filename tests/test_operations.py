"""Every DAG Run operation and helper of the SDK, over real HTTP, on the mock or a real Airflow.

Each test makes its own runs (unique ids and logical dates, deleted afterwards) and only looks at
those in list answers, so it passes on a real server that keeps every earlier run.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.clear_dag_run import ClearDagRun
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.dag_state import DagState
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from airflow_python_sdk.model.set_dag_run_note import SetDagRunNote
from airflow_python_sdk.model.task_instance_reference_collection import (
    TaskInstanceReferenceCollection,
)
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
    window,
)
from mock_airflow import MockAirflow

pytest_plugins = ["helpers"]


def assert_aware(run: DAGRun) -> None:
    for name in DATETIME_FIELDS:
        value = getattr(run, name)
        assert value is None or value.utcoffset() is not None, name


def set_state(api: DAGRunApi, run: DAGRun, state: str) -> DAGRun:
    return api.update_dag_run_state(run.dag_id, run.dag_run_id, UpdateDagRunState(state=state))


# ---------------------------------------------------------------- post_dag_run, create_dag_run


def test_post_dag_run_answers_200_with_the_full_queued_run(api: DAGRunApi, runs: Runs) -> None:
    run_id, date = unique_id(), unique_date()
    runs.track(DAG, run_id)
    conf = {"a": 1, "nested": {"b": [1, 2]}, "text": "läuft ✓"}
    body = DAGRun(dag_run_id=run_id, logical_date=date, conf=conf, note="first run")

    response = api.raw.post_dag_run(DAG, body)

    assert response.status == 200
    run = response.data
    assert (run.dag_id, run.dag_run_id, run.run_type) == (DAG, run_id, "manual")
    assert run.state is DagState.QUEUED and run.external_trigger is True
    assert run.logical_date == run.execution_date == date
    assert run.data_interval_start == run.data_interval_end == date
    assert (run.conf, run.note) == (conf, "first run")
    assert run.start_date is None and run.end_date is None
    assert run.last_scheduling_decision is None
    assert_aware(run)


def test_post_dag_run_echoes_the_offset_sent_and_get_answers_utc(
    api: DAGRunApi, runs: Runs
) -> None:
    date = unique_date().astimezone(timezone(timedelta(hours=2)))

    posted = runs.create(logical_date=date)
    fetched = api.get_dag_run(DAG, posted.dag_run_id)

    assert posted.logical_date == fetched.logical_date == date
    assert posted.logical_date.utcoffset() == timedelta(hours=2)
    assert fetched.logical_date.utcoffset() == timedelta(0)


def test_post_dag_run_without_id_or_date_lets_the_server_choose(api: DAGRunApi, runs: Runs) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)

    run = api.post_dag_run(DAG, DAGRun())
    runs.track(DAG, run.dag_run_id)

    assert run.dag_run_id == f"manual__{run.logical_date.isoformat()}"
    assert before <= run.logical_date <= datetime.now(UTC) + timedelta(seconds=5)
    assert run.conf == {} and run.note is None


def test_post_dag_run_with_execution_date_and_data_interval(api: DAGRunApi, runs: Runs) -> None:
    date = unique_date()
    start, end = date - timedelta(days=1), date

    run = runs.create(
        logical_date=None, execution_date=date, data_interval_start=start, data_interval_end=end
    )

    assert run.logical_date == run.execution_date == date
    assert (run.data_interval_start, run.data_interval_end) == (start, end)


def test_post_dag_run_stores_an_empty_note_as_null(api: DAGRunApi, runs: Runs) -> None:
    run = runs.create(note="")

    assert run.note is None
    assert api.get_dag_run(DAG, run.dag_run_id).note is None


def test_post_dag_run_accepts_conf_within_the_dags_params(runs: Runs) -> None:
    run = runs.create("params_dag", conf={"name": "sdk", "count": 10})

    assert run.conf == {"name": "sdk", "count": 10}


def test_create_dag_run_triggers_with_the_given_run_id(api: DAGRunApi, runs: Runs) -> None:
    run_id = unique_id("created")
    runs.track(DAG, run_id)

    run = api.create_dag_run(DAG, run_id, DAGRun(logical_date=unique_date(), conf={"k": "v"}))

    assert (run.dag_run_id, run.conf) == (run_id, {"k": "v"})
    assert api.get_dag_run(DAG, run_id).conf == {"k": "v"}


# ---------------------------------------------------------------- get_dag_run, .raw


def test_get_dag_run_returns_the_stored_run(api: DAGRunApi, runs: Runs) -> None:
    posted = runs.create(conf={"x": [1, None]}, note="n")

    run = api.get_dag_run(DAG, posted.dag_run_id)

    assert run == posted
    assert run.conf == {"x": [1, None]}


def test_get_dag_run_with_fields_leaves_the_other_fields_none(api: DAGRunApi, runs: Runs) -> None:
    posted = runs.create(conf={"a": 1})

    run = api.get_dag_run(DAG, posted.dag_run_id, fields=["dag_run_id", "conf"])

    assert (run.dag_run_id, run.conf) == (posted.dag_run_id, {"a": 1})
    assert run.state is None and run.dag_id is None and run.logical_date is None


def test_raw_gives_status_headers_data_and_body(api: DAGRunApi, runs: Runs) -> None:
    posted = runs.create()

    response = api.raw.get_dag_run(DAG, posted.dag_run_id)

    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.data == posted
    assert f'"dag_run_id": "{posted.dag_run_id}"'.encode() in response.raw_data


def test_get_dag_run_decodes_nulls_and_other_run_types(api: DAGRunApi) -> None:
    run = api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)

    assert (run.run_type, run.state, run.external_trigger) == ("dataset_triggered", "queued", False)
    assert run.logical_date == datetime(2024, 1, 2, tzinfo=UTC)
    assert run.data_interval_start == run.data_interval_end == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert run.start_date is run.end_date is run.last_scheduling_decision is run.note is None
    assert run.conf == {}
    assert_aware(run)


# ---------------------------------------------------------------- get_dag_runs


def test_get_dag_runs_lists_in_id_order_by_default(api: DAGRunApi, runs: Runs) -> None:
    start = unique_date()
    made = [runs.create(logical_date=start + timedelta(minutes=m)) for m in (2, 0, 1)]

    listed = api.get_dag_runs(DAG, **window(made))

    assert ids(listed.dag_runs) == ids(made)
    assert listed.total_entries == 3
    assert all(run.dag_id == DAG for run in listed.dag_runs)


@pytest.mark.parametrize(
    "order_by, expected",
    [
        ("execution_date", ["b", "c", "a"]),
        ("-execution_date", ["a", "c", "b"]),
        ("dag_run_id", ["a", "b", "c"]),
        ("-dag_run_id", ["c", "b", "a"]),
        ("-id", ["b", "a", "c"]),
    ],
)
def test_get_dag_runs_order_by(api: DAGRunApi, runs: Runs, order_by: str, expected: list) -> None:
    start, prefix = unique_date(), unique_id("order")
    dates = {"c": 1, "a": 2, "b": 0}  # created in this order: c, a, b
    made = [
        runs.create(dag_run_id=f"{prefix}_{name}", logical_date=start + timedelta(minutes=m))
        for name, m in dates.items()
    ]

    listed = api.get_dag_runs(DAG, order_by=order_by, **window(made))

    assert ids(listed.dag_runs) == [f"{prefix}_{name}" for name in expected]


def test_get_dag_runs_limit_and_offset_page_the_list(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(4)

    page = api.get_dag_runs(DAG, limit=2, offset=1, **window(made))

    assert ids(page.dag_runs) == ids(made[1:3])
    assert page.total_entries == 4


def test_get_dag_runs_limit_zero_means_the_default_page(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(3)

    page = api.get_dag_runs(DAG, limit=0, **window(made))

    assert ids(page.dag_runs) == ids(made)


@pytest.mark.mock_only
def test_get_dag_runs_limit_is_clamped_to_100(api: DAGRunApi, mock: MockAirflow) -> None:
    mock.seed_runs(OTHER_DAG, 150)

    for limit in (0, 101, 1000, None):
        page = api.get_dag_runs(OTHER_DAG, limit=limit)
        assert (len(page.dag_runs), page.total_entries) == (100, 150)


def test_get_dag_runs_filters_by_execution_date(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(4)
    gte, lte = made[1].logical_date, made[2].logical_date

    assert ids(api.get_dag_runs(DAG, **window(made)).dag_runs) == ids(made)
    between = api.get_dag_runs(DAG, execution_date_gte=gte, execution_date_lte=lte)
    assert ids(between.dag_runs) == ids(made[1:3])
    after = api.get_dag_runs(DAG, execution_date_gte=lte, limit=100, order_by="execution_date")
    assert ids(after.dag_runs)[:2] == ids(made[2:])
    assert all(run.logical_date >= lte for run in after.dag_runs)


def test_get_dag_runs_filters_by_repeated_state(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(3)
    set_state(api, made[0], "success")
    set_state(api, made[1], "failed")

    finished = api.get_dag_runs(DAG, state=["success", "failed"], **window(made))
    queued = api.get_dag_runs(DAG, state=["queued"], **window(made))

    assert ids(finished.dag_runs) == ids(made[:2])
    assert [run.state for run in finished.dag_runs] == ["success", "failed"]
    assert ids(queued.dag_runs) == ids(made[2:])


def test_get_dag_runs_filters_by_end_date(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(2)
    before = datetime.now(UTC) - timedelta(minutes=1)
    ended = set_state(api, made[0], "success").end_date
    assert ended is not None and ended >= before

    since = api.get_dag_runs(DAG, end_date_gte=before, **window(made))
    until = api.get_dag_runs(DAG, end_date_lte=before, **window(made))
    exact = api.get_dag_runs(DAG, end_date_gte=ended, end_date_lte=ended, **window(made))

    assert ids(since.dag_runs) == ids(exact.dag_runs) == [made[0].dag_run_id]
    assert until.dag_runs == []  # the queued run has no end date: no range holds it


def test_get_dag_runs_filters_by_start_date(api: DAGRunApi) -> None:
    # Only the seeded producer run has a start date (there is no scheduler to start runs).
    noon = datetime(2024, 1, 1, 12, tzinfo=UTC)

    hit = api.get_dag_runs("dataset_producer", start_date_gte=noon, start_date_lte=noon)
    miss = api.get_dag_runs("dataset_producer", start_date_gte=noon + timedelta(seconds=1))

    assert "harness_producer_run" in ids(hit.dag_runs)
    assert all(run.start_date == noon for run in hit.dag_runs)
    assert "harness_producer_run" not in ids(miss.dag_runs)


def test_get_dag_runs_filters_by_updated_at(api: DAGRunApi, runs: Runs) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    made = runs.series(2)

    since = api.get_dag_runs(DAG, updated_at_gte=before, **window(made))
    until = api.get_dag_runs(DAG, updated_at_lte=before, **window(made))

    assert ids(since.dag_runs) == ids(made)
    assert until.dag_runs == [] and until.total_entries == 0


def test_get_dag_runs_with_repeated_fields_gives_sparse_runs(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(2, conf={"k": 1})

    page = api.get_dag_runs(DAG, fields=["dag_run_id", "state"], **window(made))

    assert ids(page.dag_runs) == ids(made)
    for run in page.dag_runs:
        assert run.state == "queued"
        assert run.conf is run.dag_id is run.logical_date is run.run_type is None


def test_get_dag_runs_with_tilde_lists_every_dag(api: DAGRunApi, runs: Runs) -> None:
    start = unique_date()
    first = runs.create(DAG, logical_date=start)
    second = runs.create(OTHER_DAG, logical_date=start + timedelta(seconds=1))

    page = api.get_dag_runs("~", execution_date_gte=start, execution_date_lte=second.logical_date)

    assert [(run.dag_id, run.dag_run_id) for run in page.dag_runs] == [
        (DAG, first.dag_run_id),
        (OTHER_DAG, second.dag_run_id),
    ]


def test_get_dag_runs_of_an_unknown_dag_is_empty(api: DAGRunApi) -> None:
    page = api.get_dag_runs(unique_id("no_such_dag"))

    assert (page.dag_runs, page.total_entries) == ([], 0)


# ---------------------------------------------------------------- get_dag_runs_batch


def test_batch_filters_by_dag_ids_states_and_dates_and_pages(api: DAGRunApi, runs: Runs) -> None:
    start = unique_date()
    made = [
        runs.create(dag, logical_date=start + timedelta(minutes=i))
        for i, dag in enumerate([DAG, OTHER_DAG, DAG, OTHER_DAG, "params_dag"])
    ]
    set_state(api, made[3], "failed")
    form = ListDagRunsForm(
        dag_ids=[DAG, OTHER_DAG],
        states=["queued"],
        execution_date_gte=start,
        execution_date_lte=made[-1].logical_date,
        order_by="-execution_date",
    )

    everything = api.get_dag_runs_batch(form)
    page = api.get_dag_runs_batch(dataclasses.replace(form, page_offset=1, page_limit=1))

    assert ids(everything.dag_runs) == ids([made[2], made[1], made[0]])
    assert everything.total_entries == page.total_entries == 3
    assert ids(page.dag_runs) == [made[1].dag_run_id]


def test_batch_ignores_unknown_dag_ids_and_updated_at(api: DAGRunApi, runs: Runs) -> None:
    made = runs.series(2)
    far_future = datetime(2999, 1, 1, tzinfo=UTC)
    form = ListDagRunsForm(
        dag_ids=[unique_id("no_such_dag"), DAG], updated_at_gte=far_future, **window(made)
    )

    page = api.get_dag_runs_batch(form)

    assert ids(page.dag_runs) == ids(made)


def test_batch_filters_by_start_and_end_date(api: DAGRunApi, runs: Runs) -> None:
    noon = datetime(2024, 1, 1, 12, tzinfo=UTC)
    made = runs.series(2)
    before = datetime.now(UTC) - timedelta(minutes=1)
    set_state(api, made[1], "failed")

    started = api.get_dag_runs_batch(
        ListDagRunsForm(dag_ids=["dataset_producer"], start_date_gte=noon, start_date_lte=noon)
    )
    ended = api.get_dag_runs_batch(ListDagRunsForm(end_date_gte=before, **window(made)))
    not_ended = api.get_dag_runs_batch(ListDagRunsForm(end_date_lte=before, **window(made)))

    assert "harness_producer_run" in ids(started.dag_runs)
    assert ids(ended.dag_runs) == [made[1].dag_run_id]
    assert not_ended.dag_runs == []


def test_batch_without_filters_lists_runs_of_every_dag(api: DAGRunApi, runs: Runs) -> None:
    run = runs.create(OTHER_DAG)

    page = api.get_dag_runs_batch(ListDagRunsForm(order_by="-id", page_limit=10))

    assert run.dag_run_id in ids(page.dag_runs)
    assert page.total_entries >= 3  # the two seeded runs and this one


# ---------------------------------------------------------------- update_dag_run_state


@pytest.mark.parametrize("state", ["success", "failed"])
def test_update_dag_run_state_finishes_the_run(api: DAGRunApi, runs: Runs, state: str) -> None:
    made = runs.create()

    run = set_state(api, made, state)

    assert (run.dag_run_id, run.state) == (made.dag_run_id, state)
    assert run.end_date is not None and run.end_date.utcoffset() is not None
    assert api.get_dag_run(DAG, made.dag_run_id).state == state


def test_update_dag_run_state_back_to_queued_clears_the_end_date(
    api: DAGRunApi, runs: Runs
) -> None:
    made = runs.create()
    set_state(api, made, "failed")

    run = set_state(api, made, "queued")

    assert run.state is DagState.QUEUED and run.end_date is None


# ---------------------------------------------------------------- clear_dag_run


@pytest.mark.parametrize(
    "clear", [ClearDagRun(), ClearDagRun(dry_run=True)], ids=["default", "dry"]
)
def test_clear_dag_run_dry_run_previews_the_task_instances(
    api: DAGRunApi, runs: Runs, clear: ClearDagRun
) -> None:
    made = runs.create()
    set_state(api, made, "success")

    preview = api.clear_dag_run(DAG, made.dag_run_id, clear)

    assert isinstance(preview, TaskInstanceReferenceCollection)
    assert sorted(ti.task_id for ti in preview.task_instances) == ["end", "start"]
    for ti in preview.task_instances:
        assert (ti.dag_id, ti.dag_run_id) == (DAG, made.dag_run_id)
        assert ti.execution_date == made.logical_date
    assert api.get_dag_run(DAG, made.dag_run_id).state == "success"  # nothing was cleared


def test_clear_dag_run_for_real_answers_the_run_queued_again(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()
    set_state(api, made, "failed")

    run = api.clear_dag_run(DAG, made.dag_run_id, ClearDagRun(dry_run=False))

    assert isinstance(run, DAGRun)
    assert (run.dag_run_id, run.state, run.end_date) == (made.dag_run_id, "queued", None)
    assert api.get_dag_run(DAG, made.dag_run_id).state == "queued"


def test_clear_of_a_run_before_the_dags_start_date_changes_nothing(
    api: DAGRunApi, runs: Runs
) -> None:
    made = runs.create(logical_date=datetime(2022, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    set_state(api, made, "failed")

    preview = api.clear_dag_run(DAG, made.dag_run_id, ClearDagRun())
    run = api.clear_dag_run(DAG, made.dag_run_id, ClearDagRun(dry_run=False))

    assert isinstance(preview, TaskInstanceReferenceCollection) and preview.task_instances == []
    assert isinstance(run, DAGRun) and run.state == "failed" and run.end_date is not None


# ---------------------------------------------------------------- set_dag_run_note, update_dag_run


def test_set_dag_run_note_answers_the_run_with_the_note(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()
    note = "checked ✓ läuft"

    run = api.set_dag_run_note(DAG, made.dag_run_id, SetDagRunNote(note=note))

    assert (run.dag_run_id, run.note, run.state) == (made.dag_run_id, note, "queued")
    assert api.get_dag_run(DAG, made.dag_run_id).note == note


def test_update_dag_run_sets_state_and_note(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()

    run = api.update_dag_run(DAG, made.dag_run_id, DAGRun(state="failed", note="why"))

    assert (run.state, run.note) == ("failed", "why")
    stored = api.get_dag_run(DAG, made.dag_run_id)
    assert (stored.state, stored.note) == ("failed", "why")


def test_update_dag_run_with_a_mask_updates_only_those_fields(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create(note="before")

    run = api.update_dag_run(
        DAG, made.dag_run_id, DAGRun(state="success", note="after"), update_mask=["note"]
    )

    assert (run.state, run.note) == ("queued", "after")
    assert api.get_dag_run(DAG, made.dag_run_id).state == "queued"


@pytest.mark.parametrize(
    "dag_run, mask, message",
    [
        (DAGRun(), None, "only state, note can be updated"),
        (DAGRun(state="success", note="n"), ["conf"], "only state, note can be updated"),
        (DAGRun(state="running", note="n"), None, "state"),  # the API sets success/failed/queued
        (DAGRun(note="n"), ["note", "state"], "state"),  # masked but not set
    ],
    ids=["nothing", "conf", "running", "unset_state"],
)
def test_update_dag_run_refuses_what_it_cannot_update_before_any_change(
    api: DAGRunApi, runs: Runs, dag_run: DAGRun, mask: Any, message: str
) -> None:
    made = runs.create(note="before")

    with pytest.raises(ValueError, match=message):
        api.update_dag_run(DAG, made.dag_run_id, dag_run, update_mask=mask)

    stored = api.get_dag_run(DAG, made.dag_run_id)
    assert (stored.state, stored.note) == ("queued", "before")


# ---------------------------------------------------------------- delete_dag_run


def test_delete_dag_run_answers_204_and_the_run_is_gone(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()

    response = api.raw.delete_dag_run(DAG, made.dag_run_id)

    assert (response.status, response.data, response.raw_data) == (204, None, b"")
    with pytest.raises(sdk.NotFoundException):
        api.get_dag_run(DAG, made.dag_run_id)


# ---------------------------------------------------------------- get_upstream_dataset_events


def test_upstream_dataset_events_of_a_dataset_triggered_run(api: DAGRunApi) -> None:
    events = api.get_upstream_dataset_events(CONSUMER_DAG, CONSUMER_RUN)

    assert events.total_entries == 1
    (event,) = events.dataset_events
    assert (event.id, event.dataset_id, event.dataset_uri) == (1, 1, "harness://datasets/one")
    assert event.extra == {"from": "airflow2-harness", "rows": 3}
    assert (event.source_dag_id, event.source_task_id) == ("dataset_producer", "produce")
    assert (event.source_run_id, event.source_map_index) == ("harness_producer_run", -1)
    assert event.timestamp == datetime(2024, 1, 1, 12, 5, tzinfo=UTC)
    (created,) = event.created_dagruns
    assert (created.dag_id, created.dag_run_id) == (CONSUMER_DAG, CONSUMER_RUN)
    assert (created.state, created.start_date, created.end_date) == ("queued", None, None)
    assert created.logical_date == datetime(2024, 1, 2, tzinfo=UTC)
    assert (
        created.data_interval_start
        == created.data_interval_end
        == event.timestamp - timedelta(minutes=5)
    )


def test_upstream_dataset_events_of_a_manual_run_are_empty(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create()

    events = api.get_upstream_dataset_events(DAG, made.dag_run_id)

    assert (events.dataset_events, events.total_entries) == ([], 0)


# ---------------------------------------------------------------- with_options


def test_with_options_changes_settings_and_shares_the_connections(
    api: DAGRunApi, runs: Runs
) -> None:
    made = runs.create()

    patient = api.with_options(read_timeout=5, retries=0)

    assert patient.get_dag_run(DAG, made.dag_run_id) == made
    assert patient.api_client.configuration.read_timeout == 5
    assert patient.api_client.configuration.retries == 0
    assert api.api_client.configuration.read_timeout == 60
    assert patient.api_client._transport is api.api_client._transport
    patient.api_client.close()  # leaves the shared connections to their owner
    assert api.get_dag_run(DAG, made.dag_run_id) == made


@pytest.mark.mock_only
def test_with_options_read_timeout_applies_to_the_new_api_only(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    mock.add_fault("delay", method="GET", path="/dagRuns/", delay=1.0, times=2)
    impatient = api.with_options(read_timeout=0.2, retries=0)

    with pytest.raises(sdk.ApiTimeoutError):
        impatient.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)
    assert api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN).dag_run_id == CONSUMER_RUN


@pytest.mark.mock_only
def test_with_options_retries_zero_gives_up_on_the_first_503(
    api: DAGRunApi, mock: MockAirflow
) -> None:
    mock.add_fault("status", method="GET", path="/dagRuns/", status=503, times=1)

    with pytest.raises(sdk.ServiceException) as raised:
        api.with_options(retries=0).get_dag_run(CONSUMER_DAG, CONSUMER_RUN)
    assert raised.value.status == 503
    mock.add_fault("status", method="GET", path="/dagRuns/", status=503, times=1)
    assert api.with_options(backoff_factor=0.01).get_dag_run(CONSUMER_DAG, CONSUMER_RUN)
    assert [r.status for r in mock.requests_to("GET", "/dagRuns/")] == [503, 503, 200]
