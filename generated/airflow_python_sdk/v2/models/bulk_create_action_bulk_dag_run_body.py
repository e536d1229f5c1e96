"""Not supported for Dag Runs: the answer's `create` lists a 405 error (\"Use the trigger Dag Run endpoint instead\")."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .bulk_action_on_existence import BulkActionOnExistence
from .bulk_dag_run_body import BulkDAGRunBody

CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields are refused; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkCreateActionBulkDAGRunBody(Model):
    """Not supported for Dag Runs: the answer's `create` lists a 405 error (\"Use the trigger Dag Run endpoint instead\")."""

    action: Literal["create"]
    """The action to be performed on the entities."""
    entities: List[BulkDAGRunBody]
    """A list of entities to be created."""
    action_on_existence: Optional[BulkActionOnExistence] = None
