"""Shared pieces of the v2 (Airflow 3, ``/api/v2``) suite: ids, dates, clients, tokens, and runs
cleaned up after a test.

Test modules load the fixtures with ``pytest_plugins = ["helpers_v2"]``. They run unchanged on the
mock and on a real Airflow 3.3.2 whose state outlives a test: every run a test makes has its own
id and logical date, is deleted afterwards, and list assertions only look at the test's own runs.

Fixture names carry ``v2`` so they never meet those of ``helpers`` (v1) when both are loaded.

``RecordingTransport`` keeps, client side, every exchange a client made (method, path, status):
on a real server it is how a test counts logins and attempts, as the mock's request log does.

(PYTEST_DONT_REWRITE: the test modules import this before pytest loads it as their plugin.)
"""

from __future__ import annotations

import importlib.util
import json
import random
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
)
from urllib.parse import urlsplit

import pytest
import urllib3

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.transport import Transport
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from airflow_python_sdk.v2.models.dag_run_response import DAGRunResponse
from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
from mock_airflow import jwt

if TYPE_CHECKING:
    from conftest import Target3
    from mock_airflow import MockAirflow

DAG = "example_sdk_dag"  # tasks start >> end
OTHER_DAG = "another_dag"  # one task "hello" whose return value is "hi"
PARAMS_DAG = "params_dag"  # params name (string) and count (integer 0-10)
PRODUCER_DAG, PRODUCER_RUN = "asset_producer", "harness_producer_run"
CONSUMER_DAG = "asset_consumer"
CONSUMER_RUN = "asset_triggered__2024-01-02T00:00:00+00:00_harness1"
RUNNING_RUN = "harness_running_run"  # example_sdk_dag's seeded running run
UTC = timezone.utc
FAST = {"backoff_factor": 0.01, "backoff_max": 0.05, "connect_timeout": 2.0, "read_timeout": 5.0}
"""Client settings for tests that make calls fail: quick retries, short timeouts."""
DATETIME_FIELDS = (
    "logical_date", "queued_at", "start_date", "end_date", "data_interval_start",
    "data_interval_end", "run_after", "last_scheduling_decision", "partition_date",
)  # fmt: skip
"""DAGRunResponse's datetime fields."""
# After the DAGs' start_date (2024-01-01: earlier runs get no task instances) and before now:
# two years, to the microsecond.
_EPOCH = datetime(2024, 2, 1, tzinfo=UTC)
_SPAN_US = 2 * 365 * 24 * 3600 * 1_000_000
_random = random.SystemRandom()


def unique_id(prefix: str = "v2") -> str:
    """A run id no other test (or earlier session on the real server) uses."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def unique_date() -> datetime:
    """A logical date (UTC, with microseconds) in 2024-2026 that no other test uses."""
    return _EPOCH + timedelta(microseconds=_random.randrange(_SPAN_US))


def ids(runs: Iterable[Any]) -> List[str]:
    """The run ids of some runs, in order."""
    return [run.dag_run_id for run in runs]


def assert_aware_utc(run: DAGRunResponse) -> None:
    """Every datetime of a run read back from the server is aware and in UTC."""
    for name in DATETIME_FIELDS:
        value = getattr(run, name)
        assert value is None or value.utcoffset() == timedelta(0), (name, value)


# ---------------------------------------------------------------- clients


class RecordingTransport(Transport):
    """A Transport that records each exchange: (method, path with query, status or None)."""

    def __init__(self, config: sdk.Configuration) -> None:
        super().__init__(config)
        self.log: List[Tuple[str, str, Optional[int]]] = []
        self._lock = threading.Lock()

    def request(self, method: str, url: str, **options: Any) -> urllib3.BaseHTTPResponse:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            response = super().request(method, url, **options)
        except Exception:
            with self._lock:
                self.log.append((method, path, None))
            raise
        with self._lock:
            self.log.append((method, path, response.status))
        return response


def exchanges(api: DagRunApi) -> List[Tuple[str, str, Optional[int]]]:
    """What a client made with ``new_v2_api`` has sent so far (method, path, status)."""
    transport = api.api_client._transport
    assert isinstance(transport, RecordingTransport)
    return list(transport.log)


def logins(api: DagRunApi) -> int:
    """How many times the client posted to /auth/token."""
    return sum(1 for method, path, _ in exchanges(api) if (method, path) == ("POST", "/auth/token"))


def make_v2_api(
    url: str, credentials: Optional[Tuple[str, str]] = None, **settings: Any
) -> DagRunApi:
    """A DagRunApi on the server at ``url`` logging in as ``credentials`` (None: none), with
    other Configuration ``settings``; its transport is a RecordingTransport."""
    if credentials is not None:
        settings = {"username": credentials[0], "password": credentials[1], **settings}
    config = sdk.Configuration(host=url, **settings)
    return DagRunApi(sdk.ApiClient(config, transport=RecordingTransport(config)))


def close(api: DagRunApi) -> None:
    """Close a client made by ``make_v2_api`` and its transport."""
    api.api_client.close()
    api.api_client._transport.close()


def login_token(url: str, username: str = "admin", password: str = "admin") -> str:
    """A token from the server's own ``POST /auth/token``."""
    with urllib3.PoolManager() as pool:
        response = pool.request(
            "POST",
            url.rstrip("/") + "/auth/token",
            body=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )
    assert response.status == 201, response.data
    return str(json.loads(response.data)["access_token"])


