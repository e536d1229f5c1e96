"""A task instance that a clear would reset."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import DateTime, Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TaskInstanceReference(Model):
    """A task instance that a clear would reset."""

    task_id: Optional[str] = None
    dag_id: Optional[str] = None
    dag_run_id: Optional[str] = None
    execution_date: Optional[DateTime] = None
