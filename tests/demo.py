"""`make demo`: start the mock Airflow on 127.0.0.1 and run the README quickstarts against it."""

from __future__ import annotations

import sys

from examples import ROOT, python_blocks, run_example
from mock_airflow import MockAirflow


def main() -> int:
    quickstarts = python_blocks(ROOT / "README.md")[:2]
    with MockAirflow() as mock:
        for name, quickstart in zip(("Airflow 3", "Airflow 2"), quickstarts):
            print(f"Mock Airflow at {mock.root_url}; running the README's {name} quickstart:\n")
            print(run_example(quickstart, mock.url))
            requests = mock.requests
            print(f"The server received {len(requests)} requests:")
            for request in requests:
                print(f"  {request.method} {request.path}")
            mock.clear_requests()
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
