"""The dataset events of a run."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import Model
from .dataset_event import DatasetEvent

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DatasetEventCollection(Model):
    """The dataset events of a run."""

    dataset_events: Optional[List[DatasetEvent]] = None
    total_entries: Optional[int] = None
