"""Asset event serializer for responses."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import DateTime, Model
from .dag_run_asset_reference import DagRunAssetReference

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class AssetEventResponse(Model):
    """Asset event serializer for responses."""

    id: int
    asset_id: int
    source_map_index: int
    created_dagruns: List[DagRunAssetReference]
    timestamp: DateTime
    uri: Optional[str] = None
    name: Optional[str] = None
    group: Optional[str] = None
    extra: Optional[Dict[str, Any]] = None
    source_task_id: Optional[str] = None
    source_dag_id: Optional[str] = None
    source_run_id: Optional[str] = None
    partition_key: Optional[str] = None
