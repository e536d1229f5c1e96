"""TaskInstance serializer for responses."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, Optional
from uuid import UUID

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model
from .dag_version_response import DagVersionResponse
from .job_response import JobResponse
from .task_instance_state import TaskInstanceState
from .trigger_response import TriggerResponse

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TaskInstanceResponse(Model):
    """TaskInstance serializer for responses."""

    id: UUID
    task_id: str
    dag_id: str
    dag_run_id: str
    map_index: int
    run_after: DateTime
    try_number: int
    max_tries: int
    task_display_name: str
    dag_display_name: str
    pool: str
    pool_slots: int
    executor_config: str
    logical_date: Optional[DateTime] = None
    start_date: Optional[DateTime] = None
    end_date: Optional[DateTime] = None
    duration: Optional[float] = None
    state: Optional[TaskInstanceState] = None
    hostname: Optional[str] = None
    unixname: Optional[str] = None
    queue: Optional[str] = None
    priority_weight: Optional[int] = None
    operator: Optional[str] = None
    operator_name: Optional[str] = None
    queued_when: Optional[DateTime] = None
    scheduled_when: Optional[DateTime] = None
    pid: Optional[int] = None
    executor: Optional[str] = None
    note: Optional[str] = None
    rendered_map_index: Optional[str] = None
    trigger: Optional[TriggerResponse] = None
    triggerer_job: Optional[JobResponse] = None
    dag_version: Optional[DagVersionResponse] = None
    rendered_fields: Optional[Dict[str, Any]] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "logical_date",
            "start_date",
            "end_date",
            "duration",
            "state",
            "hostname",
            "unixname",
            "queue",
            "priority_weight",
            "operator",
            "operator_name",
            "queued_when",
            "scheduled_when",
            "pid",
            "executor",
            "note",
            "rendered_map_index",
            "trigger",
            "triggerer_job",
            "dag_version",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
