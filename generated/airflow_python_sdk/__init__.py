"""Airflow DAG Run API 2.11.2: a typed client for `DAGRunApi` and the other operations of `/api/v1`.

Everything is imported on first use, so `import airflow_python_sdk` stays cheap:

    from airflow_python_sdk import ApiClient, Configuration, DAGRunApi
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any, List

__version__ = "2.0.0"

_EXCEPTIONS = (
    "ApiException",
    "ApiConnectionError",
    "ApiTimeoutError",
    "ApiDecodeError",
    "BadRequestException",
    "UnauthorizedException",
    "ForbiddenException",
    "NotFoundException",
    "ConflictException",
    "UnprocessableEntityException",
    "TooManyRequestsException",
    "ServiceException",
    "WaitTimeoutError",
)

_EXPORTS = {
    "Configuration": ".configuration",
    "ApiClient": ".api_client",
    "ApiResponse": ".wire",
    "Pages": ".paging",
    **{name: ".exceptions" for name in _EXCEPTIONS},
    "DAGRunApi": ".api.dag_run_api",
    "BasicDAGRun": ".model.basic_dag_run",
    "ClearDagRun": ".model.clear_dag_run",
    "ClearDagRunResult": ".model.clear_dag_run_result",
    "DAGRun": ".model.dag_run",
    "DAGRunCollection": ".model.dag_run_collection",
    "DagState": ".model.dag_state",
    "DatasetEvent": ".model.dataset_event",
    "DatasetEventCollection": ".model.dataset_event_collection",
    "Error": ".model.error",
    "ListDagRunsForm": ".model.list_dag_runs_form",
    "SetDagRunNote": ".model.set_dag_run_note",
    "TaskInstanceReference": ".model.task_instance_reference",
    "TaskInstanceReferenceCollection": ".model.task_instance_reference_collection",
    "UpdateDagRunState": ".model.update_dag_run_state",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from .api.dag_run_api import DAGRunApi as DAGRunApi
    from .api_client import ApiClient as ApiClient
    from .configuration import Configuration as Configuration
    from .exceptions import ApiConnectionError as ApiConnectionError
    from .exceptions import ApiDecodeError as ApiDecodeError
    from .exceptions import ApiException as ApiException
    from .exceptions import ApiTimeoutError as ApiTimeoutError
    from .exceptions import BadRequestException as BadRequestException
    from .exceptions import ConflictException as ConflictException
    from .exceptions import ForbiddenException as ForbiddenException
    from .exceptions import NotFoundException as NotFoundException
    from .exceptions import ServiceException as ServiceException
    from .exceptions import TooManyRequestsException as TooManyRequestsException
    from .exceptions import UnauthorizedException as UnauthorizedException
    from .exceptions import (
        UnprocessableEntityException as UnprocessableEntityException,
    )
    from .exceptions import WaitTimeoutError as WaitTimeoutError
    from .model.basic_dag_run import BasicDAGRun as BasicDAGRun
    from .model.clear_dag_run import ClearDagRun as ClearDagRun
    from .model.clear_dag_run_result import ClearDagRunResult as ClearDagRunResult
    from .model.dag_run import DAGRun as DAGRun
    from .model.dag_run_collection import DAGRunCollection as DAGRunCollection
    from .model.dag_state import DagState as DagState
    from .model.dataset_event import DatasetEvent as DatasetEvent
    from .model.dataset_event_collection import DatasetEventCollection as DatasetEventCollection
    from .model.error import Error as Error
    from .model.list_dag_runs_form import ListDagRunsForm as ListDagRunsForm
    from .model.set_dag_run_note import SetDagRunNote as SetDagRunNote
    from .model.task_instance_reference import TaskInstanceReference as TaskInstanceReference
    from .model.task_instance_reference_collection import (
        TaskInstanceReferenceCollection as TaskInstanceReferenceCollection,
    )
    from .model.update_dag_run_state import UpdateDagRunState as UpdateDagRunState
    from .paging import Pages as Pages
    from .wire import ApiResponse as ApiResponse
