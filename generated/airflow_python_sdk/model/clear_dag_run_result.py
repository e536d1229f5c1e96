"""The answer of clear, the run (dry_run false) or the dry-run preview."""

from typing import Union

from .dag_run import DAGRun
from .task_instance_reference_collection import TaskInstanceReferenceCollection

ClearDagRunResult = Union[
    DAGRun,
    TaskInstanceReferenceCollection,
]
"""The answer of clear, the run (dry_run false) or the dry-run preview. One of these types: pydantic picks the one the data fits best."""
