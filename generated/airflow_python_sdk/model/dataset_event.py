"""A dataset event."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import DateTime, Model
from .basic_dag_run import BasicDAGRun

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DatasetEvent(Model):
    """A dataset event."""

    id: Optional[int] = None
    dataset_id: Optional[int] = None
    dataset_uri: Optional[str] = None
    extra: Optional[Dict[str, Any]] = None
    source_dag_id: Optional[str] = None
    source_task_id: Optional[str] = None
    source_run_id: Optional[str] = None
    source_map_index: Optional[int] = None
    created_dagruns: Optional[List[BasicDAGRun]] = None
    timestamp: Optional[DateTime] = None
