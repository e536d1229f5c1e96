"""DAGs, DAG runs and dataset events of the mock Airflow, held in memory.

The seed is the state the recorded Airflow 2.11 server started from (see the transcripts): the
DAGs they use, the dataset producer's run and the dataset-triggered consumer run (#19, #65).
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

UTC = timezone.utc
FINISHED_STATES = ("success", "failed")
RUN_TYPES = ("backfill", "scheduled", "manual", "dataset_triggered")
# Sortable fields (API name -> DagRun attribute), the allow-list of Airflow 2.11 (README #6).
SORT_FIELDS = {
    "id": "id",
    "state": "state",
    "dag_id": "dag_id",
    "execution_date": "logical_date",
    "dag_run_id": "run_id",
    "start_date": "start_date",
    "end_date": "end_date",
    "updated_at": "updated_at",
    "external_trigger": "external_trigger",
    "conf": "conf",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def iso(value: Optional[datetime]) -> Optional[str]:
    """ISO 8601 as Airflow writes it: ``+00:00`` offset, microseconds only when non-zero."""
    return None if value is None else value.isoformat()


def to_utc(value: Optional[datetime]) -> Optional[datetime]:
    """The same instant in UTC (None stays None)."""
    return None if value is None else value.astimezone(UTC)


def dt(text: str) -> datetime:
    """A UTC datetime from an ISO string (for seeds and tests)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass
class Dag:
    """A DAG: its tasks (for clear), its params ({name: (default, json schema)}) and its
    start date (the test DAGs': 2023-01-01; a run before it has no task instances)."""

    dag_id: str
    tasks: Tuple[str, ...] = ("start", "end")
    params: Dict[str, Tuple[Any, Dict[str, Any]]] = field(default_factory=dict)
    start_date: datetime = datetime(2023, 1, 1, tzinfo=timezone.utc)


@dataclass
class DagRun:
    """One DAG run. Dates are stored in UTC; ``id`` and ``updated_at`` are internal."""

    id: int
    dag_id: str
    run_id: str
    logical_date: datetime
    data_interval_start: Optional[datetime] = None
    data_interval_end: Optional[datetime] = None
    state: str = "queued"
    run_type: str = "manual"
    external_trigger: bool = True
    conf: Dict[str, Any] = field(default_factory=dict)
    note: Optional[str] = None
    start_date: Optional[datetime] = None
    end_date: Optional[datetime] = None
    last_scheduling_decision: Optional[datetime] = None
    updated_at: datetime = field(default_factory=utcnow)
    clear_number: int = 0

    def to_dict(self) -> Dict[str, Any]:
        """The 14-field DAGRun of the API."""
        return {
            "conf": self.conf,
            "dag_id": self.dag_id,
            "dag_run_id": self.run_id,
            "data_interval_end": iso(self.data_interval_end),
            "data_interval_start": iso(self.data_interval_start),
            "end_date": iso(self.end_date),
            "execution_date": iso(self.logical_date),
            "external_trigger": self.external_trigger,
            "last_scheduling_decision": iso(self.last_scheduling_decision),
            "logical_date": iso(self.logical_date),
            "note": self.note,
            "run_type": self.run_type,
            "start_date": iso(self.start_date),
            "state": self.state,
        }

    def basic_dict(self) -> Dict[str, Any]:
        """The BasicDAGRun of a dataset event's ``created_dagruns``."""
        return {
            "dag_id": self.dag_id,
            "dag_run_id": self.run_id,
            "data_interval_end": iso(self.data_interval_end),
            "data_interval_start": iso(self.data_interval_start),
            "end_date": iso(self.end_date),
            "logical_date": iso(self.logical_date),
            "start_date": iso(self.start_date),
            "state": self.state,
        }

    def set_state(self, state: str) -> None:
        """DagRun.set_state: a new state resets end_date (now if finished, else None)."""
        if self.state != state:
            self.state = state
            self.end_date = utcnow() if state in FINISHED_STATES else None
            self.updated_at = utcnow()


@dataclass
class DatasetEvent:
    """A dataset event and the runs (dag_id, run_id) it created."""

    id: int
    dataset_id: int
    dataset_uri: str
    extra: Optional[Dict[str, Any]]
    source_dag_id: Optional[str]
    source_task_id: Optional[str]
    source_run_id: Optional[str]
    source_map_index: Optional[int]
    timestamp: datetime
    created: List[Tuple[str, str]] = field(default_factory=list)


