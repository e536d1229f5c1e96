"""Dag Version serializer for responses."""

from __future__ import annotations

from typing import ClassVar, FrozenSet, Optional
from uuid import UUID

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
class DagVersionResponse(Model):
    """Dag Version serializer for responses."""

    id: UUID
    version_number: int
    dag_id: str
    created_at: DateTime
    dag_display_name: str
    bundle_name: Optional[str] = None
    bundle_version: Optional[str] = None
    bundle_url: Optional[str] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "bundle_name",
            "bundle_version",
            "bundle_url",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
