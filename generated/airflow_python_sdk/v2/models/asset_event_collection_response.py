"""Asset event collection response."""

from __future__ import annotations

from typing import List

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .asset_event_response import AssetEventResponse

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class AssetEventCollectionResponse(Model):
    """Asset event collection response."""

    asset_events: List[AssetEventResponse]
    total_entries: int
