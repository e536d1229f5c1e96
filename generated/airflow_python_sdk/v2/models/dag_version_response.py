"""Dag Version serializer for responses."""

from __future__ import annotations

from typing import Annotated, Optional
from uuid import UUID

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
class DagVersionResponse(Model):
    """Dag Version serializer for responses."""

    id: UUID
    version_number: int
    dag_id: str
    created_at: DateTime
    dag_display_name: str
    bundle_name: Annotated[Optional[str], NullWhenUnset] = None
    bundle_version: Annotated[Optional[str], NullWhenUnset] = None
    bundle_url: Annotated[Optional[str], NullWhenUnset] = None
