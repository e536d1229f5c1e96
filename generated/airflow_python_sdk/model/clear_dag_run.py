"""Whether to only preview the clear (the server's default) or do it."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass


@dataclass(config=ConfigDict(extra="forbid"))
class ClearDagRun:
    """Whether to only preview the clear (the server's default) or do it."""

    dry_run: Optional[bool] = True
    """If true, only list the task instances that would be cleared."""
