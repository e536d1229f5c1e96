"""The state to set."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass


@dataclass(config=ConfigDict(extra="forbid"))
class UpdateDagRunState:
    """The state to set."""

    state: Literal["success", "failed", "queued"]
