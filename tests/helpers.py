"""Shared pieces of the SDK suite: unique ids and dates, clients, and runs cleaned up after a test.

Test modules load the fixtures with ``pytest_plugins = ["helpers"]``. They run unchanged on the
mock and on a real Airflow, whose state outlives a test: every run a test makes has its own id and
logical date, is deleted afterwards, and list assertions only look at the test's own runs.

(PYTEST_DONT_REWRITE: the test modules import this before pytest loads it as their plugin.)
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.dag_run import DAGRun

if TYPE_CHECKING:
    from conftest import Target

DAG = "example_sdk_dag"
OTHER_DAG = "another_dag"
UTC = timezone.utc
CONSUMER_DAG = "dataset_consumer"
CONSUMER_RUN = "dataset_triggered__2024-01-02T00:00:00+00:00"
DATETIME_FIELDS = (
    "logical_date", "execution_date", "start_date", "end_date", "data_interval_start",
    "data_interval_end", "last_scheduling_decision",
)  # fmt: skip
"""DAGRun's datetime fields."""
SEED_OPERATIONS = frozenset((
    "get_dag_runs", "post_dag_run", "get_dag_runs_batch", "get_dag_run", "delete_dag_run",
    "update_dag_run_state", "clear_dag_run", "set_dag_run_note", "get_upstream_dataset_events",
))  # fmt: skip
"""The operations the seed reference pages show."""
FAST = {"backoff_factor": 0.01, "backoff_max": 0.05, "connect_timeout": 2.0, "read_timeout": 5.0}
"""Client settings for tests that make calls fail: quick retries, short timeouts."""
ERROR_DOCS = "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html"
# After the test DAGs' start_date (2023-01-01: Airflow makes no task instances for earlier runs)
# and before now: three years, to the microsecond.
_EPOCH = datetime(2023, 1, 2, tzinfo=UTC)
_SPAN_US = 3 * 365 * 24 * 3600 * 1_000_000
_random = random.SystemRandom()


def unique_id(prefix: str = "sdk") -> str:
    """A run id no other test (or earlier session on the real server) uses."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def unique_date() -> datetime:
    """A logical date (UTC, with microseconds) in 2023-2025 that no other test uses.

    Runs a test makes are a few seconds or minutes after it, so a date window around them holds
    no other test's runs.
    """
    return _EPOCH + timedelta(microseconds=_random.randrange(_SPAN_US))


def make_api(target: Target, role: Optional[str] = "admin", **settings: Any) -> DAGRunApi:
    """A DAGRunApi for ``target`` as ``role`` (None: no credentials), with other ``settings``."""
    if role:
        user, password = getattr(target, role)
        settings = {"username": user, "password": password, **settings}
    return DAGRunApi(sdk.ApiClient(sdk.Configuration(host=target.url, **settings)))


def ids(runs: Iterable[Any]) -> List[str]:
    """The run ids of some runs, in order."""
    return [run.dag_run_id for run in runs]


class Runs:
    """Creates runs through the SDK and deletes them (and any run handed to ``track``) later."""

    def __init__(self, api: DAGRunApi) -> None:
        self.api = api
        self.made: List[Tuple[str, str]] = []

    def create(self, dag_id: str = DAG, **fields: Any) -> DAGRun:
        """Trigger a run with a unique id and logical date unless ``fields`` give them."""
        fields.setdefault("dag_run_id", unique_id())
        fields.setdefault("logical_date", unique_date())
        self.track(dag_id, fields["dag_run_id"])
        return self.api.post_dag_run(dag_id, DAGRun(**fields))

    def series(
        self, count: int, dag_id: str = DAG, step: timedelta = timedelta(minutes=1), **fields: Any
    ) -> List[DAGRun]:
        """``count`` runs one ``step`` apart from a unique date, in creation (id) order."""
        start = unique_date()
        return [self.create(dag_id, logical_date=start + i * step, **fields) for i in range(count)]

    def track(self, dag_id: str, run_id: str) -> None:
        """Delete this run at the end of the test (if it exists then)."""
        self.made.append((dag_id, run_id))

    def delete_all(self) -> None:
        for dag_id, run_id in reversed(self.made):
            try:
                self.api.delete_dag_run(dag_id, run_id)
            except (sdk.NotFoundException, ValueError):
                pass
        self.made = []


def window(runs: List[DAGRun]) -> Dict[str, datetime]:
    """execution_date_gte/lte arguments covering exactly these runs' logical dates."""
    dates = [run.logical_date for run in runs]
    return {"execution_date_gte": min(dates), "execution_date_lte": max(dates)}


@pytest.fixture
def api(target: Target) -> Iterator[DAGRunApi]:
    """The SDK as admin (HTTP Basic)."""
    client = make_api(target)
    with client.api_client:
        yield client


@pytest.fixture
def viewer_api(target: Target) -> Iterator[DAGRunApi]:
    """The SDK as the read-only viewer."""
    client = make_api(target, "viewer")
    with client.api_client:
        yield client


@pytest.fixture
def new_api(target: Target) -> Iterator[Callable[..., DAGRunApi]]:
    """``make_api`` for this test's target; the clients it makes are closed after the test."""
    made: List[DAGRunApi] = []

    def make(role: Optional[str] = "admin", **settings: Any) -> DAGRunApi:
        made.append(make_api(target, role, **settings))
        return made[-1]

    yield make
    for api in made:
        api.api_client.close()


@pytest.fixture
def sent(target: Target, request: pytest.FixtureRequest) -> Callable[[], Optional[List[Any]]]:
    """The requests the mock has received since the test began; None on a real server."""
    if not target.is_mock:
        return lambda: None
    server = request.getfixturevalue("mock_server")
    server.clear_requests()
    return lambda: server.requests


@pytest.fixture
def runs(api: DAGRunApi) -> Iterator[Runs]:
    """Make runs for this test; they are deleted when it ends."""
    made = Runs(api)
    yield made
    made.delete_all()
