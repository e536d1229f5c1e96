"""ValidationError."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .location_inner import LocationInner

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class ValidationError(Model):
    """ValidationError."""

    loc: List[LocationInner]
    msg: str
    type: str
    input: Optional[object] = None
    ctx: Optional[object] = None
