"""Request body for bulk operations on Dag Runs. `dag_id` is required when the path dag_id is `~`, and is used as given even when it differs from the path's."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .dag_run_mutable_states import DagRunMutableStates

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkDAGRunBody(Model):
    """Request body for bulk operations on Dag Runs. `dag_id` is required when the path dag_id is `~`, and is used as given even when it differs from the path's."""

    dag_run_id: str
    dag_id: Optional[str] = None
    state: Optional[DagRunMutableStates] = None
    note: Optional[str] = None
