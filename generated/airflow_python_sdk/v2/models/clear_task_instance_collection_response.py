"""Response for clear dag run dry run, which may contain new tasks without full TaskInstance data."""

from __future__ import annotations

from typing import List

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .task_instances_inner import TaskInstancesInner

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class ClearTaskInstanceCollectionResponse(Model):
    """Response for clear dag run dry run, which may contain new tasks without full TaskInstance data."""

    task_instances: List[TaskInstancesInner]
    total_entries: int
