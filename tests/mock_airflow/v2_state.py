"""DAGs, DAG runs, task instances, asset events and XComs of the mock Airflow 3.3 (``/api/v2``).

A store of its own, apart from v1's ``state.Store``: the two APIs model different things
(``run_after``, ``triggered_by``, DAG versions, task instances with uuid7 ids, assets instead of
datasets) and the transcripts of each start from their own seed; a real deployment is 2.11 or 3.3,
never both.

The seed is the state the recorded 3.3.2 servers started from (transcripts before #1): five DAGs
whose version 1 was serialized at 2026-12-02T00:50:58 (ids and times as recorded; profile
``"sched"`` holds those of the second server, #245-#268), the producer's finished run, the
asset-triggered consumer run that consumed its event, and a running run of example_sdk_dag. The
DAGs start on 2024-01-01: a run whose logical date is earlier gets no task instances, hence
``dag_versions: []`` (another_dag's ``bulk_*`` runs of 2023-06-01, #178, #209).
"""

from __future__ import annotations

import itertools
import json
import random
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

UTC = timezone.utc
RUN_STATES = ("queued", "running", "success", "failed")
FINISHED = ("success", "failed")
MUTABLE_STATES = ("queued", "success", "failed")
RUN_TYPES = (
    "backfill", "scheduled", "manual", "operator_triggered", "asset_triggered",
    "asset_materialization",
)  # fmt: skip
TRIGGERED_BY = ("cli", "operator", "rest_api", "ui", "test", "timetable", "asset", "backfill")
TI_UNFINISHED = (None, "scheduled", "queued", "running", "up_for_retry", "up_for_reschedule",
                 "deferred", "restarting", "awaiting_input")  # fmt: skip
SORT_FIELDS = (
    "id", "state", "dag_id", "run_id", "logical_date", "partition_date", "run_after", "start_date",
    "end_date", "updated_at", "conf", "duration",
)  # fmt: skip
SORT_ALIASES = {"dag_run_id": "run_id"}
DAG_START = datetime(2024, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def dt(text: str) -> datetime:
    """A UTC datetime from an ISO string (``Z`` allowed)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def uuid7(now: Optional[float] = None) -> str:
    """A time-ordered UUID (version 7), like the ids Airflow 3 gives task instances."""
    millis = int((time.time() if now is None else now) * 1000)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76 | random.getrandbits(12) << 64
    value |= 0b10 << 62 | random.getrandbits(62)
    return str(uuid.UUID(int=value))


def random_id(length: int = 8) -> str:
    """Airflow's get_random_string: letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(length))


@dataclass
class DagVersion:
    """Version 1 of a DAG's serialization (the only one here)."""

    id: str
    dag_id: str
    created_at: datetime
    version_number: int = 1

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "version_number": self.version_number,
            "dag_id": self.dag_id,
            "bundle_name": "dags-folder",
            "bundle_version": None,
            "created_at": self.created_at,
            "dag_display_name": self.dag_id,
            "bundle_url": None,
        }


@dataclass
class Task:
    """A task of a DAG (what a task instance shows of it)."""

    task_id: str
    operator: str = "EmptyOperator"
    priority_weight: int = 1
    returns: Any = None  # the return_value XCom the mock scheduler pushes when it succeeds
    outlets: Tuple[int, ...] = ()  # asset ids it updates


@dataclass
class V2Dag:
    """A DAG: tasks, params ({name: (default, JSON schema)}), start date, version, assets."""

    dag_id: str
    tasks: Tuple[Task, ...]
    version: DagVersion
    params: Dict[str, Tuple[Any, Dict[str, Any]]] = field(default_factory=dict)
    start_date: datetime = DAG_START
    partitioned: bool = False
    result_tasks: Tuple[str, ...] = ()  # tasks marked as DAG results (returned by /wait)
    schedule_assets: Tuple[int, ...] = ()  # assets that trigger it

    @property
    def task_ids(self) -> List[str]:
        return [task.task_id for task in self.tasks]

    def task(self, task_id: str) -> Optional[Task]:
        return next((task for task in self.tasks if task.task_id == task_id), None)


@dataclass
class Asset:
    id: int
    name: str
    uri: str
    group: str = "asset"


