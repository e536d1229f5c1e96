"""DagRunApi: the operations tagged DagRun, one method each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, List, Optional

from ...api_client import (
    Api,
    RequestHeaders,
    RequestTimeout,
    View,
    paginated,
    raw_response,
)
from ...waiting import wait_for_line
from ...wire import ModelRef, Request, iso_date

if TYPE_CHECKING:
    import datetime

    from ..models.asset_event_collection_response import AssetEventCollectionResponse
    from ..models.bulk_body_bulk_dag_run_body import BulkBodyBulkDAGRunBody
    from ..models.bulk_dag_run_clear_body import BulkDAGRunClearBody
    from ..models.bulk_response import BulkResponse
    from ..models.clear_partitions_body import ClearPartitionsBody
    from ..models.clear_partitions_response import ClearPartitionsResponse
    from ..models.dag_run_clear_body import DAGRunClearBody
    from ..models.dag_run_collection_response import DAGRunCollectionResponse
    from ..models.dag_run_patch_body import DAGRunPatchBody
    from ..models.dag_run_response import DAGRunResponse
    from ..models.dag_run_wait_line import DAGRunWaitLine
    from ..models.dag_runs_batch_body import DAGRunsBatchBody
    from ..models.response_clear_dag_run import ResponseClearDagRun
    from ..models.response_clear_dag_runs import ResponseClearDagRuns
    from ..models.trigger_dag_run_post_body import TriggerDAGRunPostBody


class DagRunApi(Api):
    """The DagRun operations: each method returns the decoded answer.

    `api.raw.<operation>(...)` returns the whole `ApiResponse` (status, headers, data) and
    `api.paginate.<operation>(...)` iterates over every item of a list, page by page.
    """

    base_path = "/api/v2"

    @property
    def raw(self) -> DagRunApiRaw:
        """The same operations, each returning the whole `ApiResponse`."""
        return DagRunApiRaw(self)

    @property
    def paginate(self) -> DagRunApiPages:
        """The list operations, each returning every item of every page (`Pages`)."""
        return DagRunApiPages(self)

    def bulk_dag_runs(
        self,
        dag_id: str,
        bulk_body_bulk_dag_run_body: BulkBodyBulkDAGRunBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> BulkResponse:
        """Bulk Dag Runs.

        Bulk update or delete Dag Runs. Always answers 200: each action's failures (a missing run: 404, a running run: 409, `create`: 405 "not supported", a string entity under `~`: 400) are in its `errors`; with `action_on_non_existence: fail` (the default) a missing run leaves `success` empty. With `~` as dag_id each entity needs its `dag_id`; an entity `dag_id` other than the path's is used as given. An unknown `action` gets 500 text/plain. Validation errors are listed twice in the 422 `detail`.

        Args:
            dag_id: dag_id
            bulk_body_bulk_dag_run_body: BulkBodyBulkDAGRunBody
        """
        request: Request[BulkResponse] = Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            body=bulk_body_bulk_dag_run_body,
            returns=ModelRef(__package__, "..models.bulk_response", "BulkResponse"),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def clear_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        dag_run_clear_body: DAGRunClearBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> ResponseClearDagRun:
        """Clear Dag Run.

        Clear a Dag Run's task instances. `dry_run` defaults to true: then nothing changes and the answer lists the task instances that would be cleared (a ClearTaskInstanceCollectionResponse). With `dry_run: false` the answer is the run, queued again (`start_date`/`end_date` null, a new `queued_at`); a `note` in the body sets the run's note. `only_failed` and `only_new` together get 422. A body is required (`{}` at least).

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
            dag_run_clear_body: DAGRunClearBody
        """
        request: Request[ResponseClearDagRun] = Request(
            "POST",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            body=dag_run_clear_body,
            returns=ModelRef(__package__, "..models.response_clear_dag_run", "ResponseClearDagRun"),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def clear_dag_run_partitions(
        self,
        dag_id: str,
        clear_partitions_body: ClearPartitionsBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> ClearPartitionsResponse:
        """Clear Dag Run Partitions.

        Reset partition_key and partition_date fields on matching Dag Runs. The body selects runs by exactly one of `run_id`, `partition_key`, or a partition date window (start on or before end), else 422. `dry_run` defaults to true. An unknown `run_id` or `partition_key` matches nothing (200 with zeros); an unknown Dag, or `~`, gets 404.

        Args:
            dag_id: dag_id
            clear_partitions_body: ClearPartitionsBody
        """
        request: Request[ClearPartitionsResponse] = Request(
            "POST",
            "/dags/{dag_id}/clearPartitions",
            path_params={"dag_id": dag_id},
            body=clear_partitions_body,
            returns=ModelRef(
                __package__, "..models.clear_partitions_response", "ClearPartitionsResponse"
            ),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def clear_dag_runs(
        self,
        dag_id: str,
        bulk_dag_run_clear_body: BulkDAGRunClearBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> ResponseClearDagRuns:
        """Clear Dag Runs.

        Clear multiple Dag Runs in a single request. The body selects runs by exactly one of `dag_runs` (non-empty), `partition_key`, or a partition date window, else 422. With `~` as dag_id every `dag_runs` entry needs its `dag_id` and partition selectors are refused (400); with a concrete dag_id an entry's `dag_id` must match it (400). `dry_run` defaults to true: the answer then lists the task instances that would be cleared; with `dry_run: false` it is the cleared runs (a DAGRunCollectionResponse). Validation errors are listed twice in the 422 `detail`.

        Args:
            dag_id: dag_id
            bulk_dag_run_clear_body: BulkDAGRunClearBody
        """
        request: Request[ResponseClearDagRuns] = Request(
            "POST",
            "/dags/{dag_id}/clearDagRuns",
            path_params={"dag_id": dag_id},
            body=bulk_dag_run_clear_body,
            returns=ModelRef(
                __package__, "..models.response_clear_dag_runs", "ResponseClearDagRuns"
            ),
            token_url="/auth/token",
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
        """Delete Dag Run.

        Delete a Dag Run entry. Queued, success and failed runs can be deleted; a running run cannot (409). A request body is ignored.

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
        """
        request: Request[None] = Request(
            "DELETE",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def get_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunResponse:
        """Get Dag Run.

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
        """
        request: Request[DAGRunResponse] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            returns=ModelRef(__package__, "..models.dag_run_response", "DAGRunResponse"),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def wait_for_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
    ) -> DAGRunResponse:
        """Wait until `state` is `success` or `failed`; return `get_dag_run`'s answer then.

        Reads `wait_dag_run_until_finished`'s stream (a line every `poll_interval` seconds), or polls
        `get_dag_run` where the server has no such stream or it breaks. Raises
        `WaitTimeoutError`, carrying the last state seen, after `timeout` seconds.
        """
        return wait_for_line(
            lambda read_timeout: self.wait_dag_run_until_finished(
                dag_id, dag_run_id, interval=poll_interval, _request_timeout=read_timeout
            ),
            lambda: self.get_dag_run(dag_id, dag_run_id),
            "state",
            ["success", "failed"],
            timeout=timeout,
            poll_interval=poll_interval,
        )

    def get_dag_runs(
        self,
        dag_id: str,
        partition_date_gte: Optional[datetime.date] = None,
        partition_date_lte: Optional[datetime.date] = None,
        cursor: Optional[str] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        run_after_gte: Optional[datetime.datetime] = None,
        run_after_gt: Optional[datetime.datetime] = None,
        run_after_lte: Optional[datetime.datetime] = None,
        run_after_lt: Optional[datetime.datetime] = None,
        logical_date_gte: Optional[datetime.datetime] = None,
        logical_date_gt: Optional[datetime.datetime] = None,
        logical_date_lte: Optional[datetime.datetime] = None,
        logical_date_lt: Optional[datetime.datetime] = None,
        start_date_gte: Optional[datetime.datetime] = None,
        start_date_gt: Optional[datetime.datetime] = None,
        start_date_lte: Optional[datetime.datetime] = None,
        start_date_lt: Optional[datetime.datetime] = None,
        end_date_gte: Optional[datetime.datetime] = None,
        end_date_gt: Optional[datetime.datetime] = None,
        end_date_lte: Optional[datetime.datetime] = None,
        end_date_lt: Optional[datetime.datetime] = None,
        duration_gte: Optional[float] = None,
        duration_gt: Optional[float] = None,
        duration_lte: Optional[float] = None,
        duration_lt: Optional[float] = None,
        updated_at_gte: Optional[datetime.datetime] = None,
        updated_at_gt: Optional[datetime.datetime] = None,
        updated_at_lte: Optional[datetime.datetime] = None,
        updated_at_lt: Optional[datetime.datetime] = None,
        conf_contains: Optional[str] = None,
        run_type: Optional[List[Optional[str]]] = None,
        state: Optional[List[Optional[str]]] = None,
        dag_version: Optional[List[int]] = None,
        bundle_version: Optional[str] = None,
        order_by: Optional[List[Optional[str]]] = None,
        run_id_pattern: Optional[str] = None,
        run_id_prefix_pattern: Optional[str] = None,
        triggering_user_name_pattern: Optional[str] = None,
        triggering_user_name_prefix_pattern: Optional[str] = None,
        dag_id_pattern: Optional[str] = None,
        dag_id_prefix_pattern: Optional[str] = None,
        partition_key_pattern: Optional[str] = None,
        partition_key_prefix_pattern: Optional[str] = None,
        consuming_asset_pattern: Optional[str] = None,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunCollectionResponse:
        """Get Dag Runs.

        Get all Dag Runs.

        This endpoint allows specifying `~` as the dag_id to retrieve Dag Runs for all Dags.

        Supports two pagination modes:

        **Offset (default):** use `limit` and `offset` query parameters. Returns `total_entries`.

        **Cursor:** pass `cursor` (empty string for the first page, then `next_cursor` from the response).
        When `cursor` is provided, `offset` is ignored and `total_entries` is capped at
        `total_entries_limit` (a value equal to that limit means at least that many runs match).
        ``next_cursor`` is ``null`` when there are no more pages; ``previous_cursor`` is ``null``
        on the first page. Pass a cursor back with the same ``order_by`` it was made with, or get 400.

        An unknown Dag gives 404 (not an empty list). Unknown query parameters are ignored.

        Args:
            dag_id: dag_id
            partition_date_gte: Inclusive lower bound of the partition_date window, interpreted as a local calendar day in the Dag's timetable timezone. Runs from the start of this day onwards match. A Dag that is not partitioned, or `~`, gets 400.
            partition_date_lte: Inclusive upper bound of the partition_date window, interpreted as a local calendar day in the Dag's timetable timezone. The whole day is included: runs up to the end of this day match. A Dag that is not partitioned, or `~`, gets 400.
            cursor: Cursor for keyset-based pagination. Pass an empty string for the first page, then use ``next_cursor`` from the response. When ``cursor`` is provided, ``offset`` is ignored.
            limit: The page size. The server clamps it to 100 (`[api] maximum_page_limit`) without an error: `limit=1000` returns 100 runs. `limit=0` returns no runs, with the real `total_entries`.
            offset: The number of runs to skip (offset paging). Ignored when `cursor` is given.
            run_after_gte: Runs whose `run_after` is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            run_after_gt: Runs whose `run_after` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            run_after_lte: Runs whose `run_after` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            run_after_lt: Runs whose `run_after` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            logical_date_gte: Runs whose `logical_date` is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            logical_date_gt: Runs whose `logical_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            logical_date_lte: Runs whose `logical_date` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            logical_date_lt: Runs whose `logical_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            start_date_gte: Runs whose `start_date` is on or after this date-time. A run not started yet (null `start_date`) matches, whatever the bound. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            start_date_gt: Runs whose `start_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            start_date_lte: Runs whose `start_date` is on or before this date-time. A run not started yet (null `start_date`) does not match. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            start_date_lt: Runs whose `start_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            end_date_gte: Runs whose `end_date` is on or after this date-time. A run not finished yet (null `end_date`) matches. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            end_date_gt: Runs whose `end_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            end_date_lte: Runs whose `end_date` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            end_date_lt: Runs whose `end_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            duration_gte: duration_gte
            duration_gt: duration_gt
            duration_lte: duration_lte
            duration_lt: duration_lt
            updated_at_gte: Runs whose the last update is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            updated_at_gt: Runs whose the last update is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            updated_at_lte: Runs whose the last update is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            updated_at_lt: Runs whose the last update is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.
            conf_contains: Runs whose `conf`, as JSON text, contains this substring.
            run_type: Runs of one of these types; repeat the parameter for several (`run_type=manual&run_type=scheduled`). Valid values: backfill, scheduled, manual, operator_triggered, asset_triggered, asset_materialization (newer servers may add some). A comma-separated list or an unknown value gets 422 with a string `detail`.
            state: Runs in one of these states; repeat the parameter for several (`state=running&state=success`). Valid values: queued, running, success, failed (newer servers may add some). A comma-separated list or an unknown value gets 422 with a string `detail`.
            dag_version: Runs made with one of these Dag version numbers (`version_number`); repeatable.
            bundle_version: bundle_version
            order_by: Attributes to order by, multi criteria sort is supported. Prefix with `-` for descending order. Supported attributes: `id, state, dag_id, run_id, logical_date, partition_date, run_after, start_date, end_date, updated_at, conf, duration, dag_run_id`. Repeat the parameter for several (`order_by=state&order_by=-run_after`); any other attribute gets 400.
            run_id_pattern: Case-insensitive substring match (SQL `ILIKE`). Slower than `run_id_prefix_pattern` on large tables — see \"Filtering with pattern parameters\".
            run_id_prefix_pattern: Case-sensitive, index-friendly prefix match. See \"Filtering with pattern parameters\".
            triggering_user_name_pattern: Case-insensitive substring match (SQL `ILIKE`). Slower than `triggering_user_name_prefix_pattern` on large tables — see \"Filtering with pattern parameters\".
            triggering_user_name_prefix_pattern: Case-sensitive, index-friendly prefix match. See \"Filtering with pattern parameters\".
            dag_id_pattern: Case-insensitive substring match (SQL `ILIKE`). Slower than `dag_id_prefix_pattern` on large tables — see \"Filtering with pattern parameters\".
            dag_id_prefix_pattern: Case-sensitive, index-friendly prefix match. See \"Filtering with pattern parameters\".
            partition_key_pattern: Case-insensitive substring match (SQL `ILIKE`). Here `|` is matched literally, not as OR. Slower than `partition_key_prefix_pattern` on large tables — see \"Filtering with pattern parameters\".
            partition_key_prefix_pattern: Case-sensitive, index-friendly prefix match. Here `|` is matched literally, not as OR. See \"Filtering with pattern parameters\".
            consuming_asset_pattern: Case-insensitive substring match against the consuming asset name or URI. Unlike the wildcard `*_pattern` parameters, `%` and `_` are matched literally, `|` is not an OR separator, and `~` does not match everything.
        """
        request: Request[DAGRunCollectionResponse] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            query={
                "partition_date_gte": iso_date(partition_date_gte),
                "partition_date_lte": iso_date(partition_date_lte),
                "cursor": cursor,
                "limit": limit,
                "offset": offset,
                "run_after_gte": run_after_gte,
                "run_after_gt": run_after_gt,
                "run_after_lte": run_after_lte,
                "run_after_lt": run_after_lt,
                "logical_date_gte": logical_date_gte,
                "logical_date_gt": logical_date_gt,
                "logical_date_lte": logical_date_lte,
                "logical_date_lt": logical_date_lt,
                "start_date_gte": start_date_gte,
                "start_date_gt": start_date_gt,
                "start_date_lte": start_date_lte,
                "start_date_lt": start_date_lt,
                "end_date_gte": end_date_gte,
                "end_date_gt": end_date_gt,
                "end_date_lte": end_date_lte,
                "end_date_lt": end_date_lt,
                "duration_gte": duration_gte,
                "duration_gt": duration_gt,
                "duration_lte": duration_lte,
                "duration_lt": duration_lt,
                "updated_at_gte": updated_at_gte,
                "updated_at_gt": updated_at_gt,
                "updated_at_lte": updated_at_lte,
                "updated_at_lt": updated_at_lt,
                "conf_contains": conf_contains,
                "run_type": run_type,
                "state": state,
                "dag_version": dag_version,
                "bundle_version": bundle_version,
                "order_by": order_by,
                "run_id_pattern": run_id_pattern,
                "run_id_prefix_pattern": run_id_prefix_pattern,
                "triggering_user_name_pattern": triggering_user_name_pattern,
                "triggering_user_name_prefix_pattern": triggering_user_name_prefix_pattern,
                "dag_id_pattern": dag_id_pattern,
                "dag_id_prefix_pattern": dag_id_prefix_pattern,
                "partition_key_pattern": partition_key_pattern,
                "partition_key_prefix_pattern": partition_key_prefix_pattern,
                "consuming_asset_pattern": consuming_asset_pattern,
            },
            returns=ModelRef(
                __package__, "..models.dag_run_collection_response", "DAGRunCollectionResponse"
            ),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def get_list_dag_runs_batch(
        self,
        dag_id: str,
        dag_runs_batch_body: DAGRunsBatchBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunCollectionResponse:
        """Get List Dag Runs Batch.

        Get a list of Dag Runs, filtered by a JSON body (offset paging only). `page_limit` is not clamped: `page_limit: 1000` returns up to 1000 runs. Unknown `dag_ids` are ignored. The path dag_id must be `~` (any other value gets 422).

        Args:
            dag_id: dag_id
            dag_runs_batch_body: DAGRunsBatchBody
        """
        request: Request[DAGRunCollectionResponse] = Request(
            "POST",
            "/dags/{dag_id}/dagRuns/list",
            path_params={"dag_id": dag_id},
            body=dag_runs_batch_body,
            returns=ModelRef(
                __package__, "..models.dag_run_collection_response", "DAGRunCollectionResponse"
            ),
            idempotent=True,
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def get_upstream_asset_events(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> AssetEventCollectionResponse:
        """Get Upstream Asset Events.

        If dag run is asset-triggered, return the asset events that triggered it (an empty list for other runs). Airflow 3.3.2 answers 500 when a run that consumed one of the events has not started (`start_date` null, e.g. a queued asset-triggered run).

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
        """
        request: Request[AssetEventCollectionResponse] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamAssetEvents",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            returns=ModelRef(
                __package__,
                "..models.asset_event_collection_response",
                "AssetEventCollectionResponse",
            ),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def patch_dag_run(
        self,
        dag_id: str,
        dag_run_id: str,
        dag_run_patch_body: DAGRunPatchBody,
        update_mask: Optional[List[Optional[str]]] = None,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunResponse:
        """Patch Dag Run.

        Modify a Dag Run: set its state (queued, success or failed) and/or its note. Setting success or failed sets `end_date`; queued clears it and resets `queued_at`. `{}` and `state: null` change nothing; `note: null` clears the note.

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
            dag_run_patch_body: DAGRunPatchBody
            update_mask: Apply only these body fields (`state`, `note`); repeat the parameter for several (`update_mask=state&update_mask=note`). An unknown name applies nothing and still answers 200. The body is validated in full either way.
        """
        request: Request[DAGRunResponse] = Request(
            "PATCH",
            "/dags/{dag_id}/dagRuns/{dag_run_id}",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query={"update_mask": update_mask},
            body=dag_run_patch_body,
            returns=ModelRef(__package__, "..models.dag_run_response", "DAGRunResponse"),
            idempotent=True,
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def trigger_dag_run(
        self,
        dag_id: str,
        trigger_dag_run_post_body: TriggerDAGRunPostBody,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> DAGRunResponse:
        """Trigger Dag Run.

        Trigger a Dag. Answers 200 (not 201) with the new run, `state: queued`. `logical_date` is required but may be null. The body must be sent as `application/json`: without that Content-Type the server answers 422 (`model_attributes_type`), not 415. A run id that does not match `[scheduler] allowed_run_id_pattern` (default `^[A-Za-z0-9_.~:+-]+$`), contains `..`, or looks like another run type's (`scheduled__...`) gets 400, and so does a `conf` that violates the Dag's params or a `partition_key` for a Dag that is not partitioned. A duplicate run id or `logical_date` gets 409. A `Referer` header makes `triggered_by: ui`.

        Args:
            dag_id: dag_id
            trigger_dag_run_post_body: TriggerDAGRunPostBody
        """
        request: Request[DAGRunResponse] = Request(
            "POST",
            "/dags/{dag_id}/dagRuns",
            path_params={"dag_id": dag_id},
            body=trigger_dag_run_post_body,
            returns=ModelRef(__package__, "..models.dag_run_response", "DAGRunResponse"),
            idempotent=bool(trigger_dag_run_post_body.dag_run_id),
            recover_conflict=lambda: self.raw.get_dag_run(
                dag_id, str(trigger_dag_run_post_body.dag_run_id)
            ),
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)

    def trigger_dag_run_and_wait(
        self,
        dag_id: str,
        trigger_dag_run_post_body: TriggerDAGRunPostBody,
        *,
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
    ) -> DAGRunResponse:
        """`trigger_dag_run`, then `wait_for_dag_run` on the result: return it once finished.

        Raises `WaitTimeoutError`, carrying the last answer seen, after `timeout` seconds.
        """
        result = self.trigger_dag_run(dag_id, trigger_dag_run_post_body)
        return self.wait_for_dag_run(
            dag_id, str(result.dag_run_id), timeout=timeout, poll_interval=poll_interval
        )

    def wait_dag_run_until_finished(
        self,
        dag_id: str,
        dag_run_id: str,
        interval: float,
        result: Optional[List[Optional[str]]] = None,
        *,
        _request_timeout: RequestTimeout = None,
        _headers: RequestHeaders = None,
    ) -> Iterator[DAGRunWaitLine]:
        """Experimental: Wait for a dag run to complete, and return task results if requested..

        🚧 This is an experimental endpoint and may change or be removed without notice. Successful responses are streamed as newline-delimited JSON (NDJSON): a 200 with chunked transfer encoding and **no Content-Type header at all**, whose body is a sequence of lines, each one JSON object (a DAGRunWaitLine, written with spaces: `{"state": "queued"}`) and a `\n`. The first line comes at once, then one per `interval` while the run is not finished (the rhythm can pause while tasks run: it is no liveness signal). The stream ends right after the first line whose state is finished (success or failed); only that last line may carry `results`. Nothing else ends it: for a run that never finishes (e.g. no scheduler) the client must give up by itself. An unknown run gets a JSON 404 before any streaming.

        Args:
            dag_id: dag_id
            dag_run_id: The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.
            interval: Seconds to wait between dag run state checks
            result: Collect result XCom from task. Can be set multiple times. If unset, return value of the return task as specified in the dag (in present) is returned by default. Task ids without a return value are left out of `results`.
        """
        request: Request[Iterator[DAGRunWaitLine]] = Request(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/wait",
            path_params={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query={"interval": interval, "result": result},
            returns=ModelRef(__package__, "..models.dag_run_wait_line", "DAGRunWaitLine"),
            stream=True,
            token_url="/auth/token",
        )
        return self._call(request, _request_timeout, _headers)


class DagRunApiRaw(View[DagRunApi]):
    """`DagRunApi`'s operations, each returning the whole `ApiResponse`: `api.raw.<operation>`."""

    bulk_dag_runs = raw_response(DagRunApi.bulk_dag_runs)

    clear_dag_run = raw_response(DagRunApi.clear_dag_run)

    clear_dag_run_partitions = raw_response(DagRunApi.clear_dag_run_partitions)

    clear_dag_runs = raw_response(DagRunApi.clear_dag_runs)

    delete_dag_run = raw_response(DagRunApi.delete_dag_run)

    get_dag_run = raw_response(DagRunApi.get_dag_run)

    get_dag_runs = raw_response(DagRunApi.get_dag_runs)

    get_list_dag_runs_batch = raw_response(DagRunApi.get_list_dag_runs_batch)

    get_upstream_asset_events = raw_response(DagRunApi.get_upstream_asset_events)

    patch_dag_run = raw_response(DagRunApi.patch_dag_run)

    trigger_dag_run = raw_response(DagRunApi.trigger_dag_run)

    wait_dag_run_until_finished = raw_response(DagRunApi.wait_dag_run_until_finished)


class DagRunApiPages(View[DagRunApi]):
    """`DagRunApi`'s list operations, each returning every item: `api.paginate.<operation>`."""

    get_dag_runs = paginated(
        DagRunApi.get_dag_runs,
        lambda page: page.dag_runs,
        total="total_entries",
        offset="offset",
        cursor="cursor",
        next_cursor="next_cursor",
    )

    get_list_dag_runs_batch = paginated(
        DagRunApi.get_list_dag_runs_batch,
        lambda page: page.dag_runs,
        total="total_entries",
        offset="page_offset",
    )
