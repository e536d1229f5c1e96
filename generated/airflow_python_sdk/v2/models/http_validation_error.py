"""A 422 answer. `detail` is usually a list of validation errors (bulk and clearDagRuns list each one twice), but a plain string for a bad `state` or `run_type` query value and for POST /auth/token."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .detail1 import Detail1

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class HTTPValidationError(Model):
    """A 422 answer. `detail` is usually a list of validation errors (bulk and clearDagRuns list each one twice), but a plain string for a bad `state` or `run_type` query value and for POST /auth/token."""

    detail: Optional[Detail1] = None
