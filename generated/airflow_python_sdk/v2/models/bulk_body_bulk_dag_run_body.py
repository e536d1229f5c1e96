"""BulkBodyBulkDAGRunBody."""

from __future__ import annotations

from typing import List

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .actions_inner import ActionsInner

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkBodyBulkDAGRunBody(Model):
    """BulkBodyBulkDAGRunBody."""

    actions: List[ActionsInner]
