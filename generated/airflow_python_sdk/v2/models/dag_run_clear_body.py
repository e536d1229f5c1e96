"""Dag Run serializer for clear endpoint body. `only_failed` and `only_new` are mutually exclusive (both true gets 422). Unknown keys get 422."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DAGRunClearBody(Model):
    """Dag Run serializer for clear endpoint body. `only_failed` and `only_new` are mutually exclusive (both true gets 422). Unknown keys get 422."""

    dry_run: Optional[bool] = True
    only_failed: Optional[bool] = False
    only_new: Optional[bool] = False
    """Only queue newly added tasks in the latest Dag version without clearing existing tasks."""
    run_on_latest_version: Optional[bool] = None
    """(Experimental) Run on the latest bundle version of the Dag after clearing. If not specified, falls back to the DAG-level ``rerun_with_latest_version`` parameter, then the ``[core] rerun_with_latest_version`` config option, and finally ``False``."""
    note: Optional[str] = None
