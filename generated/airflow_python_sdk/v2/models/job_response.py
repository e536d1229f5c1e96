"""Job serializer for responses."""

from __future__ import annotations

from typing import ClassVar, FrozenSet, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class JobResponse(Model):
    """Job serializer for responses."""

    id: int
    dag_id: Optional[str] = None
    state: Optional[str] = None
    job_type: Optional[str] = None
    start_date: Optional[DateTime] = None
    end_date: Optional[DateTime] = None
    latest_heartbeat: Optional[DateTime] = None
    executor_class: Optional[str] = None
    hostname: Optional[str] = None
    unixname: Optional[str] = None
    dag_display_name: Optional[str] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "dag_id",
            "state",
            "job_type",
            "start_date",
            "end_date",
            "latest_heartbeat",
            "executor_class",
            "hostname",
            "unixname",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