class V2Runs:
    """Triggers runs through the SDK and deletes them (and any run handed to ``track``) later."""

    def __init__(self, api: DagRunApi) -> None:
        self.api = api
        self.made: List[Tuple[str, str]] = []

    def trigger(self, dag_id: str = DAG, **fields: Any) -> DAGRunResponse:
        """Trigger a run with a unique id and logical date unless ``fields`` give them."""
        fields.setdefault("dag_run_id", unique_id())
        fields.setdefault("logical_date", unique_date())
        self.track(dag_id, fields["dag_run_id"])
        return self.api.trigger_dag_run(dag_id, TriggerDAGRunPostBody(**fields))

    def series(
        self, count: int, dag_id: str = DAG, prefix: str = "v2s", **fields: Any
    ) -> List[Any]:
        """``count`` runs one minute apart from a unique date, ids ``<prefix>_<hex>_<i>``."""
        start, base = unique_date(), unique_id(prefix)
        return [
            self.trigger(
                dag_id,
                dag_run_id=f"{base}_{i:03d}",
                logical_date=start + timedelta(minutes=i),
                **fields,
            )
            for i in range(count)
        ]

    def track(self, dag_id: str, run_id: str) -> None:
        """Delete this run at the end of the test (if it exists then)."""
        self.made.append((dag_id, run_id))

    def delete_all(self) -> None:
        """Delete every tracked run; a running one is marked failed first (409 otherwise)."""
        self.delete_all_of(reversed(self.made))
        self.made = []

    def delete_all_of(self, runs: Iterable[Tuple[str, str]]) -> None:
        """Delete these runs (dag_id, run_id) if they exist."""
        for dag_id, run_id in runs:
            try:
                self.api.delete_dag_run(dag_id, run_id)
            except sdk.ConflictException:
                try:
                    self.api.patch_dag_run(dag_id, run_id, DAGRunPatchBody(state="failed"))
                    self.api.delete_dag_run(dag_id, run_id)
                except sdk.ApiException:
                    pass
            except (sdk.NotFoundException, ValueError):
                pass


def window(runs: List[Any]) -> Dict[str, datetime]:
    """logical_date_gte/lte arguments covering exactly these runs' logical dates."""
    dates = [run.logical_date for run in runs]
    return {"logical_date_gte": min(dates), "logical_date_lte": max(dates)}


def forge_token(
    secret: str,
    username: str = "admin",
    *,
    lifetime: float = 3600.0,
    issued_at: Optional[float] = None,
    role: Optional[str] = None,
) -> str:
    """A token like the server's own, signed with its secret (``issued_at`` in the past: an
    expired one)."""
    role = role or ("viewer" if username == "viewer" else "admin")
    return jwt.issue(secret.encode("utf-8"), username, role, lifetime, issued_at)


