"""Airflow DAG Run API (v2) 3.3.2: a typed client for `DagRunApi` and the other operations of `/api/v2`.

Everything is imported on first use, so `import airflow_python_sdk.v2` stays cheap:

    from airflow_python_sdk.v2 import ApiClient, Configuration, DagRunApi
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
    "Configuration": "..configuration",
    "ApiClient": "..api_client",
    "ApiResponse": "..wire",
    "Pages": "..paging",
    **{name: "..exceptions" for name in _EXCEPTIONS},
    "DagRunApi": ".api.dag_run_api",
    "ActionsInner": ".models.actions_inner",
    "AssetEventCollectionResponse": ".models.asset_event_collection_response",
    "AssetEventResponse": ".models.asset_event_response",
    "BulkActionNotOnExistence": ".models.bulk_action_not_on_existence",
    "BulkActionOnExistence": ".models.bulk_action_on_existence",
    "BulkActionResponse": ".models.bulk_action_response",
    "BulkBodyBulkDAGRunBody": ".models.bulk_body_bulk_dag_run_body",
    "BulkCreateActionBulkDAGRunBody": ".models.bulk_create_action_bulk_dag_run_body",
    "BulkDAGRunBody": ".models.bulk_dag_run_body",
    "BulkDAGRunClearBody": ".models.bulk_dag_run_clear_body",
    "BulkDeleteActionBulkDAGRunBody": ".models.bulk_delete_action_bulk_dag_run_body",
    "BulkResponse": ".models.bulk_response",
    "BulkUpdateActionBulkDAGRunBody": ".models.bulk_update_action_bulk_dag_run_body",
    "ClearPartitionsBody": ".models.clear_partitions_body",
    "ClearPartitionsResponse": ".models.clear_partitions_response",
    "ClearTaskInstanceCollectionResponse": ".models.clear_task_instance_collection_response",
    "DAGRunClearBody": ".models.dag_run_clear_body",
    "DAGRunCollectionResponse": ".models.dag_run_collection_response",
    "DAGRunPatchBody": ".models.dag_run_patch_body",
    "DAGRunResponse": ".models.dag_run_response",
    "DAGRunWaitLine": ".models.dag_run_wait_line",
    "DAGRunsBatchBody": ".models.dag_runs_batch_body",
    "DagRunAssetReference": ".models.dag_run_asset_reference",
    "DagRunMutableStates": ".models.dag_run_mutable_states",
    "DagRunState": ".models.dag_run_state",
    "DagRunTriggeredByType": ".models.dag_run_triggered_by_type",
    "DagRunType": ".models.dag_run_type",
    "DagVersionResponse": ".models.dag_version_response",
    "Detail": ".models.detail",
    "Detail1": ".models.detail1",
    "EntitiesInner": ".models.entities_inner",
    "HTTPExceptionResponse": ".models.http_exception_response",
    "HTTPNotFoundResponse": ".models.http_not_found_response",
    "HTTPValidationError": ".models.http_validation_error",
    "JobResponse": ".models.job_response",
    "LocationInner": ".models.location_inner",
    "NewTaskResponse": ".models.new_task_response",
    "ResponseClearDagRun": ".models.response_clear_dag_run",
    "ResponseClearDagRuns": ".models.response_clear_dag_runs",
    "RouteNotFoundResponse": ".models.route_not_found_response",
    "TaskInstanceResponse": ".models.task_instance_response",
    "TaskInstanceState": ".models.task_instance_state",
    "TaskInstancesInner": ".models.task_instances_inner",
    "TokenRequestBody": ".models.token_request_body",
    "TokenResponse": ".models.token_response",
    "TriggerDAGRunPostBody": ".models.trigger_dag_run_post_body",
    "TriggerResponse": ".models.trigger_response",
    "ValidationError": ".models.validation_error",
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
    from ..api_client import ApiClient as ApiClient
    from ..configuration import Configuration as Configuration
    from ..exceptions import ApiConnectionError as ApiConnectionError
    from ..exceptions import ApiDecodeError as ApiDecodeError
    from ..exceptions import ApiException as ApiException
    from ..exceptions import ApiTimeoutError as ApiTimeoutError
    from ..exceptions import BadRequestException as BadRequestException
    from ..exceptions import ConflictException as ConflictException
    from ..exceptions import ForbiddenException as ForbiddenException
    from ..exceptions import NotFoundException as NotFoundException
    from ..exceptions import ServiceException as ServiceException
    from ..exceptions import TooManyRequestsException as TooManyRequestsException
    from ..exceptions import UnauthorizedException as UnauthorizedException
    from ..exceptions import (
        UnprocessableEntityException as UnprocessableEntityException,
    )
    from ..exceptions import WaitTimeoutError as WaitTimeoutError
    from ..paging import Pages as Pages
    from ..wire import ApiResponse as ApiResponse
    from .api.dag_run_api import DagRunApi as DagRunApi
    from .models.actions_inner import ActionsInner as ActionsInner
    from .models.asset_event_collection_response import (
        AssetEventCollectionResponse as AssetEventCollectionResponse,
    )
    from .models.asset_event_response import AssetEventResponse as AssetEventResponse
    from .models.bulk_action_not_on_existence import (
        BulkActionNotOnExistence as BulkActionNotOnExistence,
    )
    from .models.bulk_action_on_existence import BulkActionOnExistence as BulkActionOnExistence
    from .models.bulk_action_response import BulkActionResponse as BulkActionResponse
    from .models.bulk_body_bulk_dag_run_body import BulkBodyBulkDAGRunBody as BulkBodyBulkDAGRunBody
    from .models.bulk_create_action_bulk_dag_run_body import (
        BulkCreateActionBulkDAGRunBody as BulkCreateActionBulkDAGRunBody,
    )
    from .models.bulk_dag_run_body import BulkDAGRunBody as BulkDAGRunBody
    from .models.bulk_dag_run_clear_body import BulkDAGRunClearBody as BulkDAGRunClearBody
    from .models.bulk_delete_action_bulk_dag_run_body import (
        BulkDeleteActionBulkDAGRunBody as BulkDeleteActionBulkDAGRunBody,
    )
    from .models.bulk_response import BulkResponse as BulkResponse
    from .models.bulk_update_action_bulk_dag_run_body import (
        BulkUpdateActionBulkDAGRunBody as BulkUpdateActionBulkDAGRunBody,
    )
    from .models.clear_partitions_body import ClearPartitionsBody as ClearPartitionsBody
    from .models.clear_partitions_response import ClearPartitionsResponse as ClearPartitionsResponse
    from .models.clear_task_instance_collection_response import (
        ClearTaskInstanceCollectionResponse as ClearTaskInstanceCollectionResponse,
    )
    from .models.dag_run_asset_reference import DagRunAssetReference as DagRunAssetReference
    from .models.dag_run_clear_body import DAGRunClearBody as DAGRunClearBody
    from .models.dag_run_collection_response import (
        DAGRunCollectionResponse as DAGRunCollectionResponse,
    )
    from .models.dag_run_mutable_states import DagRunMutableStates as DagRunMutableStates
    from .models.dag_run_patch_body import DAGRunPatchBody as DAGRunPatchBody
    from .models.dag_run_response import DAGRunResponse as DAGRunResponse
    from .models.dag_run_state import DagRunState as DagRunState
    from .models.dag_run_triggered_by_type import DagRunTriggeredByType as DagRunTriggeredByType
    from .models.dag_run_type import DagRunType as DagRunType
    from .models.dag_run_wait_line import DAGRunWaitLine as DAGRunWaitLine
    from .models.dag_runs_batch_body import DAGRunsBatchBody as DAGRunsBatchBody
    from .models.dag_version_response import DagVersionResponse as DagVersionResponse
    from .models.detail import Detail as Detail
    from .models.detail1 import Detail1 as Detail1
    from .models.entities_inner import EntitiesInner as EntitiesInner
    from .models.http_exception_response import HTTPExceptionResponse as HTTPExceptionResponse
    from .models.http_not_found_response import HTTPNotFoundResponse as HTTPNotFoundResponse
    from .models.http_validation_error import HTTPValidationError as HTTPValidationError
    from .models.job_response import JobResponse as JobResponse
    from .models.location_inner import LocationInner as LocationInner
    from .models.new_task_response import NewTaskResponse as NewTaskResponse
    from .models.response_clear_dag_run import ResponseClearDagRun as ResponseClearDagRun
    from .models.response_clear_dag_runs import ResponseClearDagRuns as ResponseClearDagRuns
    from .models.route_not_found_response import RouteNotFoundResponse as RouteNotFoundResponse
    from .models.task_instance_response import TaskInstanceResponse as TaskInstanceResponse
    from .models.task_instance_state import TaskInstanceState as TaskInstanceState
    from .models.task_instances_inner import TaskInstancesInner as TaskInstancesInner
    from .models.token_request_body import TokenRequestBody as TokenRequestBody
    from .models.token_response import TokenResponse as TokenResponse
    from .models.trigger_dag_run_post_body import TriggerDAGRunPostBody as TriggerDAGRunPostBody
    from .models.trigger_response import TriggerResponse as TriggerResponse
    from .models.validation_error import ValidationError as ValidationError