@dataclass
class TaskInstance:
    """A task instance (map index -1) of a run."""

    id: str
    task: Task
    state: Optional[str] = None
    start_date: Optional[datetime] = None
    end_date: Optional[datetime] = None
    try_number: int = 0

    def finish(self, state: str, now: datetime) -> None:
        self.state = state
        self.start_date = self.start_date or now
        self.end_date = now

    def to_dict(self, run: "V2DagRun", dag: V2Dag) -> Dict[str, Any]:
        """The TaskInstanceResponse of a clear dry run (#198)."""
        duration = None
        if self.start_date is not None and self.end_date is not None:
            duration = (self.end_date - self.start_date).total_seconds()
        return {
            "id": self.id, "task_id": self.task.task_id, "dag_id": run.dag_id,
            "dag_run_id": run.run_id, "map_index": -1, "logical_date": run.logical_date,
            "run_after": run.run_after, "start_date": self.start_date, "end_date": self.end_date,
            "duration": duration, "state": self.state, "try_number": self.try_number,
            "max_tries": 0, "task_display_name": self.task.task_id, "dag_display_name": run.dag_id,
            "hostname": "", "unixname": "root", "pool": "default_pool", "pool_slots": 1,
            "queue": "default", "priority_weight": self.task.priority_weight,
            "operator": self.task.operator, "operator_name": self.task.operator,
            "queued_when": None, "scheduled_when": None, "pid": None, "executor": None,
            "executor_config": "{}", "note": None, "rendered_map_index": None,
            "rendered_fields": {}, "trigger": None, "triggerer_job": None,
            "dag_version": dag.version.to_dict(),
        }  # fmt: skip


@dataclass
class V2DagRun:
    """One DAG run. Dates are stored in UTC; ``id`` and ``updated_at`` are internal."""

    id: int
    dag_id: str
    run_id: str
    run_after: datetime
    logical_date: Optional[datetime] = None
    data_interval_start: Optional[datetime] = None
    data_interval_end: Optional[datetime] = None
    queued_at: Optional[datetime] = None
    start_date: Optional[datetime] = None
    end_date: Optional[datetime] = None
    last_scheduling_decision: Optional[datetime] = None
    run_type: str = "manual"
    state: str = "queued"
    triggered_by: Optional[str] = "rest_api"
    triggering_user_name: Optional[str] = None
    conf: Dict[str, Any] = field(default_factory=dict)
    note: Optional[str] = None
    bundle_version: Optional[str] = None
    partition_key: Optional[str] = None
    partition_date: Optional[datetime] = None
    updated_at: datetime = field(default_factory=utcnow)
    tis: List[TaskInstance] = field(default_factory=list)
    consumed_events: List[int] = field(default_factory=list)
    clear_number: int = 0

    @property
    def duration(self) -> Optional[float]:
        if self.start_date is None or self.end_date is None:
            return None
        return (self.end_date - self.start_date).total_seconds()

    def to_dict(self, dag: V2Dag) -> Dict[str, Any]:
        """The DAGRunResponse: 22 keys in the model's order (fact 32)."""
        return {
            "dag_run_id": self.run_id,
            "dag_id": self.dag_id,
            "logical_date": self.logical_date,
            "queued_at": self.queued_at,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "duration": self.duration,
            "data_interval_start": self.data_interval_start,
            "data_interval_end": self.data_interval_end,
            "run_after": self.run_after,
            "last_scheduling_decision": self.last_scheduling_decision,
            "run_type": self.run_type,
            "state": self.state,
            "triggered_by": self.triggered_by,
            "triggering_user_name": self.triggering_user_name,
            "conf": self.conf,
            "note": self.note,
            "dag_versions": [dag.version.to_dict()] if self.tis else [],
            "bundle_version": self.bundle_version,
            "dag_display_name": self.dag_id,
            "partition_key": self.partition_key,
            "partition_date": self.partition_date,
        }

    def reference(self, triggering: bool) -> Dict[str, Any]:
        """A DagRunAssetReference in an asset event's ``created_dagruns`` (#228)."""
        return {
            "run_id": self.run_id,
            "dag_id": self.dag_id,
            "logical_date": self.logical_date,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "state": self.state,
            "data_interval_start": self.data_interval_start,
            "data_interval_end": self.data_interval_end,
            "partition_key": self.partition_key,
            "triggering": triggering,
        }

    def set_state(self, state: str, now: Optional[datetime] = None) -> None:
        """DagRun.set_state as observed (#157-#159, #197): queued resets the run, a finished
        state keeps an existing end date, running sets the start date."""
        if state == self.state:
            return
        now = now or utcnow()  # callers pass the store's clock
        if state == "queued":
            self.queued_at, self.start_date, self.end_date = now, None, None
        elif state == "running":
            self.start_date = self.start_date or now
            self.end_date = None
        elif self.end_date is None:
            self.end_date = now
        self.state = state
        self.updated_at = now


