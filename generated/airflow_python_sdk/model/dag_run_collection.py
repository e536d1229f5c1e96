"""A page of DAG runs, with the number of runs that match in all."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ..schema import Model
from .dag_run import DAGRun

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DAGRunCollection(Model):
    """A page of DAG runs, with the number of runs that match in all."""

    dag_runs: Optional[List[DAGRun]] = None
    total_entries: Optional[int] = None
