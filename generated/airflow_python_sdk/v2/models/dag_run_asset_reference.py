"""DagRun serializer for asset responses."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model, NullWhenUnset

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
    logical_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    start_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    end_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    data_interval_start: Annotated[Optional[DateTime], NullWhenUnset] = None
    data_interval_end: Annotated[Optional[DateTime], NullWhenUnset] = None
    partition_key: Annotated[Optional[str], NullWhenUnset] = None
