"""DagRun serializer for asset responses."""

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
class DagRunAssetReference(Model):
    """DagRun serializer for asset responses."""

    run_id: str
    dag_id: str
    state: str
    triggering: bool
    """Whether this asset event triggered the referenced dag run. Only a run's most recent consumed asset event triggers it; earlier consumed events are included in the run but did not trigger it."""
    logical_date: Optional[DateTime] = None
    start_date: Optional[DateTime] = None
    end_date: Optional[DateTime] = None
    data_interval_start: Optional[DateTime] = None
    data_interval_end: Optional[DateTime] = None
    partition_key: Optional[str] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "logical_date",
            "start_date",
            "end_date",
            "data_interval_start",
            "data_interval_end",
            "partition_key",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
