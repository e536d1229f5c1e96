"""Trigger serializer for responses."""

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
class TriggerResponse(Model):
    """Trigger serializer for responses."""

    id: int
    classpath: str
    kwargs: str
    created_date: DateTime
    queue: Annotated[Optional[str], NullWhenUnset] = None
    triggerer_id: Annotated[Optional[int], NullWhenUnset] = None
