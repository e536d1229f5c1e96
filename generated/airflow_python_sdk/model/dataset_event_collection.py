"""The dataset events of a run."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from .dataset_event import DatasetEvent


@dataclass(config=ConfigDict(extra="allow"))
class DatasetEventCollection:
    """The dataset events of a run."""

    dataset_events: Optional[List[DatasetEvent]] = None
    total_entries: Optional[int] = None