@dataclass
class AssetEvent:
    """An asset event and the runs it created ((dag_id, run_id, triggering))."""

    id: int
    asset: Asset
    extra: Optional[Dict[str, Any]]
    source_dag_id: Optional[str]
    source_task_id: Optional[str]
    source_run_id: Optional[str]
    timestamp: datetime
    source_map_index: int = -1
    partition_key: Optional[str] = None
    created: List[Tuple[str, str, bool]] = field(default_factory=list)


# DAG versions of the two recorded servers: (uuid, created_at). "sched" is the second server's
# (#245-#268); its params_dag version never appears in the transcripts and is made up.
DAG_VERSIONS: Dict[str, Dict[str, Tuple[str, str]]] = {
    "stock": {
        "asset_consumer": ("01a2343b-b87b-74d9-804c-bb7fcb083ce5", "2026-12-02T00:50:58.811549Z"),
        "asset_producer": ("01a2343b-b87c-7fbb-b61b-92adea200ff7", "2026-12-02T00:50:58.811569Z"),
        "params_dag": ("01a2343b-b87d-7fa5-bfdb-afdf737e4b7d", "2026-12-02T00:50:58.811576Z"),
        "example_sdk_dag": ("01a2343b-b87e-7126-88e8-7a3981bd16e2", "2026-12-02T00:50:58.811582Z"),
        "another_dag": ("01a2343b-b87f-73b8-b9a7-5522178a134e", "2026-12-02T00:50:58.811588Z"),
    },
    "sched": {
        "asset_producer": ("01a2343d-489c-7b36-881d-8a63ecdc0914", "2026-12-02T00:52:41.245024Z"),
        "asset_consumer": ("01a2343d-489d-734a-878d-4fd68ae8010e", "2026-12-02T00:52:41.245045Z"),
        "params_dag": ("01a2343d-489e-7d21-9c4e-5b0f3e8a2d17", "2026-12-02T00:52:41.245052Z"),
        "example_sdk_dag": ("01a2343d-489f-7046-807d-aabde79ca567", "2026-12-02T00:52:41.245060Z"),
        "another_dag": ("01a2343d-48a0-7630-96b5-4331237ccf3c", "2026-12-02T00:52:41.245066Z"),
    },
}
SEED_PROFILES = tuple(DAG_VERSIONS)
HARNESS_ASSET = Asset(1, "harness_asset_one", "harness://assets/one")
CONSUMER_RUN = "asset_triggered__2024-01-02T00:00:00+00:00_harness1"


def seed_dags(profile: str = "stock") -> Dict[str, V2Dag]:
    """The DAGs of the recorded servers (tasks as their task instances and XComs show them)."""
    versions = DAG_VERSIONS[profile]

    def version(dag_id: str) -> DagVersion:
        uid, created = versions[dag_id]
        return DagVersion(uid, dag_id, dt(created))

    params = {
        "name": ("world", {"type": "string"}),
        "count": (1, {"type": "integer", "minimum": 0, "maximum": 10}),
    }
    dags = [
        V2Dag("asset_consumer", (Task("consume"),), version("asset_consumer"),
              schedule_assets=(HARNESS_ASSET.id,)),
        V2Dag("asset_producer", (Task("produce", outlets=(HARNESS_ASSET.id,)),),
              version("asset_producer")),
        V2Dag("params_dag", (Task("use_params", "PythonOperator"),), version("params_dag"),
              params),
        V2Dag("example_sdk_dag", (Task("start", priority_weight=2), Task("end")),
              version("example_sdk_dag")),
        V2Dag("another_dag", (Task("hello", "BashOperator", returns="hi"),),
              version("another_dag")),
    ]  # fmt: skip
    return {dag.dag_id: dag for dag in dags}


