"""A task instance that a clear would reset."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from . import DateTime


@dataclass(config=ConfigDict(extra="allow"))
class TaskInstanceReference:
    """A task instance that a clear would reset."""

    task_id: Optional[str] = None
    dag_id: Optional[str] = None
    dag_run_id: Optional[str] = None
    execution_date: Optional[DateTime] = None
