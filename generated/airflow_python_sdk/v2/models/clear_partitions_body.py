"""Request body for the clearPartitions endpoint (column-reset: set partition fields to None). Exactly one selector: `run_id`, `partition_key`, or a partition date window (`partition_date_start` / `partition_date_end`, start on or before end); anything else gets 422."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class ClearPartitionsBody(Model):
    """Request body for the clearPartitions endpoint (column-reset: set partition fields to None). Exactly one selector: `run_id`, `partition_key`, or a partition date window (`partition_date_start` / `partition_date_end`, start on or before end); anything else gets 422."""

    partition_key: Optional[str] = None
    """Select runs by exact partition key match. Mutually exclusive with the other partition selectors."""
    partition_date_start: Optional[DateTime] = None
    """Inclusive start of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors."""
    partition_date_end: Optional[DateTime] = None
    """Inclusive end of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors."""
    run_id: Optional[str] = None
    """Select runs by exact run_id. Mutually exclusive with ``partition_key`` and partition date window."""
    clear_task_instances: Optional[bool] = False
    """Also clear task instances on the matched runs."""
    dry_run: Optional[bool] = True
    """If True, compute counts without writing any changes."""
