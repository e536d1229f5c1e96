"""TaskInstance serializer for responses."""

from __future__ import annotations

from typing import Annotated, Any, Dict, Optional
from uuid import UUID

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model, NullWhenUnset
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
    logical_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    start_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    end_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    duration: Annotated[Optional[float], NullWhenUnset] = None
    state: Annotated[Optional[TaskInstanceState], NullWhenUnset] = None
    hostname: Annotated[Optional[str], NullWhenUnset] = None
    unixname: Annotated[Optional[str], NullWhenUnset] = None
    queue: Annotated[Optional[str], NullWhenUnset] = None
    priority_weight: Annotated[Optional[int], NullWhenUnset] = None
    operator: Annotated[Optional[str], NullWhenUnset] = None
    operator_name: Annotated[Optional[str], NullWhenUnset] = None
    queued_when: Annotated[Optional[DateTime], NullWhenUnset] = None
    scheduled_when: Annotated[Optional[DateTime], NullWhenUnset] = None
    pid: Annotated[Optional[int], NullWhenUnset] = None
    executor: Annotated[Optional[str], NullWhenUnset] = None
    note: Annotated[Optional[str], NullWhenUnset] = None
    rendered_map_index: Annotated[Optional[str], NullWhenUnset] = None
    trigger: Annotated[Optional[TriggerResponse], NullWhenUnset] = None
    triggerer_job: Annotated[Optional[JobResponse], NullWhenUnset] = None
    dag_version: Annotated[Optional[DagVersionResponse], NullWhenUnset] = None
    rendered_fields: Optional[Dict[str, Any]] = None
