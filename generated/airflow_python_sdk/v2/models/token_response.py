"""A new access token."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TokenResponse(Model):
    """A new access token."""

    access_token: str
    """A JWT, to send as `Authorization: Bearer <access_token>`."""