class V2Store:
    """Every DAG, run, event and XCom of the v2 API; every access holds ``lock``.

    ``runs`` keeps creation (id) order. ``scheduler`` (None: off) stands in for Airflow's
    scheduler: ``tick()`` moves queued runs to running after ``start_after`` seconds and running
    ones to success after ``run_for`` more, like the variant server of #245-#268.
    """

    def __init__(self, profile: str = "stock") -> None:
        self.lock = threading.RLock()
        self.profile = profile
        self.scheduler: Optional[Tuple[float, float]] = None
        self.clock_offset = 0.0  # seconds the mock's clock is ahead (advance_clock)
        self.reset(profile)

    def time(self) -> float:
        """The server's clock, as a Unix time (tokens, ids)."""
        return time.time() + self.clock_offset

    def now(self) -> datetime:
        """The server's clock, aware UTC (run dates, the scheduler)."""
        return utcnow() + timedelta(seconds=self.clock_offset)

    def reset(self, profile: Optional[str] = None) -> None:
        """Back to the seed (of ``profile``, else the current one); the scheduler is kept."""
        with self.lock:
            if profile is not None:
                if profile not in DAG_VERSIONS:
                    raise ValueError(f"seed profile must be one of {SEED_PROFILES}")
                self.profile = profile
            self.dags: Dict[str, V2Dag] = seed_dags(self.profile)
            self.assets: Dict[int, Asset] = {HARNESS_ASSET.id: HARNESS_ASSET}
            self.runs: Dict[Tuple[str, str], V2DagRun] = {}
            self.events: List[AssetEvent] = []
            self.xcoms: Dict[Tuple[str, str, str], Any] = {}
            self._ids = itertools.count(1)
            self._event_ids = itertools.count(1)
            self._seed()

    def _seed(self) -> None:
        """The producer's finished run, the consumer run its event triggered (#66, #228) and
        example_sdk_dag's running run (#67)."""
        noon, five_past = dt("2024-01-01T12:00:00Z"), dt("2024-01-01T12:05:00Z")
        producer = self.add_run(
            "asset_producer", "harness_producer_run", run_after=noon, logical_date=noon,
            state="success", triggered_by="cli", start_date=noon, end_date=five_past,
            updated_at=five_past, ti_states={"produce": "success"},
        )  # fmt: skip
        day = dt("2024-01-02T00:00:00Z")
        consumer = self.add_run(
            "asset_consumer", CONSUMER_RUN, run_after=day, run_type="asset_triggered",
            state="success", triggered_by="asset", start_date=day + timedelta(seconds=1),
            end_date=day + timedelta(seconds=3), updated_at=day + timedelta(seconds=3),
            ti_states={"consume": "success"},
        )  # fmt: skip
        third = dt("2024-01-03T00:00:00Z")
        self.add_run(
            "example_sdk_dag", "harness_running_run", run_after=third, logical_date=third,
            state="running", triggered_by="cli", start_date=third, updated_at=third,
            ti_states={"start": "success", "end": "running"},
        )  # fmt: skip
        event = self.add_event(
            HARNESS_ASSET.id, producer, five_past, extra={"from": "airflow3-harness", "rows": 3}
        )
        self.consume(consumer, [event], triggering=True)

    # ------------------------------------------------------------ DAGs and runs

    def add_dag(
        self,
        dag_id: str,
        tasks: Sequence[str] = ("start", "end"),
        params: Optional[Dict[str, Tuple[Any, Dict[str, Any]]]] = None,
        *,
        start_date: datetime = DAG_START,
        result_tasks: Sequence[str] = (),
        partitioned: bool = False,
    ) -> V2Dag:
        """Register (or replace) a DAG of EmptyOperator tasks, version 1 made now."""
        with self.lock:
            version = DagVersion(uuid7(self.time()), dag_id, self.now())
            weights = range(len(tasks), 0, -1)
            dag = V2Dag(
                dag_id, tuple(Task(t, priority_weight=w) for t, w in zip(tasks, weights)),
                version, dict(params or {}), start_date.astimezone(UTC), partitioned,
                tuple(result_tasks),
            )  # fmt: skip
            self.dags[dag_id] = dag
            return dag

    def add_run(
        self,
        dag_id: str,
        run_id: str,
        *,
        run_after: Optional[datetime] = None,
        logical_date: Optional[datetime] = None,
        ti_states: Optional[Dict[str, Optional[str]]] = None,
        **fields: Any,
    ) -> V2DagRun:
        """Store a new run with the next id and its task instances (the DAG is made if new).

        ``data_interval_*`` default to ``logical_date``; ``run_after`` to it, else now. Task
        instances are made when the DAG started by then (``ti_states`` gives their states).
        """
        with self.lock:
            dag = self.dags.get(dag_id) or self.add_dag(dag_id)
            logical = None if logical_date is None else logical_date.astimezone(UTC)
            after = (run_after or logical or self.now()).astimezone(UTC)
            fields.setdefault("data_interval_start", logical)
            fields.setdefault("data_interval_end", logical)
            for name, value in fields.items():
                if isinstance(value, datetime):
                    fields[name] = value.astimezone(UTC)
            run = V2DagRun(next(self._ids), dag_id, run_id, after, logical, **fields)
            if dag.start_date <= (logical or after):
                states = ti_states or {}
                run.tis = [
                    self._new_ti(t, states.get(t.task_id), run, self.time()) for t in dag.tasks
                ]
            self.runs[(dag_id, run_id)] = run
            return run

    @staticmethod
    def _new_ti(task: Task, state: Optional[str], run: V2DagRun, now: float) -> TaskInstance:
        ti = TaskInstance(uuid7(now), task, state)
        if state not in (None, "scheduled", "queued"):
            ti.start_date = run.start_date or run.run_after
            ti.try_number = 1
            if state not in TI_UNFINISHED:
                ti.end_date = run.end_date or ti.start_date
        return ti

    def get(self, dag_id: str, run_id: str) -> Optional[V2DagRun]:
        with self.lock:
            return self.runs.get((dag_id, run_id))

    def delete(self, run: V2DagRun) -> None:
        with self.lock:
            self.runs.pop((run.dag_id, run.run_id), None)
            for key in [k for k in self.xcoms if k[:2] == (run.dag_id, run.run_id)]:
                del self.xcoms[key]

    def find_conflict(
        self, dag_id: str, run_id: str, logical_date: Optional[datetime]
    ) -> Optional[V2DagRun]:
        """A run of the DAG with this run id, or this (non-null) logical date."""
        with self.lock:
            for run in self.runs.values():
                if run.dag_id == dag_id and (
                    run.run_id == run_id
                    or (logical_date is not None and run.logical_date == logical_date)
                ):
                    return run
            return None

    def all_runs(self, dag_ids: Optional[Iterable[str]] = None) -> List[V2DagRun]:
        """Runs in id order, of some DAGs (None: every DAG)."""
        with self.lock:
            if dag_ids is None:
                return list(self.runs.values())
            wanted = set(dag_ids)
            return [run for run in self.runs.values() if run.dag_id in wanted]

    def seed_runs(
        self,
        dag_id: str,
        count: int,
        *,
        start: Optional[datetime] = None,
        interval: timedelta = timedelta(minutes=1),
        states: Sequence[str] = ("success",),
        run_type: str = "manual",
        run_id_prefix: str = "seeded_",
        conf: Optional[Dict[str, Any]] = None,
    ) -> List[str]:
        """Add ``count`` runs at ``start + i * interval`` (states cycle), ids ``<prefix><i:05d>``.

        Finished runs last 5 minutes; running ones have a start date.
        """
        first = (start or dt("2024-06-01T00:00:00Z")).astimezone(UTC)
        ids = []
        with self.lock:
            dag = self.dags.get(dag_id) or self.add_dag(dag_id)
            for i in range(count):
                logical = first + i * interval
                state = states[i % len(states)]
                started = logical if state in ("running",) + FINISHED else None
                ended = logical + timedelta(minutes=5) if state in FINISHED else None
                ti_state = {"queued": None, "running": "running"}.get(state, state)
                run_id = f"{run_id_prefix}{i:05d}"
                self.add_run(
                    dag_id, run_id, logical_date=logical, run_after=logical, state=state,
                    run_type=run_type, triggered_by="cli", conf=dict(conf or {}),
                    start_date=started, end_date=ended, updated_at=ended or started or logical,
                    ti_states={task.task_id: ti_state for task in dag.tasks},
                )  # fmt: skip
                ids.append(run_id)
        return ids

    # ------------------------------------------------------------ state moves

    def move(self, run: V2DagRun, state: str, now: Optional[datetime] = None) -> None:
        """Set a run's state the way the API's mark-as endpoints do (set_dag_run_state_to_*):
        success marks unfinished task instances success; failed fails the running ones and skips
        the others (#207); queued leaves them."""
        now = now or self.now()
        with self.lock:
            if state == "success":
                for ti in run.tis:
                    if ti.state in TI_UNFINISHED:
                        ti.finish("success", now)
            elif state == "failed":
                for ti in run.tis:
                    if ti.state == "running":
                        ti.finish("failed", now)
                    elif ti.state in TI_UNFINISHED:
                        ti.state, ti.start_date, ti.end_date = "skipped", now, now
            run.set_state(state, now)

    def run_like_scheduler(
        self,
        run: V2DagRun,
        state: str,
        results: Optional[Dict[str, Any]] = None,
        at: Optional[datetime] = None,
    ) -> None:
        """Move a run as the scheduler would (at ``at``, else now): running starts it (and its
        first task); success or failed finishes every task (failed: the last one fails) and
        records the decision time. ``results`` are pushed as return_value XComs; otherwise tasks
        with a ``returns`` value push it on success. A producer's success makes asset events and
        consumer runs."""
        now = at or self.now()
        with self.lock:
            if state == "queued":
                run.set_state("queued", now)
                for ti in run.tis:
                    ti.state, ti.start_date, ti.end_date = None, None, None
                return
            run.last_scheduling_decision = now
            if state == "running":
                run.set_state("running", now)
                if run.tis and run.tis[0].state is None:
                    run.tis[0].state, run.tis[0].start_date, run.tis[0].try_number = (
                        "running", now, 1,
                    )  # fmt: skip
                return
            if state not in FINISHED:
                raise ValueError(f"state must be one of {RUN_STATES}")
            run.start_date = run.start_date or now
            for index, ti in enumerate(run.tis):
                if ti.state in TI_UNFINISHED:
                    last = index == len(run.tis) - 1
                    ti.finish("failed" if state == "failed" and last else "success", now)
                    ti.try_number = max(ti.try_number, 1)
                    if ti.state == "success" and ti.task.returns is not None:
                        self.xcoms.setdefault((run.dag_id, run.run_id, ti.task.task_id),
                                              ti.task.returns)  # fmt: skip
            for task_id, value in (results or {}).items():
                self.xcoms[(run.dag_id, run.run_id, task_id)] = value
            run.set_state(state, now)
            if state == "success":
                self._emit_events(run, now)

    def _emit_events(self, run: V2DagRun, now: datetime) -> None:
        """Asset events of a producer run's outlets and the asset-triggered runs they cause."""
        dag = self.dags[run.dag_id]
        for task in dag.tasks:
            for asset_id in task.outlets:
                event = self.add_event(asset_id, run, now, task_id=task.task_id, extra={})
                for consumer in self.dags.values():
                    if asset_id in consumer.schedule_assets:
                        after = now + timedelta(milliseconds=10)
                        created = self.add_run(
                            consumer.dag_id,
                            f"asset_triggered__{after.isoformat()}_{random_id()}",
                            run_after=after, run_type="asset_triggered", triggered_by="asset",
                            queued_at=after,
                        )  # fmt: skip
                        self.consume(created, [event], triggering=True)

    def tick(self) -> None:
        """Advance runs as the mock scheduler (if on) would have by now: a queued run starts
        ``start_after`` s after it was queued (not before its ``run_after``) and ends ``run_for``
        s later, so a clock jump runs whole chains (a producer, then the consumer run its asset
        event makes)."""
        if self.scheduler is None:
            return
        start_after, run_for = (timedelta(seconds=s) for s in self.scheduler)
        current = self.now()
        with self.lock:
            changed = True
            while changed:
                changed = False
                for run in list(self.runs.values()):
                    if run.state == "queued" and run.queued_at is not None:
                        starts = max(run.queued_at + start_after, run.run_after)  # not before
                        if current >= starts:
                            self.run_like_scheduler(run, "running", at=starts)
                            changed = True
                    elif run.state == "running" and run.start_date is not None:
                        if current >= run.start_date + run_for:
                            self.run_like_scheduler(run, "success", at=run.start_date + run_for)
                            changed = True

    # ------------------------------------------------------------ clearing

    def clear(self, run: V2DagRun, tis: List[TaskInstance], now: Optional[datetime] = None) -> int:
        """clear_task_instances: the task instances get new ids and no state, their run is queued
        again (queued_at now, no start or end date). Nothing happens without task instances."""
        if not tis:
            return 0
        now = now or self.now()
        with self.lock:
            for ti in tis:
                ti.id, ti.state = uuid7(self.time()), None
            run.state, run.queued_at, run.start_date, run.end_date = "queued", now, None, None
            run.updated_at = now
            run.clear_number += 1
            for key in [k for k in self.xcoms if k[:2] == (run.dag_id, run.run_id)]:
                if any(ti.task.task_id == key[2] for ti in tis):
                    del self.xcoms[key]
        return len(tis)

    # ------------------------------------------------------------ assets

    def add_event(
        self,
        asset_id: int,
        source: Optional[V2DagRun],
        timestamp: datetime,
        *,
        task_id: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> AssetEvent:
        with self.lock:
            dag = self.dags.get(source.dag_id) if source else None
            if source is not None and task_id is None and dag is not None:
                task_id = next((t.task_id for t in dag.tasks if asset_id in t.outlets), None)
            event = AssetEvent(
                next(self._event_ids), self.assets[asset_id], extra,
                source.dag_id if source else None, task_id, source.run_id if source else None,
                timestamp.astimezone(UTC),
            )  # fmt: skip
            self.events.append(event)
            return event

    def consume(self, run: V2DagRun, events: List[AssetEvent], triggering: bool) -> None:
        """Record that ``run`` consumed ``events`` (and was created by them if triggering)."""
        with self.lock:
            for event in events:
                run.consumed_events.append(event.id)
                event.created.append((run.dag_id, run.run_id, triggering))

    def consumed_events(self, run: V2DagRun) -> List[AssetEvent]:
        with self.lock:
            return [event for event in self.events if event.id in run.consumed_events]

    def event_dict(self, event: AssetEvent) -> Tuple[Dict[str, Any], bool]:
        """An AssetEventResponse, and whether the model can serve it (every created run has a
        start date: a queued one makes the real server answer 500, #233)."""
        created = []
        servable = True
        for dag_id, run_id, triggering in event.created:
            run = self.runs.get((dag_id, run_id))
            if run is not None:
                servable = servable and run.start_date is not None
                created.append(run.reference(triggering))
        return (
            {
                "id": event.id,
                "asset_id": event.asset.id,
                "uri": event.asset.uri,
                "name": event.asset.name,
                "group": event.asset.group,
                "extra": event.extra,
                "source_task_id": event.source_task_id,
                "source_dag_id": event.source_dag_id,
                "source_run_id": event.source_run_id,
                "source_map_index": event.source_map_index,
                "created_dagruns": created,
                "timestamp": event.timestamp,
                "partition_key": event.partition_key,
            },
            servable,
        )

    def consumed_asset_texts(self, run: V2DagRun) -> List[str]:
        """Names and URIs of the assets a run consumed events of."""
        texts: List[str] = []
        for event in self.consumed_events(run):
            texts += [event.asset.name, event.asset.uri]
        return texts

    # ------------------------------------------------------------ XComs

    def results(self, run: V2DagRun, task_ids: Optional[List[str]]) -> Dict[str, Any]:
        """return_value XComs by task id (sorted): of ``task_ids``, else of the DAG's result
        tasks (#250, #251)."""
        with self.lock:
            dag = self.dags.get(run.dag_id)
            wanted = task_ids if task_ids is not None else list(dag.result_tasks if dag else ())
            return {
                task_id: self.xcoms[(run.dag_id, run.run_id, task_id)]
                for task_id in sorted(set(wanted))
                if (run.dag_id, run.run_id, task_id) in self.xcoms
            }


def conf_text(conf: Any) -> str:
    """The conf as the database stores it (SQLAlchemy's JSON: json.dumps, default spacing)."""
    return json.dumps(conf)
