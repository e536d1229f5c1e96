"""DAGRunApi: the operations tagged DAGRun, one method each."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from ..api_client import (
    Api,
    RequestHeaders,
    RequestTimeout,
    View,
    paginated,
    raw_response,
)
from ..waiting import wait_until
from ..wire import ModelRef, Request, with_fields

if TYPE_CHECKING:
    import datetime

    from ..model.clear_dag_run import ClearDagRun
    from ..model.clear_dag_run_result import ClearDagRunResult
    from ..model.dag_run import DAGRun
    from ..model.dag_run_collection import DAGRunCollection
    from ..model.dataset_event_collection import DatasetEventCollection
    from ..model.list_dag_runs_form import ListDagRunsForm
    from ..model.set_dag_run_note import SetDagRunNote
    from ..model.update_dag_run_state import UpdateDagRunState


class DAGRunApi(Api):
    """The DAGRun operations: each method returns the decoded answer.

    `api.raw.<operation>(...)` returns the whole `ApiResponse` (status, headers, data) and
    `api.paginate.<operation>(...)` iterates over every item of a list, page by page.
    """

    base_path = "/api/v1"

    @property
    def raw(self) -> DAGRunApiRaw:
        """The same operations, each returning the whole `ApiResponse`."""
        return DAGRunApiRaw(self)

    @property
    def paginate(self) -> DAGRunApiPages:
        """The list operations, each returning every item of every page (`Pages`)."""
        return DAGRunApiPages(self)

    def clear_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        clear_dag_run: ClearDagRun,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> ClearDagRunResult:
        """Clear a DAG run.

        `dry_run` defaults to true on the server: without it the run is only previewed and the
        answer lists the task instances that would be cleared. With `dry_run: false` the answer is
        the run, queued again.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
            clear_dag_run: ClearDagRun
        """
        request: Request[ClearDagRunResult] = Request(
            "POST",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=clear_dag_run,
            returns=ModelRef(__package__, "..model.clear_dag_run_result", "ClearDagRunResult"),
        )
        return self._call(request, _request_timeout, _headers)

    def delete_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> None:
        """Delete a DAG run.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
        """
        request: Request[None] = Request(
            "DELETE",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
        )
        return self._call(request, _request_timeout, _headers)

    def get_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        fields: Optional[List[str]] = None,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRun:
        """Get a DAG run.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
            fields: Return only these fields of each run (repeat the parameter for several).
        """
        request: Request[DAGRun] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query={"fields": fields},
            returns=ModelRef(__package__, "..model.dag_run", "DAGRun"),
        )
        return self._call(request, _request_timeout, _headers)

    def wait_for_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
    ) -> DAGRun:
        """Poll `get_dag_run` until `state` is `success` or `failed`; return that answer.

        Raises `WaitTimeoutError`, carrying the last answer seen, after `timeout` seconds.
        """
        return wait_until(
            lambda: self.get_dag_run(dag_id, dag_run_id),
            "state",
            ["success", "failed"],
            timeout=timeout,
            poll_interval=poll_interval,
        )

    def get_dag_runs(
        self,
        dag_id: str,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        execution_date_gte: Optional[datetime.datetime] = None,
        execution_date_lte: Optional[datetime.datetime] = None,
        start_date_gte: Optional[datetime.datetime] = None,
        start_date_lte: Optional[datetime.datetime] = None,
        end_date_gte: Optional[datetime.datetime] = None,
        end_date_lte: Optional[datetime.datetime] = None,
        updated_at_gte: Optional[datetime.datetime] = None,
        updated_at_lte: Optional[datetime.datetime] = None,
        state: Optional[List[str]] = None,
        order_by: Optional[str] = None,
        fields: Optional[List[str]] = None,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunCollection:
        """List DAG runs.

        This endpoint allows specifying `~` as the dag_id to retrieve DAG runs for all DAGs.
        A DAG that does not exist gives an empty list.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            limit: The numbers of items to return. The server clamps it to 100 and reads 0 as 100.
            offset: The number of items to skip before starting to collect the result set.
            execution_date_gte: Returns objects greater or equal to the specified date.
            execution_date_lte: Returns objects less than or equal to the specified date.
            start_date_gte: Returns objects greater or equal the specified date.
            start_date_lte: Returns objects less or equal the specified date.
            end_date_gte: Returns objects greater or equal the specified date.
            end_date_lte: Returns objects less than or equal to the specified date.
            updated_at_gte: Returns objects updated at or after the specified date.
            updated_at_lte: Returns objects updated at or before the specified date.
            state: Return only runs in one of these states (repeat the parameter for several).
            order_by: The field to order by; prefix with `-` for descending. One of id, state, dag_id, execution_date, dag_run_id, start_date, end_date, updated_at, external_trigger, conf.
            fields: Return only these fields of each run (repeat the parameter for several).
        """
        request: Request[DAGRunCollection] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            query={
                "limit": limit,
                "offset": offset,
                "execution_date_gte": execution_date_gte,
                "execution_date_lte": execution_date_lte,
                "start_date_gte": start_date_gte,
                "start_date_lte": start_date_lte,
                "end_date_gte": end_date_gte,
                "end_date_lte": end_date_lte,
                "updated_at_gte": updated_at_gte,
                "updated_at_lte": updated_at_lte,
                "state": state,
                "order_by": order_by,
                "fields": fields,
            },
            returns=ModelRef(__package__, "..model.dag_run_collection", "DAGRunCollection"),
        )
        return self._call(request, _request_timeout, _headers)

    def get_dag_runs_batch(
        self,
        list_dag_runs_form: ListDagRunsForm,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunCollection:
        """List DAG runs (batch).

        This endpoint is a POST to allow filtering across a large number of DAG IDs, where as a GET
        it would run in to maximum HTTP request URL length limit. It only reads.

        Args:
            list_dag_runs_form: ListDagRunsForm
        """
        request: Request[DAGRunCollection] = Request(
            "POST",
            "/dags/~/dagRuns/list",
            body=list_dag_runs_form,
            returns=ModelRef(__package__, "..model.dag_run_collection", "DAGRunCollection"),
            idempotent=True,
        )
        return self._call(request, _request_timeout, _headers)

    def get_upstream_dataset_events(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DatasetEventCollection:
        """Get dataset events for a DAG run.

        The dataset events that triggered this run (empty for a manual run).

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
        """
        request: Request[DatasetEventCollection] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            returns=ModelRef(
                __package__, "..model.dataset_event_collection", "DatasetEventCollection"
            ),
        )
        return self._call(request, _request_timeout, _headers)

    def post_dag_run(
        self,
        dag_id: str,
        dag_run: DAGRun,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRun:
        """Trigger a new DAG run.

        Only `dag_run_id`, `logical_date` (or the deprecated `execution_date`),
        `data_interval_start` and `data_interval_end` (both or neither), `conf` and `note` may
        be sent; the server generates the run id and uses the current time as logical date when
        they are left out. The answer is 200 (not 201) with the full run.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run: DAGRun
        """
        request: Request[DAGRun] = Request(
            "POST",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            body=dag_run,
            returns=ModelRef(__package__, "..model.dag_run", "DAGRun"),
            idempotent=bool(dag_run.dag_run_id),
            recover_conflict=lambda: self.raw.get_dag_run(dag_id, str(dag_run.dag_run_id)),
        )
        return self._call(request, _request_timeout, _headers)

    def trigger_dag_run_and_wait(
        self,
        dag_id: str,
        dag_run: DAGRun,
        *,
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
    ) -> DAGRun:
        """`post_dag_run`, then `wait_for_dag_run` on the result: return it once finished.

        Raises `WaitTimeoutError`, carrying the last answer seen, after `timeout` seconds.
        """
        result = self.post_dag_run(dag_id, dag_run)
        return self.wait_for_dag_run(
            dag_id, str(result.dag_run_id), timeout=timeout, poll_interval=poll_interval
        )

    def create_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        dag_run: DAGRun,
    ) -> DAGRun:
        """`post_dag_run` with the body's `dag_run_id` set (the earlier client's spelling)."""
        return self.post_dag_run(dag_id, with_fields(dag_run, dag_run_id=dag_run_id))

    def set_dag_run_note(
        self,
        dag_id: str,
        dag_run_id: str,
        set_dag_run_note: SetDagRunNote,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRun:
        """Update the DagRun note.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
            set_dag_run_note: SetDagRunNote
        """
        request: Request[DAGRun] = Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=set_dag_run_note,
            returns=ModelRef(__package__, "..model.dag_run", "DAGRun"),
            idempotent=True,
        )
        return self._call(request, _request_timeout, _headers)

    def update_dag_run_state(
        self,
        dag_id: str,
        dag_run_id: str,
        update_dag_run_state: UpdateDagRunState,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRun:
        """Modify a DAG run.

        Set the state of a DAG run to success, failed or queued.

        Args:
            dag_id: The DAG ID (`~` for every DAG where the endpoint allows it).
            dag_run_id: The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.
            update_dag_run_state: UpdateDagRunState
        """
        request: Request[DAGRun] = Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=update_dag_run_state,
            returns=ModelRef(__package__, "..model.dag_run", "DAGRun"),
            idempotent=True,
        )
        return self._call(request, _request_timeout, _headers)

    def update_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        dag_run: DAGRun,
        update_mask: Optional[List[str]] = None,
    ) -> DAGRun:
        """Update `state` and `note` of a run (the earlier client's spelling).

        `update_mask` names the fields to update; by default, those set in `dag_run`. Each field
        goes through its own endpoint, one request each; every field is checked before the first.
        """
        from ..model.set_dag_run_note import SetDagRunNote
        from ..model.update_dag_run_state import UpdateDagRunState

        build: Dict[str, Callable[[Any], Callable[[], DAGRun]]] = {
            "state": lambda value: functools.partial(
                self.update_dag_run_state, dag_id, dag_run_id, UpdateDagRunState(state=value)
            ),
            "note": lambda value: functools.partial(
                self.set_dag_run_note, dag_id, dag_run_id, SetDagRunNote(note=value)
            ),
        }
        names = update_mask or [name for name in build if getattr(dag_run, name) is not None]
        unknown = sorted(set(names) - set(build))
        if unknown or not names:
            raise ValueError(f"only {', '.join(build)} can be updated, got {names or 'nothing'}")
        calls = [build[name](getattr(dag_run, name)) for name in names]
        return [call() for call in calls][-1]


class DAGRunApiRaw(View[DAGRunApi]):
    """`DAGRunApi`'s operations, each returning the whole `ApiResponse`: `api.raw.<operation>`."""

    clear_dag_run = raw_response(DAGRunApi.clear_dag_run)

    delete_dag_run = raw_response(DAGRunApi.delete_dag_run)

    get_dag_run = raw_response(DAGRunApi.get_dag_run)

    get_dag_runs = raw_response(DAGRunApi.get_dag_runs)

    get_dag_runs_batch = raw_response(DAGRunApi.get_dag_runs_batch)

    get_upstream_dataset_events = raw_response(DAGRunApi.get_upstream_dataset_events)

    post_dag_run = raw_response(DAGRunApi.post_dag_run)

    set_dag_run_note = raw_response(DAGRunApi.set_dag_run_note)

    update_dag_run_state = raw_response(DAGRunApi.update_dag_run_state)


class DAGRunApiPages(View[DAGRunApi]):
    """`DAGRunApi`'s list operations, each returning every item: `api.paginate.<operation>`."""

    get_dag_runs = paginated(
        DAGRunApi.get_dag_runs,
        lambda page: page.dag_runs,
        total="total_entries",
        offset="offset",
    )

    get_dag_runs_batch = paginated(
        DAGRunApi.get_dag_runs_batch,
        lambda page: page.dag_runs,
        total="total_entries",
        offset="page_offset",
    )