def run_in_thread(action: Callable[[], Any], delay: float) -> threading.Thread:
    """Run ``action`` in a thread after ``delay`` seconds (join it before the test ends)."""

    def later() -> None:
        time.sleep(delay)
        action()

    thread = threading.Thread(target=later, name="v2-test-action", daemon=True)
    thread.start()
    return thread


def body_of(record: Any) -> Dict[str, Any]:
    """A logged request's JSON body."""
    data: Dict[str, Any] = json.loads(record.body)
    return data


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def new_v2_api(target3: Target3) -> Iterator[Callable[..., DagRunApi]]:
    """``make(role="admin", url=None, **settings)``: a DagRunApi on this test's server (``url``:
    another root), as ``role`` (None: no credentials); closed after the test."""
    made: List[DagRunApi] = []

    def make(
        role: Optional[str] = "admin", url: Optional[str] = None, **settings: Any
    ) -> DagRunApi:
        credentials = getattr(target3, role) if role else None
        made.append(make_v2_api(url or target3.url, credentials, **settings))
        return made[-1]

    yield make
    for api in made:
        close(api)


@pytest.fixture
def v2_api(new_v2_api: Callable[..., DagRunApi]) -> DagRunApi:
    """The SDK as admin (a token from /auth/token)."""
    return new_v2_api()


@pytest.fixture
def v2_viewer(new_v2_api: Callable[..., DagRunApi]) -> DagRunApi:
    """The SDK as the read-only viewer."""
    return new_v2_api("viewer")


@pytest.fixture
def v2_runs(v2_api: DagRunApi) -> Iterator[V2Runs]:
    """Make runs for this test; they are deleted when it ends."""
    made = V2Runs(v2_api)
    yield made
    made.delete_all()


@pytest.fixture
def v2_sent(target3: Target3, request: pytest.FixtureRequest) -> Callable[[], Optional[List[Any]]]:
    """The requests the mock has received since the test began; None on a real server."""
    if not target3.is_mock:
        return lambda: None
    server = request.getfixturevalue("mock_server")
    server.clear_requests()
    return lambda: server.requests


@pytest.fixture
def jwt_secret(target3: Target3, request: pytest.FixtureRequest) -> str:
    """The secret the server under test signs its tokens with."""
    if target3.is_mock:
        server: MockAirflow = request.getfixturevalue("mock_server")
        return server.jwt_secret
    return real_jwt_secret()


def real_jwt_secret() -> str:
    """``JWT_SECRET`` of tests/airflow3/server.py: what a real test server signs tokens with."""
    path = Path(__file__).resolve().parent / "airflow3" / "server.py"
    spec = importlib.util.spec_from_file_location("airflow3_tier_server", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.JWT_SECRET)


class Sched:
    """A server whose runs really run: the mock with its scheduler, or the real sched server."""

    def __init__(self, url: str, api: DagRunApi, mock: Optional[MockAirflow]) -> None:
        self.url, self.api, self.mock = url, api, mock
        self.runs = V2Runs(api)


@pytest.fixture
def sched(
    target3: Target3, request: pytest.FixtureRequest, new_v2_api: Callable[..., DagRunApi]
) -> Iterator[Sched]:
    """A server with a scheduler, 5-second tokens and any run id allowed: the mock as the
    transcripts' second server (runs start after 0.1 s, succeed 0.2 s later), or the real one
    of ``--airflow3-sched-url`` (skipped without it)."""
    mock: Optional[MockAirflow] = None
    if target3.is_mock:
        mock = request.getfixturevalue("mock")
        mock.use_sched_variant(start_after=0.1, run_for=0.2)
        url = target3.url
    elif target3.sched_url:
        url = target3.sched_url
    else:
        pytest.skip("needs --airflow3-sched-url (a real Airflow 3 with a scheduler)")
    server = Sched(url, new_v2_api(url=url), mock)
    yield server
    server.runs.delete_all()


def wait_for(condition: Callable[[], Any], timeout: float = 5.0, step: float = 0.02) -> Any:
    """Poll ``condition`` until it is truthy (returned) or ``timeout`` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition}")
        time.sleep(step)


def headers_of(record: Any) -> Mapping[str, str]:
    """A logged request's headers, lower-case names."""
    return {name.lower(): value for name, value in record.headers}
