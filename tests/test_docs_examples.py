"""Every example in README.md and generated/docs runs, as printed, against the mock server."""

from __future__ import annotations

import pytest

from examples import run_example, runnable_examples

EXAMPLES = runnable_examples()


def test_there_is_an_example_for_every_operation() -> None:
    documented = "\n".join(code for _, code in EXAMPLES)
    for operation in ("get_dag_runs(", "post_dag_run(", "get_dag_runs_batch(", "get_dag_run("):
        assert f"api.{operation}" in documented
    for operation in ("delete_dag_run(", "update_dag_run_state(", "clear_dag_run("):
        assert f"api.{operation}" in documented
    for operation in ("set_dag_run_note(", "get_upstream_dataset_events(", ".paginate("):
        assert operation in documented


@pytest.mark.mock_only
@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_runs_against_the_mock(name: str, code: str, mock) -> None:
    printed = run_example(code, mock.url)
    assert printed.strip(), f"{name} printed nothing"
    assert mock.requests, f"{name} sent no request"
    statuses = [request.status for request in mock.requests]
    assert all(status is not None and status < 500 for status in statuses), statuses
