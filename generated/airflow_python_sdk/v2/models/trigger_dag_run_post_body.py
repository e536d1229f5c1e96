"""Trigger Dag Run Serializer for POST body. Unknown and read-only keys (`state`, `run_type`, `dag_id`, ...) get 422 `extra_forbidden`."""

from __future__ import annotations

from typing import Annotated, Any, Dict, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model, NullWhenUnset

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TriggerDAGRunPostBody(Model):
    """Trigger Dag Run Serializer for POST body. Unknown and read-only keys (`state`, `run_type`, `dag_id`, ...) get 422 `extra_forbidden`."""

    logical_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    """Required, but may be null (a run without logical date; its data interval is null too). A date-time must carry an offset (`Z` or `+hh:mm`): a naive or date-only value gets 422. The trigger answer echoes the offset sent; later reads give UTC with `Z`. (The server also takes an integer Unix timestamp, as UTC.)"""
    dag_run_id: Optional[str] = None
    """The run id; left out, null or \"\" makes the server generate one (`manual__<run_after>+00:00`)."""
    data_interval_start: Optional[DateTime] = None
    """Send both data_interval_start and data_interval_end, or neither (one alone gets 422). Ignored when logical_date is null. Without them the interval is [logical_date, logical_date]."""
    data_interval_end: Optional[DateTime] = None
    """See data_interval_start."""
    run_after: Optional[DateTime] = None
    """When the run may start; the request time when left out, even when logical_date is given. Send an offset (the server reads a naive value as UTC)."""
    conf: Optional[Dict[str, Any]] = None
    """Validated against the Dag's params (a violation gets 400; keys that are not params are kept). null is stored as `{}`."""
    note: Optional[str] = None
    """No length limit here (PATCH allows 1000 characters); \"\" is stored as null."""
    partition_key: Optional[str] = None
    """Only for partitioned Dags; others answer 400."""
