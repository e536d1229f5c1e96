"""Problem details (RFC 7807) as the server sends them; `detail` may be null."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class Error(Model):
    """Problem details (RFC 7807) as the server sends them; `detail` may be null."""

    type: str
    """A URL of the error's documentation, or `about:blank`."""
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
