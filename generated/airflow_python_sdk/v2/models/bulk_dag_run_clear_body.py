"""Request body for the bulk clear Dag Runs endpoint. Exactly one selector: `dag_runs` (non-empty), `partition_key`, or a partition date window (`partition_date_start` / `partition_date_end`); none or several get 422. With `~` as the path dag_id every `dag_runs` entry needs `dag_id`, and partition selectors get 400."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model
from .bulk_dag_run_body import BulkDAGRunBody

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkDAGRunClearBody(Model):
    """Request body for the bulk clear Dag Runs endpoint. Exactly one selector: `dag_runs` (non-empty), `partition_key`, or a partition date window (`partition_date_start` / `partition_date_end`); none or several get 422. With `~` as the path dag_id every `dag_runs` entry needs `dag_id`, and partition selectors get 400."""

    partition_key: Optional[str] = None
    """Select runs by exact partition key match. Mutually exclusive with the other partition selectors."""
    partition_date_start: Optional[DateTime] = None
    """Inclusive start of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors."""
    partition_date_end: Optional[DateTime] = None
    """Inclusive end of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors."""
    dry_run: Optional[bool] = True
    only_failed: Optional[bool] = False
    only_new: Optional[bool] = False
    """Only queue newly added tasks in the latest Dag version without clearing existing tasks."""
    run_on_latest_version: Optional[bool] = None
    """(Experimental) Run on the latest bundle version of the Dag after clearing. If not specified, falls back to the DAG-level ``rerun_with_latest_version`` parameter, then the ``[core] rerun_with_latest_version`` config option, and finally ``False``."""
    note: Optional[str] = None
    dag_runs: Optional[List[BulkDAGRunBody]] = None
