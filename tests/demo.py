"""`make demo`: start the mock Airflow on 127.0.0.1 and run the README quickstart against it."""

from __future__ import annotations

import sys

from examples import ROOT, python_blocks, run_example
from mock_airflow import MockAirflow


def main() -> int:
    quickstart = python_blocks(ROOT / "README.md")[0]
    with MockAirflow() as mock:
        print(f"Mock Airflow at {mock.url}; running the README quickstart:\n")
        print(run_example(quickstart, mock.url))
        requests = mock.requests
        print(f"The server received {len(requests)} requests:")
        for request in requests:
            print(f"  {request.method} {request.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
