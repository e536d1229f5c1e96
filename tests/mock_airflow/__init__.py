"""A faithful, stateful, in-memory mock of Airflow 2.11's DAG Run REST API (v1) for tests, and
beside it, on the same port, Airflow 3.3.2's (``/api/v2`` and ``/auth/token``).

    from mock_airflow import MockAirflow

    with MockAirflow() as mock:          # 127.0.0.1, ephemeral port
        mock.url                         # http://127.0.0.1:PORT/api/v1
        mock.seed_runs("example_sdk_dag", 10_000)
        mock.add_fault("status", method="GET", path="/dagRuns$", status=503, times=2)
        mock.v2_url                      # http://127.0.0.1:PORT/api/v2
        token = mock.issue_token("admin")          # or POST /auth/token
        mock.set_run_state("example_sdk_dag", "harness_running_run", "success")

Modules: ``state`` (DAGs, runs, seed), ``endpoints`` (what each endpoint answers), ``inputs``
(connexion/marshmallow-like request checks), ``server`` (HTTP, routing, auth, controller),
``faults`` (fault injection), ``spec`` (openapi-core request validation), ``control``
(the ``/_mock/`` HTTP control API). For v2: ``v2_state`` (its own store and seed),
``v2_endpoints`` (the handlers), ``v2_inputs`` (pydantic models, FastAPI-shaped errors),
``v2_server`` (routing, JWT auth, the ``MockAirflow`` v2 controls), ``v2_cursor`` (cursor
tokens), ``jwt`` (HS512 tokens, standard library only).
"""

from __future__ import annotations

from .endpoints import DEFAULT_RUN_ID_PATTERN, RELAXED_RUN_ID_PATTERN
from .faults import KINDS as FAULT_KINDS
from .faults import Fault
from .server import MOCK_TOKEN, USERS, MockAirflow, RequestRecord
from .spec import SpecViolation
from .v2_endpoints import DEFAULT_RUN_ID_PATTERN as V2_DEFAULT_RUN_ID_PATTERN
from .v2_endpoints import USERS as V2_USERS
from .v2_server import DEFAULT_V2_SPEC
from .v2_state import SEED_PROFILES

__all__ = [
    "DEFAULT_RUN_ID_PATTERN",
    "DEFAULT_V2_SPEC",
    "FAULT_KINDS",
    "MOCK_TOKEN",
    "RELAXED_RUN_ID_PATTERN",
    "USERS",
    "Fault",
    "MockAirflow",
    "RequestRecord",
    "SEED_PROFILES",
    "SpecViolation",
    "V2_DEFAULT_RUN_ID_PATTERN",
    "V2_USERS",
]
