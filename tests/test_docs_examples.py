"""Every example in README.md and generated/docs runs, as printed, against the mock server."""

from __future__ import annotations

import pytest

from examples import run_example, runnable_examples
from helpers import SEED_OPERATIONS

EXAMPLES = runnable_examples()


def test_there_is_an_example_for_every_operation() -> None:
    documented = "\n".join(code for _, code in EXAMPLES)
    for operation in (*SEED_OPERATIONS, "paginate.get_dag_runs"):
        assert f"api.{operation}(" in documented, operation


@pytest.mark.mock_only
@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_runs_against_the_mock(name: str, code: str, mock) -> None:
    printed = run_example(code, mock.url)
    assert printed.strip(), f"{name} printed nothing"
    assert mock.requests, f"{name} sent no request"
    statuses = [request.status for request in mock.requests]
    assert all(status is not None and status < 500 for status in statuses), statuses
