"""Trigger serializer for responses."""

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
class TriggerResponse(Model):
    """Trigger serializer for responses."""

    id: int
    classpath: str
    kwargs: str
    created_date: DateTime
    queue: Optional[str] = None
    triggerer_id: Optional[int] = None

    null_when_unset: ClassVar[FrozenSet[str]] = frozenset(
        (
            "queue",
            "triggerer_id",
        )
    )
    """Fields the server requires but takes as null: sent as null when unset."""