def seed_dags() -> Dict[str, Dag]:
    """The DAGs of the recorded server (as in tests/airflow/dags), plus ``dag_id_example``."""
    dags = [
        Dag("example_sdk_dag", ("start", "end")),
        Dag("another_dag", ("only",)),
        Dag(
            "params_dag",
            ("use_params",),
            {
                "name": ("world", {"type": "string"}),
                "count": (1, {"type": "integer", "minimum": 0, "maximum": 10}),
            },
        ),
        Dag("dataset_producer", ("produce",)),
        Dag("dataset_consumer", ("consume",)),
        Dag("dag_id_example", ("extract", "transform", "load")),
    ]
    return {dag.dag_id: dag for dag in dags}


class Store:
    """All DAGs, runs and dataset events; every access holds ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Back to the seed."""
        with self.lock:
            self.dags: Dict[str, Dag] = seed_dags()
            self.runs: Dict[Tuple[str, str], DagRun] = {}
            self.events: List[DatasetEvent] = []
            self._ids = itertools.count(1)
            self._seed()

    def _seed(self) -> None:
        """The producer's run and the dataset-triggered consumer run it caused (#19, #39, #65)."""
        noon, five_past = dt("2024-01-01T12:00:00Z"), dt("2024-01-01T12:05:00Z")
        self.add_run(
            "dataset_producer", "harness_producer_run", noon, noon, noon,
            state="success", start_date=noon, end_date=five_past, updated_at=five_past,
        )  # fmt: skip
        consumer = self.add_run(
            "dataset_consumer", "dataset_triggered__2024-01-02T00:00:00+00:00",
            dt("2024-01-02T00:00:00Z"), noon, noon,
            run_type="dataset_triggered", external_trigger=False, updated_at=five_past,
        )  # fmt: skip
        self.events.append(
            DatasetEvent(
                id=1,
                dataset_id=1,
                dataset_uri="harness://datasets/one",
                extra={"from": "airflow2-harness", "rows": 3},
                source_dag_id="dataset_producer",
                source_task_id="produce",
                source_run_id="harness_producer_run",
                source_map_index=-1,
                timestamp=five_past,
                created=[(consumer.dag_id, consumer.run_id)],
            )
        )

    def add_dag(
        self,
        dag_id: str,
        tasks: Sequence[str] = ("start", "end"),
        params: Optional[Dict[str, Tuple[Any, Dict[str, Any]]]] = None,
    ) -> Dag:
        """Register (or replace) a DAG."""
        with self.lock:
            dag = Dag(dag_id, tuple(tasks), dict(params or {}))
            self.dags[dag_id] = dag
            return dag

    def add_run(
        self,
        dag_id: str,
        run_id: str,
        logical_date: datetime,
        data_interval_start: Optional[datetime] = None,
        data_interval_end: Optional[datetime] = None,
        **fields: Any,
    ) -> DagRun:
        """Store a new run with the next id (dates converted to UTC; the DAG is created if new)."""
        with self.lock:
            if dag_id not in self.dags:
                self.add_dag(dag_id)
            for name in ("start_date", "end_date", "last_scheduling_decision", "updated_at"):
                if fields.get(name) is not None:
                    fields[name] = to_utc(fields[name])
            run = DagRun(
                id=next(self._ids),
                dag_id=dag_id,
                run_id=run_id,
                logical_date=logical_date.astimezone(UTC),
                data_interval_start=to_utc(data_interval_start),
                data_interval_end=to_utc(data_interval_end),
                **fields,
            )
            self.runs[(dag_id, run_id)] = run
            return run

    def get(self, dag_id: str, run_id: str) -> Optional[DagRun]:
        """The run, or None."""
        with self.lock:
            return self.runs.get((dag_id, run_id))

    def delete(self, dag_id: str, run_id: str) -> bool:
        """Delete a run; False if there was none."""
        with self.lock:
            return self.runs.pop((dag_id, run_id), None) is not None

    def find_conflict(self, dag_id: str, run_id: str, logical_date: datetime) -> Optional[DagRun]:
        """The first run (by id) of the DAG with this run id or this logical date."""
        with self.lock:
            for run in self.runs.values():
                if run.dag_id == dag_id and (
                    run.run_id == run_id or run.logical_date == logical_date
                ):
                    return run
            return None

    def query(
        self,
        dag_ids: Optional[Set[str]] = None,
        states: Optional[Iterable[str]] = None,
        ranges: Optional[Dict[str, Tuple[Optional[datetime], Optional[datetime]]]] = None,
        order_by: str = "id",
        offset: int = 0,
        limit: Optional[int] = 100,
    ) -> Tuple[List[DagRun], int]:
        """Filter, count, sort and page runs like Airflow's ``_fetch_dag_runs``.

        ``dag_ids`` None means every registered DAG; ``ranges`` maps a DagRun attribute to a
        (gte, lte) pair; ``order_by`` must already be checked against SORT_FIELDS.
        """
        with self.lock:
            allowed = set(self.dags) if dag_ids is None else dag_ids
            state_set = set(states) if states else None
            bounds = [(a, lo, hi) for a, (lo, hi) in (ranges or {}).items() if lo or hi]
            runs = [
                run
                for run in self.runs.values()
                if run.dag_id in allowed
                and (state_set is None or run.state in state_set)
                and _within(run, bounds)
            ]
        total = len(runs)
        runs = sort_runs(runs, order_by)
        end = None if limit is None else offset + limit
        return runs[offset:end], total

    def upstream_events(self, run: DagRun) -> List[Dict[str, Any]]:
        """The dataset events that created this run, as the API lists them."""
        with self.lock:
            return [
                _event_dict(event, self.runs)
                for event in self.events
                if (run.dag_id, run.run_id) in event.created
            ]

    def seed_runs(
        self,
        dag_id: str,
        count: int,
        *,
        start: Optional[datetime] = None,
        interval: timedelta = timedelta(hours=1),
        states: Sequence[str] = ("success",),
        run_type: str = "scheduled",
        run_id_prefix: Optional[str] = None,
        conf: Optional[Dict[str, Any]] = None,
    ) -> List[str]:
        """Add ``count`` runs at ``start + i * interval``; states cycle through ``states``.

        Run ids are ``<run_type>__<logical date>`` like Airflow's, or ``<prefix><i:05d>``.
        Finished runs get start/end dates, running ones a start date. Returns the run ids.
        """
        first = start.astimezone(UTC) if start else dt("2023-01-01T00:00:00Z")
        ids = []
        with self.lock:
            for i in range(count):
                logical = first + i * interval
                state = states[i % len(states)]
                run_id = (
                    f"{run_id_prefix}{i:05d}" if run_id_prefix else f"{run_type}__{iso(logical)}"
                )
                started = logical if state in ("running",) + FINISHED_STATES else None
                ended = logical + timedelta(minutes=5) if state in FINISHED_STATES else None
                self.add_run(
                    dag_id, run_id, logical, logical, logical + interval,
                    state=state, run_type=run_type, external_trigger=run_type == "manual",
                    conf=dict(conf or {}), start_date=started, end_date=ended,
                    updated_at=ended or started or logical,
                )  # fmt: skip
                ids.append(run_id)
        return ids


