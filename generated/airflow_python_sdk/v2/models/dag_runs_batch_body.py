"""List Dag Runs body for batch endpoint. Date-times must carry an offset (`Z` or `+hh:mm`): a naive one gets 422. Unknown keys get 422."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model
from .dag_run_state import DagRunState

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DAGRunsBatchBody(Model):
    """List Dag Runs body for batch endpoint. Date-times must carry an offset (`Z` or `+hh:mm`): a naive one gets 422. Unknown keys get 422."""

    order_by: Optional[str] = None
    """One attribute to order by (the list's attributes: id, state, dag_id, run_id, logical_date, run_after, start_date, end_date, updated_at, conf, duration, ...); prefix with `-` for descending. Any other gets 400."""
    page_offset: Optional[int] = 0
    page_limit: Optional[int] = 100
    """The page size. Not clamped (1000 returns up to 1000 runs); 0 returns none."""
    dag_ids: Optional[List[str]] = None
    """Runs of these Dags (unknown ids match nothing)."""
    states: Optional[List[Optional[DagRunState]]] = None
    run_after_gte: Optional[DateTime] = None
    run_after_gt: Optional[DateTime] = None
    run_after_lte: Optional[DateTime] = None
    run_after_lt: Optional[DateTime] = None
    logical_date_gte: Optional[DateTime] = None
    logical_date_gt: Optional[DateTime] = None
    logical_date_lte: Optional[DateTime] = None
    logical_date_lt: Optional[DateTime] = None
    start_date_gte: Optional[DateTime] = None
    start_date_gt: Optional[DateTime] = None
    start_date_lte: Optional[DateTime] = None
    start_date_lt: Optional[DateTime] = None
    end_date_gte: Optional[DateTime] = None
    end_date_gt: Optional[DateTime] = None
    end_date_lte: Optional[DateTime] = None
    end_date_lt: Optional[DateTime] = None
    duration_gte: Optional[float] = None
    duration_gt: Optional[float] = None
    duration_lte: Optional[float] = None
    duration_lt: Optional[float] = None
    conf_contains: Optional[str] = None
