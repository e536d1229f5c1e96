"""A page of DAG runs, with the number of runs that match in all."""

from __future__ import annotations

from typing import List, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from .dag_run import DAGRun


@dataclass(config=ConfigDict(extra="allow"))
class DAGRunCollection:
    """A page of DAG runs, with the number of runs that match in all."""

    dag_runs: Optional[List[DAGRun]] = None
    total_entries: Optional[int] = None
