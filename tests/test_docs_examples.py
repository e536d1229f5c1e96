"""Every example in README.md and the generated docs runs, as printed, against the mock server."""

from __future__ import annotations

import pytest

from airflow_python_sdk.v2.api.dag_run_api import DagRunApiRaw
from examples import ROOT, python_blocks, run_example, runnable_examples
from helpers import SEED_OPERATIONS

EXAMPLES = runnable_examples()


def test_there_is_an_example_for_every_operation() -> None:
    documented = "\n".join(code for _, code in EXAMPLES)
    for operation in (*SEED_OPERATIONS, "paginate.get_dag_runs"):
        assert f"api.{operation}(" in documented, operation
    v2_operations = [name for name in vars(DagRunApiRaw) if not name.startswith("_")]
    assert len(v2_operations) == 12
    for operation in (*v2_operations, "paginate.get_dag_runs", "paginate.get_list_dag_runs_batch"):
        assert f"api.{operation}(" in documented, operation


@pytest.mark.mock_only
@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_runs_against_the_mock(name: str, code: str, mock) -> None:
    printed = run_example(code, mock.url)
    assert printed.strip(), f"{name} printed nothing"
    assert mock.requests, f"{name} sent no request"
    statuses = [request.status for request in mock.requests]
    assert all(status is not None and status < 500 for status in statuses), statuses


@pytest.mark.mock_only
def test_the_readme_mocking_example_runs_and_sends_nothing(mock) -> None:
    (code,) = [code for code in python_blocks(ROOT / "README.md") if "create_autospec" in code]
    assert run_example(code, mock.url).split() == ["failed"]
    assert not mock.requests
