"""ActionsInner."""

from typing import Union

from .bulk_create_action_bulk_dag_run_body import BulkCreateActionBulkDAGRunBody
from .bulk_delete_action_bulk_dag_run_body import BulkDeleteActionBulkDAGRunBody
from .bulk_update_action_bulk_dag_run_body import BulkUpdateActionBulkDAGRunBody

ActionsInner = Union[
    BulkCreateActionBulkDAGRunBody,
    BulkUpdateActionBulkDAGRunBody,
    BulkDeleteActionBulkDAGRunBody,
]
"""ActionsInner. One of these types: pydantic picks the one the data fits best."""
