"""Response for the clearPartitions endpoint."""

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
class ClearPartitionsResponse(Model):
    """Response for the clearPartitions endpoint."""

    dag_runs_cleared: int
    task_instances_cleared: int
    dry_run: bool
