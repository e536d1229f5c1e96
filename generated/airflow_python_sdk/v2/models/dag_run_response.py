"""Dag Run serializer for responses. Every key is always sent, null when unset. Date-times are UTC with `Z` (the trigger answer echoes the offset sent), with microseconds only when not zero; run ids keep their `+00:00`. `conf` is always an object (`{}` when unset). `duration` is in seconds. `dag_versions` may be empty."""

from __future__ import annotations

from typing import Annotated, Any, Dict, List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model, NullWhenUnset
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
    logical_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    queued_at: Annotated[Optional[DateTime], NullWhenUnset] = None
    start_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    end_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    duration: Annotated[Optional[float], NullWhenUnset] = None
    data_interval_start: Annotated[Optional[DateTime], NullWhenUnset] = None
    data_interval_end: Annotated[Optional[DateTime], NullWhenUnset] = None
    last_scheduling_decision: Annotated[Optional[DateTime], NullWhenUnset] = None
    triggered_by: Annotated[Optional[DagRunTriggeredByType], NullWhenUnset] = None
    triggering_user_name: Annotated[Optional[str], NullWhenUnset] = None
    conf: Annotated[Optional[Dict[str, Any]], NullWhenUnset] = None
    note: Annotated[Optional[str], NullWhenUnset] = None
    bundle_version: Annotated[Optional[str], NullWhenUnset] = None
    partition_key: Annotated[Optional[str], NullWhenUnset] = None
    partition_date: Annotated[Optional[DateTime], NullWhenUnset] = None
