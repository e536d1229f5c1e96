"""Whether to only preview the clear (the server's default) or do it."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import Model

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class ClearDagRun(Model):
    """Whether to only preview the clear (the server's default) or do it."""

    dry_run: Optional[bool] = True
    """If true, only list the task instances that would be cleared."""
