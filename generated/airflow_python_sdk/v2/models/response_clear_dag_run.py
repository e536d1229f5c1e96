"""ResponseClearDagRun."""

from typing import Union

from .clear_task_instance_collection_response import ClearTaskInstanceCollectionResponse
from .dag_run_response import DAGRunResponse

ResponseClearDagRun = Union[
    ClearTaskInstanceCollectionResponse,
    DAGRunResponse,
]
"""ResponseClearDagRun. One of these types: pydantic picks the one the data fits best."""
