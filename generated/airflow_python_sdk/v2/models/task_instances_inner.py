"""TaskInstancesInner."""

from typing import Union

from .new_task_response import NewTaskResponse
from .task_instance_response import TaskInstanceResponse

TaskInstancesInner = Union[
    TaskInstanceResponse,
    NewTaskResponse,
]
"""TaskInstancesInner. One of these types: pydantic picks the one the data fits best."""
