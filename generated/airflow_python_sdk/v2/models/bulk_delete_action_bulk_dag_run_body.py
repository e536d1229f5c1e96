"""BulkDeleteActionBulkDAGRunBody."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .bulk_action_not_on_existence import BulkActionNotOnExistence
from .entities_inner import EntitiesInner

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkDeleteActionBulkDAGRunBody(Model):
    """BulkDeleteActionBulkDAGRunBody."""

    action: Literal["delete"]
    """The action to be performed on the entities."""
    entities: List[EntitiesInner]
    """A list of entity id/key or entity objects to be deleted."""
    action_on_non_existence: Optional[BulkActionNotOnExistence] = None
