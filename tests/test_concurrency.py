"""Concurrency: one ApiClient, 16 threads, 4,000 calls, no more connections than its pool.

The module runs its own mock without openapi.yaml validation (the session mock validates every
request, which costs about 5 ms of CPU each on 2 cores; the requests made here are validated in
the other modules). Its handler class is replaced by a subclass that counts the connections the
server accepts, so the mock itself needs no change.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.set_dag_run_note import SetDagRunNote
from helpers import DAG
from mock_airflow import MockAirflow
from mock_airflow.server import _Handler

pytestmark = pytest.mark.mock_only

THREADS = 16
CALLS = 4_000


class Connections:
    """What the server saw: every client address, and the most connections open at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.peers: Set[Tuple[str, int]] = set()
        self.open = 0
        self.most_open = 0

    def opened(self, peer: Tuple[str, int]) -> None:
        with self.lock:
            self.peers.add(peer)
            self.open += 1
            self.most_open = max(self.most_open, self.open)

    def closed(self) -> None:
        with self.lock:
            self.open -= 1


@pytest.fixture(scope="module")
def counted() -> Iterator[Tuple[MockAirflow, Connections]]:
    """A mock of this module's own whose accepted connections are counted; stopped after."""
    connections = Connections()

    class CountingHandler(_Handler):
        def setup(self) -> None:
            super().setup()
            connections.opened(self.client_address)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                connections.closed()

    mock = MockAirflow(spec_path=None).start()
    assert mock._server is not None
    mock._server.RequestHandlerClass = CountingHandler
    try:
        yield mock, connections
    finally:
        mock.stop()


def test_shared_client_under_16_threads(counted: Tuple[MockAirflow, Connections]) -> None:
    mock, connections = counted
    mock.reset()
    run_ids = mock.seed_runs(DAG, CALLS // 2, run_id_prefix="conc_")
    config = sdk.Configuration(host=mock.url, username="admin", password="admin")
    assert config.pool_size == 10  # the default under test
    errors: List[BaseException] = []
    mismatches: List[str] = []
    done: Dict[int, int] = {}
    start = threading.Barrier(THREADS)

    with sdk.ApiClient(config) as client:
        shared = DAGRunApi(client)

        def work(number: int) -> None:
            # half the threads go through a with_options copy: the same pool
            api = shared.with_options(read_timeout=30) if number % 2 else shared
            mine = run_ids[number::THREADS]
            calls = 0
            try:
                start.wait()
                for n, run_id in enumerate(mine):
                    got = api.get_dag_run(DAG, run_id)
                    if got.dag_run_id != run_id:
                        mismatches.append(f"{number}: asked {run_id}, got {got.dag_run_id}")
                    note = f"thread {number} call {n}"
                    noted = api.set_dag_run_note(DAG, run_id, SetDagRunNote(note=note))
                    if (noted.dag_run_id, noted.note) != (run_id, note):
                        mismatches.append(f"{number}: {run_id} {note!r} -> {noted!r}")
                    calls += 2
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            done[number] = calls

        started = time.monotonic()
        workers = [
            threading.Thread(target=work, args=(n,), name=f"sdk-worker-{n}") for n in range(THREADS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        elapsed = time.monotonic() - started
        assert not any(worker.is_alive() for worker in workers)

    assert not errors, errors[:3]
    assert not mismatches, mismatches[:5]
    assert sum(done.values()) == CALLS and len(done) == THREADS
    assert len(mock.requests) == CALLS  # nothing retried, nothing lost
    assert all(record.status == 200 for record in mock.requests)
    for n, run_id in enumerate(run_ids[:THREADS]):  # each run holds its thread's last note
        assert mock.get_run(DAG, run_id)["note"].startswith(f"thread {n} call ")
    assert 1 < connections.most_open <= config.pool_size
    assert len(connections.peers) <= config.pool_size, sorted(connections.peers)
    deadline = time.monotonic() + 5
    while connections.open and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connections.open == 0  # close() closed every connection
    print(f"{CALLS} calls from {THREADS} threads in {elapsed:.1f} s")


def test_small_pool_makes_threads_wait(counted: Tuple[MockAirflow, Connections]) -> None:
    """With pool_size=2, 8 threads share 2 connections (each call waits for a free one)."""
    mock, connections = counted
    mock.reset()
    before = set(connections.peers)
    run_ids = mock.seed_runs(DAG, 8, run_id_prefix="small_")
    config = sdk.Configuration(host=mock.url, username="admin", password="admin", pool_size=2)
    results: List[Any] = []
    with sdk.ApiClient(config) as client:
        api = DAGRunApi(client)

        def work(run_id: str) -> None:
            results.extend(api.get_dag_run(DAG, run_id).dag_run_id for _ in range(20))

        workers = [threading.Thread(target=work, args=(r,)) for r in run_ids]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    assert sorted(set(results)) == sorted(run_ids) and len(results) == 160
    assert len(connections.peers - before) <= 2
