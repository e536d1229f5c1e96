"""Lightweight response for new tasks that don't have TaskInstances yet."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class NewTaskResponse(Model):
    """Lightweight response for new tasks that don't have TaskInstances yet."""

    task_id: str
    task_display_name: str
