"""ResponseClearDagRuns."""

from typing import Union

from .clear_task_instance_collection_response import ClearTaskInstanceCollectionResponse
from .dag_run_collection_response import DAGRunCollectionResponse

ResponseClearDagRuns = Union[
    ClearTaskInstanceCollectionResponse,
    DAGRunCollectionResponse,
]
"""ResponseClearDagRuns. One of these types: pydantic picks the one the data fits best."""
