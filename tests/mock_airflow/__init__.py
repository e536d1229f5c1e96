"""A faithful, stateful, in-memory mock of Airflow 2.11's DAG Run REST API (v1) for tests.

    from mock_airflow import MockAirflow

    with MockAirflow() as mock:          # 127.0.0.1, ephemeral port
        mock.url                         # http://127.0.0.1:PORT/api/v1
        mock.seed_runs("example_sdk_dag", 10_000)
        mock.add_fault("status", method="GET", path="/dagRuns$", status=503, times=2)

Modules: ``state`` (DAGs, runs, seed), ``endpoints`` (what each endpoint answers), ``inputs``
(connexion/marshmallow-like request checks), ``server`` (HTTP, routing, auth, controller),
``faults`` (fault injection), ``spec`` (openapi-core request validation), ``control``
(the ``/_mock/`` HTTP control API).
"""

from __future__ import annotations

from .endpoints import DEFAULT_RUN_ID_PATTERN, RELAXED_RUN_ID_PATTERN
from .faults import KINDS as FAULT_KINDS
from .faults import Fault
from .server import MOCK_TOKEN, USERS, MockAirflow, RequestRecord
from .spec import SpecViolation

__all__ = [
    "DEFAULT_RUN_ID_PATTERN",
    "FAULT_KINDS",
    "MOCK_TOKEN",
    "RELAXED_RUN_ID_PATTERN",
    "USERS",
    "Fault",
    "MockAirflow",
    "RequestRecord",
    "SpecViolation",
]
