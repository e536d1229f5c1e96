"""Dag Run Serializer for PATCH requests."""

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
class DAGRunPatchBody(Model):
    """Dag Run Serializer for PATCH requests."""

    state: Optional[DagRunMutableStates] = None
    note: Optional[str] = None
