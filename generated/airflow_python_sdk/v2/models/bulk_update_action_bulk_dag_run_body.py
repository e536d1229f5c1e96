"""BulkUpdateActionBulkDAGRunBody."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .bulk_action_not_on_existence import BulkActionNotOnExistence
from .bulk_dag_run_body import BulkDAGRunBody

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkUpdateActionBulkDAGRunBody(Model):
    """BulkUpdateActionBulkDAGRunBody."""

    action: Literal["update"]
    """The action to be performed on the entities."""
    entities: List[BulkDAGRunBody]
    """A list of entities to be updated."""
    update_mask: Optional[List[str]] = None
    """Accepted but ignored by Airflow 3.3.2: every field sent in an entity is applied (`update_mask: [\"note\"]` with a `state` still changes the state). Leave out what should not change."""
    action_on_non_existence: Optional[BulkActionNotOnExistence] = None
