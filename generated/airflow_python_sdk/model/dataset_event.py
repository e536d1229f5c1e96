"""A dataset event."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from . import DateTime
from .basic_dag_run import BasicDAGRun


@dataclass(config=ConfigDict(extra="allow"))
class DatasetEvent:
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
