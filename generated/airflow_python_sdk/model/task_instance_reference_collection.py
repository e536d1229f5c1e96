"""The dry-run answer of clear."""

from __future__ import annotations

from typing import List

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import Model
from .task_instance_reference import TaskInstanceReference

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TaskInstanceReferenceCollection(Model):
    """The dry-run answer of clear."""

    task_instances: List[TaskInstanceReference]
