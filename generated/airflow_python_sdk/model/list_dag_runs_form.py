"""Filters and paging of the batch list. Unknown keys are rejected."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import DateTime, Model

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class ListDagRunsForm(Model):
    """Filters and paging of the batch list. Unknown keys are rejected."""

    order_by: Optional[str] = None
    """The field to order by; prefix with `-` for descending."""
    page_offset: Optional[int] = None
    """The number of items to skip before starting to collect the result set."""
    page_limit: Optional[int] = 100
    """The numbers of items to return (Airflow 2.11 does not clamp it here)."""
    dag_ids: Optional[List[str]] = None
    """Return only runs of these DAGs (unknown ids are ignored)."""
    states: Optional[List[str]] = None
    """Return only runs in one of these states."""
    execution_date_gte: Optional[DateTime] = None
    execution_date_lte: Optional[DateTime] = None
    start_date_gte: Optional[DateTime] = None
    start_date_lte: Optional[DateTime] = None
    end_date_gte: Optional[DateTime] = None
    end_date_lte: Optional[DateTime] = None
    updated_at_gte: Optional[DateTime] = None
    """Accepted but ignored by Airflow 2.11."""
    updated_at_lte: Optional[DateTime] = None
    """Accepted but ignored by Airflow 2.11."""
