"""EntitiesInner."""

from typing import Union

from .bulk_dag_run_body import BulkDAGRunBody

EntitiesInner = Union[
    str,
    BulkDAGRunBody,
]
"""EntitiesInner. One of these types: pydantic picks the one the data fits best."""
