"""A DAG run created by a dataset event."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import DateTime, Model
from .dag_state import DagState

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BasicDAGRun(Model):
    """A DAG run created by a dataset event."""

    dag_id: Optional[str] = None
    dag_run_id: Optional[str] = None
    logical_date: Optional[DateTime] = None
    start_date: Optional[DateTime] = None
    end_date: Optional[DateTime] = None
    data_interval_start: Optional[DateTime] = None
    data_interval_end: Optional[DateTime] = None
    state: Optional[DagState] = None
