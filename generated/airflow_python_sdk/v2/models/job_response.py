"""Job serializer for responses."""

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
class JobResponse(Model):
    """Job serializer for responses."""

    id: int
    dag_id: Annotated[Optional[str], NullWhenUnset] = None
    state: Annotated[Optional[str], NullWhenUnset] = None
    job_type: Annotated[Optional[str], NullWhenUnset] = None
    start_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    end_date: Annotated[Optional[DateTime], NullWhenUnset] = None
    latest_heartbeat: Annotated[Optional[DateTime], NullWhenUnset] = None
    executor_class: Annotated[Optional[str], NullWhenUnset] = None
    hostname: Annotated[Optional[str], NullWhenUnset] = None
    unixname: Annotated[Optional[str], NullWhenUnset] = None
    dag_display_name: Optional[str] = None
