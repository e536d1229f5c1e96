"""The credentials. Both are required and must not be empty (400); other keys get 422."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class TokenRequestBody(Model):
    """The credentials. Both are required and must not be empty (400); other keys get 422."""

    username: str
    password: str
