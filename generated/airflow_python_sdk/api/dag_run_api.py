"""DAGRunApi: the operations tagged DAGRun, one method each."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, List, Optional

from ..api_client import (
    ApiClient,
    PagedRequest,
    Paging,
    Request,
    operation,
    paged_operation,
    with_fields,
)
from ..waiting import wait_until

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


class DAGRunApi:
    """The DAGRun operations. Each method returns the decoded answer;
    `.raw(...)` on a method returns the whole `ApiResponse`."""

    def __init__(self, api_client: Optional[ApiClient] = None) -> None:
        self.api_client = api_client or ApiClient()

    def with_options(self, **changes: Any) -> DAGRunApi:
        """The same operations through `api_client.with_options(**changes)`, e.g. a timeout."""
        return DAGRunApi(self.api_client.with_options(**changes))

    @operation
    def clear_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        clear_dag_run: ClearDagRun,
    ) -> Request[ClearDagRunResult]:
        """Clear a DAG run.

        `dry_run` defaults to true on the server: without it the run is only previewed and the
        answer lists the task instances that would be cleared. With `dry_run: false` the answer is
        the run, queued again.
        """
        return Request(
            "POST",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=clear_dag_run,
            returns="clear_dag_run_result:ClearDagRunResult",
        )

    @operation
    def delete_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
    ) -> Request[None]:
        """Delete a DAG run."""
        return Request(
            "DELETE",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
        )

    @operation
    def get_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        fields: Optional[List[str]] = None,
    ) -> Request[DAGRun]:
        """Get a DAG run."""
        return Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query={"fields": fields},
            returns="dag_run:DAGRun",
        )

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

    @paged_operation
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
    ) -> PagedRequest[DAGRunCollection, DAGRun]:
        """List DAG runs.

        This endpoint allows specifying `~` as the dag_id to retrieve DAG runs for all DAGs.
        A DAG that does not exist gives an empty list.
        """
        return PagedRequest(
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
            returns="dag_run_collection:DAGRunCollection",
            paging=Paging(items="dag_runs", total="total_entries", offset="offset"),
        )

    @paged_operation
    def get_dag_runs_batch(
        self,
        list_dag_runs_form: ListDagRunsForm,
    ) -> PagedRequest[DAGRunCollection, DAGRun]:
        """List DAG runs (batch).

        This endpoint is a POST to allow filtering across a large number of DAG IDs, where as a GET
        it would run in to maximum HTTP request URL length limit. It only reads.
        """
        return PagedRequest(
            "POST",
            "/dags/~/dagRuns/list",
            body=list_dag_runs_form,
            returns="dag_run_collection:DAGRunCollection",
            idempotent=True,
            paging=Paging(items="dag_runs", total="total_entries", offset="page_offset"),
        )

    @operation
    def get_upstream_dataset_events(
        self,
        dag_id: str,
        dag_run_id: str,
    ) -> Request[DatasetEventCollection]:
        """Get dataset events for a DAG run.

        The dataset events that triggered this run (empty for a manual run).
        """
        return Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            returns="dataset_event_collection:DatasetEventCollection",
        )

    @operation
    def post_dag_run(
        self,
        dag_id: str,
        dag_run: DAGRun,
    ) -> Request[DAGRun]:
        """Trigger a new DAG run.

        Only `dag_run_id`, `logical_date` (or the deprecated `execution_date`),
        `data_interval_start` and `data_interval_end` (both or neither), `conf` and `note` may
        be sent; the server generates the run id and uses the current time as logical date when
        they are left out. The answer is 200 (not 201) with the full run.
        """
        return Request(
            "POST",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            body=dag_run,
            returns="dag_run:DAGRun",
            idempotent=dag_run.dag_run_id is not None,
            recover_conflict=lambda: self.get_dag_run.raw(dag_id, str(dag_run.dag_run_id)),
        )

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

    @operation
    def set_dag_run_note(
        self,
        dag_id: str,
        dag_run_id: str,
        set_dag_run_note: SetDagRunNote,
    ) -> Request[DAGRun]:
        """Update the DagRun note."""
        return Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=set_dag_run_note,
            returns="dag_run:DAGRun",
            idempotent=True,
        )

    @operation
    def update_dag_run_state(
        self,
        dag_id: str,
        dag_run_id: str,
        update_dag_run_state: UpdateDagRunState,
    ) -> Request[DAGRun]:
        """Modify a DAG run.

        Set the state of a DAG run to success, failed or queued.
        """
        return Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=update_dag_run_state,
            returns="dag_run:DAGRun",
            idempotent=True,
        )

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

        build = {
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
