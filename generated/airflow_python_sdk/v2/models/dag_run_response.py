"""Dag Run serializer for responses. Every key is always sent, null when unset. Date-times are UTC with `Z` (the trigger answer echoes the offset sent), with microseconds only when not zero; run ids keep their `+00:00`. `conf` is always an object (`{}` when unset). `duration` is in seconds. `dag_versions` may be empty."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model
from .dag_run_state import DagRunState
from .dag_run_triggered_by_type import DagRunTriggeredByType
from .dag_run_type import DagRunType
from .dag_version_response import DagVersionResponse

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DAGRunResponse(Model):
    """Dag Run serializer for responses. Every key is always sent, null when unset. Date-times are UTC with `Z` (the trigger answer echoes the offset sent), with microseconds only when not zero; run ids keep their `+00:00`. `conf` is always an object (`{}` when unset). `duration` is in seconds. `dag_versions` may be empty."""

    dag_run_id: str
    dag_id: str
    run_after: DateTime
    run_type: DagRunType
    state: DagRunState
    dag_versions: List[DagVersionResponse]
    dag_display_name: str
    logical_date: Optional[DateTime] = None
    queued_at: Optional[DateTime] = None
    start_date: Optional[DateTime] = None
    end_date: Optional[DateTime] = None
    duration: Optional[float] = None
    data_interval_start: Optional[DateTime] = None
    data_interval_end: Optional[DateTime] = None
    last_scheduling_decision: Optional[DateTime] = None
    triggered_by: Optional[DagRunTriggeredByType] = None
    triggering_user_name: Optional[str] = None
    conf: Optional[Dict[str, Any]] = None
    note: Optional[str] = None
    bundle_version: Optional[str] = None
    partition_key: Optional[str] = None
    partition_date: Optional[DateTime] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "logical_date",
            "queued_at",
            "start_date",
            "end_date",
            "duration",
            "data_interval_start",
            "data_interval_end",
            "last_scheduling_decision",
            "triggered_by",
            "triggering_user_name",
            "conf",
            "note",
            "bundle_version",
            "partition_key",
            "partition_date",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
