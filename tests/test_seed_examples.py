"""The five Python examples of the seed client's reference page (shared/seeds/000_...txt), run as
printed against the target: post, get, get_dag_runs, batch, delete.

They are extracted from the file at test time (each lies between an "Example" and a "Parameters"
heading). Only three things are added: `dateutil_parser`, which they use but never import; the
`DagState` import the post example lacks; and the target's host and admin credentials in place of
`Configuration(username = 'YOUR_USERNAME', password = 'YOUR_PASSWORD')`.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Dict

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from examples import run_example
from helpers import UTC, make_api
from mock_airflow import MockAirflow

pytest_plugins = ["helpers"]

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_89ce9f13cd2bdd1c.txt"
ORDER = ["post_dag_run", "get_dag_run", "get_dag_runs", "get_dag_runs_batch", "delete_dag_run"]
DAG_ID, RUN_ID = "dag_id_example", "dag_run_id_example"
EPOCH = "1970-01-01T00:00:00+00:00"
PRINTED_CONFIGURATION = """configuration = airflow_python_sdk.Configuration(
    username = 'YOUR_USERNAME',
    password = 'YOUR_PASSWORD'
)"""
ADDED_IMPORTS = (
    "from dateutil.parser import parse as dateutil_parser\n"
    # The post example builds DagState("success") but never imports DagState.
    "from airflow_python_sdk.model.dag_state import DagState\n"
)
EMPTY_COLLECTION = "DAGRunCollection(dag_runs=[], total_entries=0)"


def seed_examples() -> Dict[str, str]:
    """Each example's code by the DAGRunApi method it calls, as printed in the seed."""
    if not SEED.exists():
        pytest.skip(f"the seed reference page is not beside the repository: {SEED}")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "Example"]
    ends = [i for i, line in enumerate(lines) if line.strip() == "Parameters"]
    examples = {}
    for start, end in zip(starts, ends):
        section = lines[start + 1 : end]
        first = next(i for i, line in enumerate(section) if line.startswith("import "))
        code = "\n".join(section[first:]).strip() + "\n"
        (method,) = set(re.findall(r"api_instance\.(\w+)\(", code))
        examples[method] = code
    assert sorted(examples) == sorted(ORDER)
    return examples


def runnable(code: str, target: Any) -> str:
    """The example with the three additions (and nothing else changed)."""
    assert code.count(PRINTED_CONFIGURATION) == 1
    user, password = target.admin
    configured = (
        "configuration = airflow_python_sdk.Configuration(\n"
        f"    host = {target.url!r},\n"
        f"    username = {user!r},\n"
        f"    password = {password!r}\n"
        ")"
    )
    return ADDED_IMPORTS + code.replace(PRINTED_CONFIGURATION, configured)


def run_all(target: Any) -> Dict[str, str]:
    examples = seed_examples()
    return {method: run_example(runnable(examples[method], target), target.url) for method in ORDER}


def remove_leftovers(target: Any) -> None:
    """Delete the example run (by id or by its 1970 logical date) left by an earlier session."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    with make_api(target).api_client as client:
        api = DAGRunApi(client)
        found = api.get_dag_runs(DAG_ID, execution_date_gte=epoch, execution_date_lte=epoch)
        for run_id in {RUN_ID, *(run.dag_run_id for run in found.dag_runs)}:
            with contextlib.suppress(sdk.NotFoundException):
                api.delete_dag_run(DAG_ID, run_id)


@pytest.fixture
def clean(target: Any) -> Any:
    remove_leftovers(target)
    yield
    remove_leftovers(target)


def test_the_seed_examples_use_two_names_they_never_import() -> None:
    examples = seed_examples()

    used = {name for code in examples.values() for name in re.findall(r"\b(\w+)\(", code)}
    imported = {name for code in examples.values()
                for name in re.findall(r"^(?:from \S+ )?import (.+)$", code, re.M)}  # fmt: skip
    assert {"dateutil_parser", "DagState"} <= used
    assert not {"dateutil_parser", "DagState"} & {n.strip() for i in imported for n in i.split(",")}


def assert_run_printed(printed: str) -> None:
    assert printed.startswith("DAGRun(dag_run_id='dag_run_id_example',")
    assert "dag_id='dag_id_example'" in printed
    assert re.search(r"logical_date=datetime\.datetime\(1970, 1, 1, 0, 0, tzinfo=", printed)
    assert re.search(r"execution_date=datetime\.datetime\(1970, 1, 1, 0, 0, tzinfo=", printed)
    for expected in ("start_date=None", "end_date=None", "run_type='manual'",
                     "state=<DagState.QUEUED: 'queued'>", "external_trigger=True", "conf={}",
                     "note=None"):  # fmt: skip
        assert expected in printed, expected


def test_seed_examples_run_as_printed(target: Any, api: DAGRunApi, clean: Any) -> None:
    printed = run_all(target)

    assert not any("Exception when calling" in out for out in printed.values()), printed
    assert_run_printed(printed["post_dag_run"])
    assert_run_printed(printed["get_dag_run"])
    every_run, filtered = printed["get_dag_runs"].split("\nDAGRunCollection(")
    assert every_run.startswith("DAGRunCollection(dag_runs=[DAGRun(")
    assert "dag_run_id='dag_run_id_example'" in every_run
    assert "DAGRunCollection(" + filtered == EMPTY_COLLECTION + "\n"  # start_date: none
    assert printed["get_dag_runs_batch"] == EMPTY_COLLECTION + "\n"  # dag_ids_example: none
    assert printed["delete_dag_run"] == ""
    with pytest.raises(sdk.NotFoundException):
        api.get_dag_run(DAG_ID, RUN_ID)


@pytest.mark.mock_only
def test_seed_examples_send_only_what_the_server_accepts(target: Any, mock: MockAirflow) -> None:
    run_all(target)

    post, get, every_run, filtered, batch, delete = mock.requests
    run_path = f"/api/v1/dags/{DAG_ID}/dagRuns/{RUN_ID}"
    assert (post.method, post.path) == ("POST", f"/api/v1/dags/{DAG_ID}/dagRuns")
    assert post.json() == {"dag_run_id": RUN_ID, "execution_date": EPOCH, "conf": {}}
    assert (get.method, get.path, get.query) == ("GET", run_path, "")
    assert (every_run.path, every_run.query) == (f"/api/v1/dags/{DAG_ID}/dagRuns", "")
    epoch = "1970-01-01T00%3A00%3A00%2B00%3A00"
    assert filtered.query == "limit=100&offset=0&" + "&".join(
        f"{name}_{bound}={epoch}"
        for name in ("execution_date", "start_date", "end_date")
        for bound in ("gte", "lte")
    )
    dates = {f"{n}_{b}": EPOCH for n in ("execution_date", "start_date", "end_date")
             for b in ("gte", "lte")}  # fmt: skip
    assert (batch.method, batch.path) == ("POST", "/api/v1/dags/~/dagRuns/list")
    assert batch.json() == {"page_offset": 0, "page_limit": 100,
                            "dag_ids": ["dag_ids_example"], **dates}  # fmt: skip
    assert (delete.method, delete.path, delete.status) == ("DELETE", run_path, 204)
    assert {r.header("Authorization") for r in mock.requests} == {"Basic YWRtaW46YWRtaW4="}
