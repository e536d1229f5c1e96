"""Paging on v2: ``api.paginate.get_dag_runs`` follows the server's cursors, and
``api.paginate.get_list_dag_runs_batch`` its offsets, without a duplicate or a missing run.

Over more than 100 runs (the silent clamp of ``limit`` to 100) on the mock, whose
``seed_v2_runs`` makes them at once; on a real server over a few runs of the test's own, in small
pages.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import List
from urllib.parse import parse_qs

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_runs_batch_body import DAGRunsBatchBody
from helpers_v2 import DAG, OTHER_DAG, UTC, V2Runs, exchanges, ids, unique_date
from mock_airflow import MockAirflow

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]


def list_queries(api: DagRunApi) -> List[dict]:
    """The query parameters of each list call the client made."""
    return [
        parse_qs(path.partition("?")[2], keep_blank_values=True)
        for method, path, _ in exchanges(api)
        if method == "GET" and "/dagRuns?" in path
    ]


# ---------------------------------------------------------------- cursor paging (the list)


def test_paginate_follows_cursors_over_small_pages(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    made = v2_runs.series(7, prefix="Cursor")
    base = made[0].dag_run_id.rsplit("_", 1)[0]

    pages = v2_api.paginate.get_dag_runs(DAG, run_id_prefix_pattern=base, limit=3)

    assert ids(pages) == ids(made)
    assert pages.total == 7
    queries = list_queries(v2_api)
    assert [q["cursor"] for q in queries] == [
        [""],
        [queries[1]["cursor"][0]],
        [queries[2]["cursor"][0]],
    ]
    assert all(q["cursor"][0] for q in queries[1:]) and len(queries) == 3
    assert all(q["limit"] == ["3"] for q in queries)


def test_paginate_keeps_the_order_by_with_its_cursors(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    made = v2_runs.series(5, prefix="Ordered")
    base = made[0].dag_run_id.rsplit("_", 1)[0]

    pages = v2_api.paginate.get_dag_runs(
        DAG, run_id_prefix_pattern=base, order_by=["-logical_date"], limit=2
    )

    assert ids(pages) == ids(reversed(made))
    assert {tuple(q["order_by"]) for q in list_queries(v2_api)} == {("-logical_date",)}


def test_paginate_of_nothing_is_empty(v2_api: DagRunApi) -> None:
    pages = v2_api.paginate.get_dag_runs(DAG, run_id_prefix_pattern="no_such_prefix_at_all")

    assert list(pages) == [] and pages.total == 0
    assert len(list_queries(v2_api)) == 1


def test_a_garbage_cursor_is_a_bad_request(v2_api: DagRunApi) -> None:
    with pytest.raises(sdk.BadRequestException) as caught:
        v2_api.get_dag_runs(DAG, cursor="not-a-cursor")
    assert "cursor" in str(caught.value).lower()


@pytest.mark.mock_only
def test_paginate_over_250_runs_with_the_silent_clamp(v2_api: DagRunApi, mock: MockAirflow) -> None:
    seeded = mock.seed_v2_runs(OTHER_DAG, 250, states=("success", "failed", "queued"))
    mock.clear_requests()

    pages = v2_api.paginate.get_dag_runs(OTHER_DAG, limit=1000)
    listed = ids(pages)

    assert listed == seeded  # id order: none missing, none twice
    assert len(set(listed)) == 250 and pages.total == 250
    calls = [r for r in mock.requests if r.method == "GET"]
    assert len(calls) == 3  # 100 + 100 + 50: the server clamps each page to 100
    assert [parse_qs(r.query, keep_blank_values=True)["limit"] for r in calls] == [["1000"]] * 3
    assert parse_qs(calls[0].query, keep_blank_values=True)["cursor"] == [""]


@pytest.mark.mock_only
def test_paginate_with_filters_over_many_pages(v2_api: DagRunApi, mock: MockAirflow) -> None:
    start = datetime(2025, 3, 1, tzinfo=UTC)
    seeded = mock.seed_v2_runs(DAG, 230, start=start, states=("success", "failed"))

    failed = v2_api.paginate.get_dag_runs(
        DAG, state=["failed"], logical_date_gte=start, order_by=["-logical_date"], limit=50
    )

    assert ids(failed) == list(reversed(seeded[1::2]))
    assert failed.total == 115


# ---------------------------------------------------------------- offset paging (the batch)


def test_paginate_the_batch_by_offsets(v2_api: DagRunApi, v2_runs: V2Runs) -> None:
    start = unique_date()
    made = [
        v2_runs.trigger(dag_id, logical_date=start + timedelta(seconds=i))
        for i, dag_id in enumerate([DAG, OTHER_DAG] * 3)
    ]
    v2_api.patch_dag_run(DAG, made[0].dag_run_id, DAGRunPatchBody(state="success"))
    body = DAGRunsBatchBody(
        dag_ids=[DAG, OTHER_DAG],
        logical_date_gte=start,
        logical_date_lte=start + timedelta(seconds=5),
        order_by="logical_date",
        page_limit=4,
    )

    pages = v2_api.paginate.get_list_dag_runs_batch("~", body)

    assert ids(pages) == ids(made) and pages.total == 6
    posts = [p for m, p, _ in exchanges(v2_api) if m == "POST" and p.endswith("/list")]
    assert len(posts) == 2  # 4 + 2
    queued = v2_api.paginate.get_list_dag_runs_batch(
        "~", dataclasses.replace(body, states=["queued"], order_by=None, page_limit=1)
    )
    assert ids(queued) == ids(made[1:]) and queued.total == 5


@pytest.mark.mock_only
def test_the_batch_page_limit_is_not_clamped(v2_api: DagRunApi, mock: MockAirflow) -> None:
    seeded = mock.seed_v2_runs(OTHER_DAG, 130)
    mock.clear_requests()

    pages = v2_api.paginate.get_list_dag_runs_batch(
        "~", DAGRunsBatchBody(dag_ids=[OTHER_DAG], page_limit=1000)
    )

    assert ids(pages) == seeded and pages.total == 130
    posts = mock.requests_to("POST", "/list")
    assert len(posts) == 1 and posts[0].json()["page_limit"] == 1000


@pytest.mark.mock_only
def test_the_batch_pages_from_an_offset(v2_api: DagRunApi, mock: MockAirflow) -> None:
    seeded = mock.seed_v2_runs(OTHER_DAG, 25)
    mock.clear_requests()

    pages = v2_api.paginate.get_list_dag_runs_batch(
        "~", DAGRunsBatchBody(dag_ids=[OTHER_DAG], page_offset=5, page_limit=7)
    )

    assert ids(pages) == seeded[5:] and pages.total == 25
    offsets = [r.json()["page_offset"] for r in mock.requests_to("POST", "/list")]
    assert offsets == [5, 12, 19]
