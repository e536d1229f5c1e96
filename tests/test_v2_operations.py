"""Every operation of the v2 ``DagRunApi``, over real HTTP, on the mock or a real Airflow 3.3.2.

Each test makes its own runs (unique ids and logical dates, deleted afterwards), reads back what
the server stored, and only looks at its own runs in list answers, so it passes on a real server
that keeps every earlier run.
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.bulk_body_bulk_dag_run_body import BulkBodyBulkDAGRunBody
from airflow_python_sdk.v2.models.bulk_create_action_bulk_dag_run_body import (
    BulkCreateActionBulkDAGRunBody,
)
from airflow_python_sdk.v2.models.bulk_dag_run_body import BulkDAGRunBody
from airflow_python_sdk.v2.models.bulk_dag_run_clear_body import BulkDAGRunClearBody
from airflow_python_sdk.v2.models.bulk_delete_action_bulk_dag_run_body import (
    BulkDeleteActionBulkDAGRunBody,
)
from airflow_python_sdk.v2.models.bulk_update_action_bulk_dag_run_body import (
    BulkUpdateActionBulkDAGRunBody,
)
from airflow_python_sdk.v2.models.clear_partitions_body import ClearPartitionsBody
from airflow_python_sdk.v2.models.clear_partitions_response import ClearPartitionsResponse
from airflow_python_sdk.v2.models.clear_task_instance_collection_response import (
    ClearTaskInstanceCollectionResponse,
)
from airflow_python_sdk.v2.models.dag_run_clear_body import DAGRunClearBody
from airflow_python_sdk.v2.models.dag_run_collection_response import DAGRunCollectionResponse
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_run_response import DAGRunResponse
from airflow_python_sdk.v2.models.dag_run_state import DagRunState
from airflow_python_sdk.v2.models.dag_run_wait_line import DAGRunWaitLine
from airflow_python_sdk.v2.models.dag_runs_batch_body import DAGRunsBatchBody
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from helpers_v2 import (
    CONSUMER_DAG,
    CONSUMER_RUN,
    DAG,
    OTHER_DAG,
    PRODUCER_DAG,
    PRODUCER_RUN,
    RUNNING_RUN,
    UTC,
    V2Runs,
    assert_aware_utc,
    ids,
    unique_date,
    unique_id,
    window,
)

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]


def task_ids(answer: ClearTaskInstanceCollectionResponse) -> list:
    return sorted(ti.task_id for ti in answer.task_instances)


# ---------------------------------------------------------------- trigger_dag_run, get_dag_run


def test_trigger_answers_the_queued_run_with_every_field(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run_id, date = unique_id(), unique_date()
    v2_runs.track(DAG, run_id)
    conf = {"a": 1, "nested": {"b": [1, None]}, "text": "läuft ✓"}
    body = TriggerDAGRunPostBody(
        dag_run_id=run_id,
        logical_date=date,
        data_interval_start=date - timedelta(days=1),
        data_interval_end=date,
        conf=conf,
        note="first run",
    )

    response = v2_api.raw.trigger_dag_run(DAG, body)

    assert response.status == 200  # not 201
    run = response.data
    assert (run.dag_id, run.dag_run_id, run.run_type) == (DAG, run_id, "manual")
    assert run.state is DagRunState.QUEUED and run.triggered_by == "rest_api"
    assert run.triggering_user_name == "admin"
    assert run.logical_date == date
    assert (run.data_interval_start, run.data_interval_end) == (date - timedelta(days=1), date)
    assert (run.conf, run.note) == (conf, "first run")
    assert run.start_date is None and run.end_date is None and run.duration is None
    stored = v2_api.get_dag_run(DAG, run_id)
    assert stored.conf == conf and stored.note == "first run" and stored.logical_date == date
    assert stored.queued_at is not None and stored.run_after is not None
    assert_aware_utc(stored)


def test_trigger_echoes_the_offset_sent_and_get_answers_utc(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    date = unique_date().astimezone(timezone(timedelta(hours=2)))

    posted = v2_runs.trigger(logical_date=date)
    fetched = v2_api.raw.get_dag_run(DAG, posted.dag_run_id)

    assert posted.logical_date == fetched.data.logical_date == date
    assert posted.logical_date.utcoffset() == timedelta(hours=2)
    assert fetched.data.logical_date.utcoffset() == timedelta(0)
    iso = date.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert f'"logical_date":"{iso}"'.encode() in fetched.raw_data  # Z on the wire, read as UTC


def test_trigger_with_null_logical_date_lets_the_server_name_the_run(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_api.trigger_dag_run(DAG, TriggerDAGRunPostBody())
    v2_runs.track(DAG, run.dag_run_id)

    assert run.logical_date is None and run.data_interval_start is None
    assert run.dag_run_id == f"manual__{run.run_after.isoformat()}"
    assert v2_api.get_dag_run(DAG, run.dag_run_id).logical_date is None


def test_trigger_keeps_conf_within_the_dags_params(v2_runs: V2Runs) -> None:
    run = v2_runs.trigger("params_dag", conf={"name": "sdk", "count": 10, "extra": True})

    assert run.conf == {"name": "sdk", "count": 10, "extra": True}


def test_trigger_refuses_conf_against_the_params_with_400(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.BadRequestException) as caught:
        v2_api.trigger_dag_run(
            "params_dag", TriggerDAGRunPostBody(dag_run_id=unique_id(), conf={"count": 99})
        )
    assert "count" in (caught.value.detail or "")


def test_get_dag_run_decodes_a_seeded_asset_triggered_run(v2_api: DagRunApi) -> None:
    run = v2_api.get_dag_run(CONSUMER_DAG, CONSUMER_RUN)

    assert (run.run_type, run.triggered_by) == ("asset_triggered", "asset")
    assert run.logical_date is None and run.data_interval_start is None
    assert run.triggering_user_name is None and run.conf == {}
    assert run.run_after.isoformat() == "2024-01-02T00:00:00+00:00"
    assert_aware_utc(run)


# ---------------------------------------------------------------- delete_dag_run


def test_delete_removes_the_run(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()

    response = v2_api.raw.delete_dag_run(DAG, run.dag_run_id)

    assert response.status == 204 and response.data is None
    with pytest.raises(sdk.NotFoundException):
        v2_api.get_dag_run(DAG, run.dag_run_id)


def test_delete_of_a_running_run_is_a_conflict(v2_api: DagRunApi) -> None:
    assert v2_api.get_dag_run(DAG, RUNNING_RUN).state == "running"

    with pytest.raises(sdk.ConflictException) as caught:
        v2_api.delete_dag_run(DAG, RUNNING_RUN)

    assert "running" in str(caught.value)
    assert v2_api.get_dag_run(DAG, RUNNING_RUN).state == "running"


# ---------------------------------------------------------------- patch_dag_run


def test_patch_with_update_mask_applies_only_the_listed_fields(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()

    patched = v2_api.patch_dag_run(
        DAG, run.dag_run_id, DAGRunPatchBody(state="failed", note="masked"), update_mask=["note"]
    )

    assert (patched.state, patched.note) == ("queued", "masked")
    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert (stored.state, stored.note, stored.end_date) == ("queued", "masked", None)


def test_patch_sets_state_and_note_together(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()

    patched = v2_api.patch_dag_run(
        DAG, run.dag_run_id, DAGRunPatchBody(state="success", note="done"), ["state", "note"]
    )

    assert (patched.state, patched.note) == ("success", "done") and patched.end_date is not None
    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert (stored.state, stored.note) == ("success", "done") and stored.end_date is not None
    cleared = v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="queued"))
    assert cleared.state == "queued" and cleared.end_date is None


# ---------------------------------------------------------------- bulk_dag_runs


def test_bulk_updates_and_deletes_with_per_action_results(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    first, second, third = v2_runs.series(3)
    body = BulkBodyBulkDAGRunBody(
        actions=[
            BulkUpdateActionBulkDAGRunBody(
                action="update",
                entities=[
                    BulkDAGRunBody(dag_run_id=first.dag_run_id, state="failed"),
                    BulkDAGRunBody(dag_run_id=second.dag_run_id, note="bulk note"),
                ],
            ),
            BulkDeleteActionBulkDAGRunBody(action="delete", entities=[third.dag_run_id]),
        ]
    )

    response = v2_api.raw.bulk_dag_runs(DAG, body)

    assert response.status == 200
    result = response.data
    assert result.create is None and result.update and result.delete
    assert sorted(result.update.success or []) == sorted(
        f"{DAG}.{run.dag_run_id}" for run in (first, second)
    )
    assert result.delete.success == [f"{DAG}.{third.dag_run_id}"] and not result.delete.errors
    assert v2_api.get_dag_run(DAG, first.dag_run_id).state == "failed"
    assert v2_api.get_dag_run(DAG, second.dag_run_id).note == "bulk note"
    with pytest.raises(sdk.NotFoundException):
        v2_api.get_dag_run(DAG, third.dag_run_id)


def test_bulk_failures_come_inside_the_200(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    kept, skipped = v2_runs.series(2)
    missing = unique_id("missing")

    failed = v2_api.bulk_dag_runs(
        DAG,
        BulkBodyBulkDAGRunBody(
            actions=[
                BulkDeleteActionBulkDAGRunBody(
                    action="delete", entities=[kept.dag_run_id, missing]
                ),
                BulkCreateActionBulkDAGRunBody(
                    action="create", entities=[BulkDAGRunBody(dag_run_id=unique_id())]
                ),
            ]
        ),
    )
    assert failed.delete and failed.delete.success == []  # "fail": nothing is deleted
    assert [e["status_code"] for e in failed.delete.errors or []] == [404]
    assert missing in str(failed.delete.errors)
    assert failed.create and [e["status_code"] for e in failed.create.errors or []] == [405]
    assert v2_api.get_dag_run(DAG, kept.dag_run_id).dag_run_id == kept.dag_run_id

    skipping = BulkDeleteActionBulkDAGRunBody(
        action="delete", entities=[skipped.dag_run_id, missing], action_on_non_existence="skip"
    )
    result = v2_api.bulk_dag_runs(DAG, BulkBodyBulkDAGRunBody(actions=[skipping]))
    assert result.delete and result.delete.success == [f"{DAG}.{skipped.dag_run_id}"]
    with pytest.raises(sdk.NotFoundException):
        v2_api.get_dag_run(DAG, skipped.dag_run_id)


# ---------------------------------------------------------------- get_dag_runs


def test_get_dag_runs_filters_by_window_state_and_run_type(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    made = v2_runs.series(4)
    v2_api.patch_dag_run(DAG, made[1].dag_run_id, DAGRunPatchBody(state="success"))
    v2_api.patch_dag_run(DAG, made[2].dag_run_id, DAGRunPatchBody(state="failed"))

    everything = v2_api.get_dag_runs(DAG, **window(made))
    finished = v2_api.get_dag_runs(DAG, state=["success", "failed"], **window(made))
    manual = v2_api.get_dag_runs(DAG, run_type=["manual", "backfill"], **window(made))
    scheduled = v2_api.get_dag_runs(DAG, run_type=["scheduled"], **window(made))

    assert ids(everything.dag_runs) == ids(made) and everything.total_entries == 4
    assert everything.next_cursor is None and everything.total_entries_limit is None
    assert ids(finished.dag_runs) == [made[1].dag_run_id, made[2].dag_run_id]
    assert ids(manual.dag_runs) == ids(made)
    assert scheduled.dag_runs == [] and scheduled.total_entries == 0


def test_get_dag_runs_patterns_order_limit_and_offset(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    made = v2_runs.series(3, prefix="Pattern")
    base = made[0].dag_run_id.rsplit("_", 1)[0]

    by_substring = v2_api.get_dag_runs("~", run_id_pattern=base.upper()[3:])  # case-insensitive
    by_prefix = v2_api.get_dag_runs(DAG, run_id_prefix_pattern=base, order_by=["-logical_date"])
    wrong_case = v2_api.get_dag_runs(DAG, run_id_prefix_pattern=base.lower())
    paged = v2_api.get_dag_runs(DAG, run_id_prefix_pattern=base, limit=1, offset=1)
    two_keys = v2_api.get_dag_runs(
        DAG, run_id_prefix_pattern=base, order_by=["state", "-dag_run_id"]
    )

    assert ids(by_substring.dag_runs) == ids(made)
    assert ids(by_prefix.dag_runs) == ids(reversed(made))
    assert wrong_case.dag_runs == []  # the prefix match is case-sensitive
    assert ids(paged.dag_runs) == [made[1].dag_run_id] and paged.total_entries == 3
    assert ids(two_keys.dag_runs) == ids(reversed(made))


def test_get_dag_runs_conf_contains_and_the_all_dags_list(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    marker = unique_id("conf")
    mine = v2_runs.trigger(conf={"marker": marker})
    other = v2_runs.trigger(OTHER_DAG, conf={"marker": marker})
    v2_runs.trigger(conf={"marker": "another"})

    listed = v2_api.get_dag_runs("~", conf_contains=marker, order_by=["dag_id"])

    assert [(r.dag_id, r.dag_run_id) for r in listed.dag_runs] == [
        (OTHER_DAG, other.dag_run_id),
        (DAG, mine.dag_run_id),
    ]


def test_get_dag_runs_of_an_unknown_dag_is_404(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.get_dag_runs("no_such_dag")
    assert caught.value.detail == "The Dag with ID: `no_such_dag` was not found"


# ---------------------------------------------------------------- get_list_dag_runs_batch


def test_batch_list_filters_by_dags_states_and_window(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    start = unique_date()
    made = [
        v2_runs.trigger(dag_id, logical_date=start + timedelta(minutes=i))
        for i, dag_id in enumerate((DAG, OTHER_DAG, DAG))
    ]
    v2_api.patch_dag_run(DAG, made[2].dag_run_id, DAGRunPatchBody(state="success"))
    around = {"logical_date_gte": start, "logical_date_lte": start + timedelta(minutes=2)}

    both = v2_api.get_list_dag_runs_batch(
        "~", DAGRunsBatchBody(dag_ids=[DAG, OTHER_DAG], order_by="-logical_date", **around)
    )
    queued = v2_api.get_list_dag_runs_batch(
        "~", DAGRunsBatchBody(dag_ids=[DAG], states=["queued"], **around)
    )
    page = v2_api.get_list_dag_runs_batch(
        "~", DAGRunsBatchBody(dag_ids=[DAG, OTHER_DAG], page_offset=1, page_limit=1, **around)
    )

    assert ids(both.dag_runs) == ids(reversed(made)) and both.total_entries == 3
    assert ids(queued.dag_runs) == [made[0].dag_run_id]
    assert ids(page.dag_runs) == [made[1].dag_run_id] and page.total_entries == 3


@pytest.mark.allow_spec_violations
def test_batch_list_needs_the_tilde_dag_id(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.UnprocessableEntityException) as caught:
        v2_api.get_list_dag_runs_batch(DAG, DAGRunsBatchBody())
    assert "path.dag_id" in str(caught.value)


# ---------------------------------------------------------------- get_upstream_asset_events


def test_upstream_asset_events_of_an_asset_triggered_run(v2_api: DagRunApi) -> None:
    answer = v2_api.get_upstream_asset_events(CONSUMER_DAG, CONSUMER_RUN)

    assert answer.total_entries == len(answer.asset_events) == 1
    event = answer.asset_events[0]
    assert (event.source_dag_id, event.source_run_id) == (PRODUCER_DAG, PRODUCER_RUN)
    assert (event.uri, event.name) == ("harness://assets/one", "harness_asset_one")
    assert event.extra == {"from": "airflow3-harness", "rows": 3}
    assert [(r.dag_id, r.run_id) for r in event.created_dagruns] == [(CONSUMER_DAG, CONSUMER_RUN)]
    assert event.timestamp.isoformat() == "2024-01-01T12:05:00+00:00"


def test_upstream_asset_events_of_a_manual_run_are_empty(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()

    answer = v2_api.get_upstream_asset_events(DAG, run.dag_run_id)

    assert answer.asset_events == [] and answer.total_entries == 0


# ---------------------------------------------------------------- clear_dag_run


def test_clear_is_a_dry_run_by_default(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()
    done = v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))

    answer = v2_api.clear_dag_run(DAG, run.dag_run_id, DAGRunClearBody())

    assert isinstance(answer, ClearTaskInstanceCollectionResponse)
    assert task_ids(answer) == ["end", "start"] and answer.total_entries == 2
    assert {ti.dag_run_id for ti in answer.task_instances} == {run.dag_run_id}
    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert (stored.state, stored.end_date) == ("success", done.end_date)  # nothing changed


def test_clear_for_real_queues_the_run_again_with_a_note(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()
    done = v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="failed"))

    answer = v2_api.clear_dag_run(
        DAG, run.dag_run_id, DAGRunClearBody(dry_run=False, note="cleared by the SDK")
    )

    assert isinstance(answer, DAGRunResponse)
    assert (answer.state, answer.note, answer.start_date, answer.end_date) == (
        "queued",
        "cleared by the SDK",
        None,
        None,
    )
    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert stored.state == "queued" and stored.note == "cleared by the SDK"
    assert stored.queued_at is not None and done.queued_at is not None
    assert stored.queued_at > done.queued_at


# ---------------------------------------------------------------- clear_dag_runs


def test_clear_dag_runs_dry_run_then_for_real(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    first, second = v2_runs.series(2)
    for run in (first, second):
        v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))
    entries = [BulkDAGRunBody(dag_run_id=run.dag_run_id) for run in (first, second)]

    dry = v2_api.clear_dag_runs(DAG, BulkDAGRunClearBody(dag_runs=entries))
    assert isinstance(dry, ClearTaskInstanceCollectionResponse)
    assert task_ids(dry) == ["end", "end", "start", "start"]
    assert v2_api.get_dag_run(DAG, first.dag_run_id).state == "success"

    done = v2_api.clear_dag_runs(DAG, BulkDAGRunClearBody(dag_runs=entries, dry_run=False))
    assert isinstance(done, DAGRunCollectionResponse)
    assert sorted(ids(done.dag_runs)) == sorted(ids((first, second)))
    assert {run.state for run in done.dag_runs} == {DagRunState.QUEUED}
    assert v2_api.get_dag_run(DAG, second.dag_run_id).state == "queued"


def test_clear_dag_runs_across_dags_needs_each_dag_id(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    mine, other = v2_runs.trigger(), v2_runs.trigger(OTHER_DAG)
    entries = [
        BulkDAGRunBody(dag_run_id=mine.dag_run_id, dag_id=DAG),
        BulkDAGRunBody(dag_run_id=other.dag_run_id, dag_id=OTHER_DAG),
    ]

    dry = v2_api.clear_dag_runs("~", BulkDAGRunClearBody(dag_runs=entries))

    assert isinstance(dry, ClearTaskInstanceCollectionResponse)
    assert task_ids(dry) == ["end", "hello", "start"]
    with pytest.raises(sdk.BadRequestException):
        v2_api.clear_dag_runs(
            "~", BulkDAGRunClearBody(dag_runs=[BulkDAGRunBody(dag_run_id=mine.dag_run_id)])
        )


# ---------------------------------------------------------------- clear_dag_run_partitions


def test_clear_partitions_counts_and_clears(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    run = v2_runs.trigger()
    v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="success"))

    dry = v2_api.clear_dag_run_partitions(DAG, ClearPartitionsBody(run_id=run.dag_run_id))
    assert isinstance(dry, ClearPartitionsResponse)
    assert dry.dry_run is True and dry.dag_runs_cleared == 0
    unknown = v2_api.clear_dag_run_partitions(DAG, ClearPartitionsBody(run_id=unique_id()))
    assert (unknown.dag_runs_cleared, unknown.task_instances_cleared) == (0, 0)

    done = v2_api.clear_dag_run_partitions(
        DAG, ClearPartitionsBody(run_id=run.dag_run_id, clear_task_instances=True, dry_run=False)
    )
    assert done.dry_run is False and done.task_instances_cleared == 2
    assert v2_api.get_dag_run(DAG, run.dag_run_id).state == "queued"


def test_clear_partitions_of_an_unknown_dag_is_404(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.clear_dag_run_partitions("no_such_dag", ClearPartitionsBody(run_id="x"))
    assert caught.value.detail == "The Dag with ID: `no_such_dag` was not found"


# ---------------------------------------------------------------- wait_dag_run_until_finished


def test_wait_on_a_finished_run_yields_one_line_and_ends(
    v2_api: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()
    v2_api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(state="failed"))

    lines = list(v2_api.wait_dag_run_until_finished(DAG, run.dag_run_id, interval=0.1))

    assert lines == [DAGRunWaitLine(state="failed")]
    assert isinstance(lines[0].state, DagRunState)


def test_wait_for_an_unknown_run_is_404_before_any_line(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.NotFoundException) as caught:
        v2_api.wait_dag_run_until_finished(DAG, "no_such_run", interval=0.1)
    assert caught.value.detail == (
        f"The DagRun with dag_id: `{DAG}` and run_id: `no_such_run` was not found"
    )
