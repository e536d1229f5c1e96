"""The dry-run answer of clear."""

from __future__ import annotations

from typing import List

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from .task_instance_reference import TaskInstanceReference


@dataclass(config=ConfigDict(extra="allow"))
class TaskInstanceReferenceCollection:
    """The dry-run answer of clear."""

    task_instances: List[TaskInstanceReference]