def _within(run: DagRun, bounds: List[Tuple[str, Optional[datetime], Optional[datetime]]]) -> bool:
    """True if every bounded attribute is set and inside its (gte, lte) range."""
    for attr, lo, hi in bounds:
        value = getattr(run, attr)
        if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
            return False
    return True


def sort_runs(runs: List[DagRun], order_by: str) -> List[DagRun]:
    """Sort like SQLite: NULLs first ascending, last descending; ties stay in id order."""
    descending = order_by.startswith("-")
    attr = SORT_FIELDS[order_by.lstrip("-")]
    if attr == "id":
        return list(reversed(runs)) if descending else runs

    def key(run: DagRun) -> Tuple[bool, Any]:
        value = getattr(run, attr)
        if attr == "conf":
            value = json.dumps(value, sort_keys=True)
        return (value is not None, value if value is not None else 0)

    return sorted(runs, key=key, reverse=descending)


def _event_dict(event: DatasetEvent, runs: Dict[Tuple[str, str], DagRun]) -> Dict[str, Any]:
    """A DatasetEvent of the API (``created_dagruns`` from the runs that still exist)."""
    return {
        "created_dagruns": [runs[key].basic_dict() for key in event.created if key in runs],
        "dataset_id": event.dataset_id,
        "dataset_uri": event.dataset_uri,
        "extra": event.extra,
        "id": event.id,
        "source_dag_id": event.source_dag_id,
        "source_map_index": event.source_map_index,
        "source_run_id": event.source_run_id,
        "source_task_id": event.source_task_id,
        "timestamp": iso(event.timestamp),
    }
