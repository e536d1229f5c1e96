"""The command table of `/api/v2`: one `Command` per operation, read by the command line (`cli`).

Plain data generated from the spec, so that `--help` imports no model: each command names the
API method it calls, its path and query parameters, the fields of its body, and how it pages
or waits. The kinds (`str`, `int`, `float`, `bool`, `datetime`, `date`, `json`) are the
parameters' types in the spec; a body field without one (a nested object) is set through
`--body` only. Defaults (the spec's, for `--help`) are those of scalars.
"""

from ..cli import Body, Command, Param, ThenWait, Wait

BASE_PATH = "/api/v2"
"""Where the API lives on the server."""

COMMANDS = (
    Command(
        "bulk_dag_runs",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Bulk Dag Runs",
        description="Bulk update or delete Dag Runs. Always answers 200: each action's failures (a missing run: 404, a running run: 409, `create`: 405 \"not supported\", a string entity under `~`: 400) are in its `errors`; with `action_on_non_existence: fail` (the default) a missing run leaves `success` empty. With `~` as dag_id each entity needs its `dag_id`; an entity `dag_id` other than the path's is used as given. An unknown `action` gets 500 text/plain. Validation errors are listed twice in the 422 `detail`.",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(),
        body=Body(
            "bulk_body_bulk_dag_run_body",
            ".models.bulk_body_bulk_dag_run_body",
            "BulkBodyBulkDAGRunBody",
            fields=(Param("actions", "", "", many=True, required=True),),
        ),
    ),
    Command(
        "clear_dag_run",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Clear Dag Run",
        description="Clear a Dag Run's task instances. `dry_run` defaults to true: then nothing changes and the answer lists the task instances that would be cleared (a ClearTaskInstanceCollectionResponse). With `dry_run: false` the answer is the run, queued again (`start_date`/`end_date` null, a new `queued_at`); a `note` in the body sets the run's note. `only_failed` and `only_new` together get 422. A body is required (`{}` at least).",
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(),
        body=Body(
            "dag_run_clear_body",
            ".models.dag_run_clear_body",
            "DAGRunClearBody",
            fields=(
                Param("dry_run", "", "bool", default=True),
                Param("only_failed", "", "bool", default=False),
                Param(
                    "only_new",
                    "Only queue newly added tasks in the latest Dag version without clearing existing tasks.",
                    "bool",
                    default=False,
                ),
                Param(
                    "run_on_latest_version",
                    "(Experimental) Run on the latest bundle version of the Dag after clearing. If not specified, falls back to the DAG-level ``rerun_with_latest_version`` parameter, then the ``[core] rerun_with_latest_version`` config option, and finally ``False``.",
                    "bool",
                ),
                Param("note", "", "str"),
            ),
        ),
    ),
    Command(
        "clear_dag_run_partitions",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Clear Dag Run Partitions",
        description="Reset partition_key and partition_date fields on matching Dag Runs. The body selects runs by exactly one of `run_id`, `partition_key`, or a partition date window (start on or before end), else 422. `dry_run` defaults to true. An unknown `run_id` or `partition_key` matches nothing (200 with zeros); an unknown Dag, or `~`, gets 404.",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(),
        body=Body(
            "clear_partitions_body",
            ".models.clear_partitions_body",
            "ClearPartitionsBody",
            fields=(
                Param(
                    "partition_key",
                    "Select runs by exact partition key match. Mutually exclusive with the other partition selectors.",
                    "str",
                ),
                Param(
                    "partition_date_start",
                    "Inclusive start of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors.",
                    "datetime",
                ),
                Param(
                    "partition_date_end",
                    "Inclusive end of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors.",
                    "datetime",
                ),
                Param(
                    "run_id",
                    "Select runs by exact run_id. Mutually exclusive with ``partition_key`` and partition date window.",
                    "str",
                ),
                Param(
                    "clear_task_instances",
                    "Also clear task instances on the matched runs.",
                    "bool",
                    default=False,
                ),
                Param(
                    "dry_run",
                    "If True, compute counts without writing any changes.",
                    "bool",
                    default=True,
                ),
            ),
        ),
    ),
    Command(
        "clear_dag_runs",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Clear Dag Runs",
        description="Clear multiple Dag Runs in a single request. The body selects runs by exactly one of `dag_runs` (non-empty), `partition_key`, or a partition date window, else 422. With `~` as dag_id every `dag_runs` entry needs its `dag_id` and partition selectors are refused (400); with a concrete dag_id an entry's `dag_id` must match it (400). `dry_run` defaults to true: the answer then lists the task instances that would be cleared; with `dry_run: false` it is the cleared runs (a DAGRunCollectionResponse). Validation errors are listed twice in the 422 `detail`.",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(),
        body=Body(
            "bulk_dag_run_clear_body",
            ".models.bulk_dag_run_clear_body",
            "BulkDAGRunClearBody",
            fields=(
                Param(
                    "partition_key",
                    "Select runs by exact partition key match. Mutually exclusive with the other partition selectors.",
                    "str",
                ),
                Param(
                    "partition_date_start",
                    "Inclusive start of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors.",
                    "datetime",
                ),
                Param(
                    "partition_date_end",
                    "Inclusive end of the partition date window. The value is interpreted in the Dag's timetable timezone. Mutually exclusive with the other partition selectors.",
                    "datetime",
                ),
                Param("dry_run", "", "bool", default=True),
                Param("only_failed", "", "bool", default=False),
                Param(
                    "only_new",
                    "Only queue newly added tasks in the latest Dag version without clearing existing tasks.",
                    "bool",
                    default=False,
                ),
                Param(
                    "run_on_latest_version",
                    "(Experimental) Run on the latest bundle version of the Dag after clearing. If not specified, falls back to the DAG-level ``rerun_with_latest_version`` parameter, then the ``[core] rerun_with_latest_version`` config option, and finally ``False``.",
                    "bool",
                ),
                Param("note", "", "str"),
                Param("dag_runs", "", "", many=True),
            ),
        ),
    ),
    Command(
        "delete_dag_run",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Delete Dag Run",
        description="Delete a Dag Run entry. Queued, success and failed runs can be deleted; a running run cannot (409). A request body is ignored.",
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(),
    ),
    Command(
        "get_dag_run",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Get Dag Run",
        description="",
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(),
        wait=Wait(
            "wait_for_dag_run",
            "state",
            ["success", "failed"],
            stream="wait_dag_run_until_finished",
            stream_interval="interval",
        ),
    ),
    Command(
        "get_dag_runs",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Get Dag Runs",
        description="Get all Dag Runs.  This endpoint allows specifying `~` as the dag_id to retrieve Dag Runs for all Dags.  Supports two pagination modes:  **Offset (default):** use `limit` and `offset` query parameters. Returns `total_entries`.  **Cursor:** pass `cursor` (empty string for the first page, then `next_cursor` from the response). When `cursor` is provided, `offset` is ignored and `total_entries` is capped at `total_entries_limit` (a value equal to that limit means at least that many runs match). ``next_cursor`` is ``null`` when there are no more pages; ``previous_cursor`` is ``null`` on the first page. Pass a cursor back with the same ``order_by`` it was made with, or get 400.  An unknown Dag gives 404 (not an empty list). Unknown query parameters are ignored.",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(
            Param(
                "partition_date_gte",
                "Inclusive lower bound of the partition_date window, interpreted as a local calendar day in the Dag's timetable timezone. Runs from the start of this day onwards match. A Dag that is not partitioned, or `~`, gets 400.",
                "date",
            ),
            Param(
                "partition_date_lte",
                "Inclusive upper bound of the partition_date window, interpreted as a local calendar day in the Dag's timetable timezone. The whole day is included: runs up to the end of this day match. A Dag that is not partitioned, or `~`, gets 400.",
                "date",
            ),
            Param(
                "cursor",
                "Cursor for keyset-based pagination. Pass an empty string for the first page, then use ``next_cursor`` from the response. When ``cursor`` is provided, ``offset`` is ignored.",
                "str",
            ),
            Param(
                "limit",
                "The page size. The server clamps it to 100 (`[api] maximum_page_limit`) without an error: `limit=1000` returns 100 runs. `limit=0` returns no runs, with the real `total_entries`.",
                "int",
                default=50,
            ),
            Param(
                "offset",
                "The number of runs to skip (offset paging). Ignored when `cursor` is given.",
                "int",
                default=0,
            ),
            Param(
                "run_after_gte",
                "Runs whose `run_after` is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "run_after_gt",
                "Runs whose `run_after` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "run_after_lte",
                "Runs whose `run_after` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "run_after_lt",
                "Runs whose `run_after` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "logical_date_gte",
                "Runs whose `logical_date` is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "logical_date_gt",
                "Runs whose `logical_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "logical_date_lte",
                "Runs whose `logical_date` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "logical_date_lt",
                "Runs whose `logical_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "start_date_gte",
                "Runs whose `start_date` is on or after this date-time. A run not started yet (null `start_date`) matches, whatever the bound. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "start_date_gt",
                "Runs whose `start_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "start_date_lte",
                "Runs whose `start_date` is on or before this date-time. A run not started yet (null `start_date`) does not match. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "start_date_lt",
                "Runs whose `start_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "end_date_gte",
                "Runs whose `end_date` is on or after this date-time. A run not finished yet (null `end_date`) matches. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "end_date_gt",
                "Runs whose `end_date` is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "end_date_lte",
                "Runs whose `end_date` is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "end_date_lt",
                "Runs whose `end_date` is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param("duration_gte", "", "float"),
            Param("duration_gt", "", "float"),
            Param("duration_lte", "", "float"),
            Param("duration_lt", "", "float"),
            Param(
                "updated_at_gte",
                "Runs whose the last update is on or after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "updated_at_gt",
                "Runs whose the last update is after this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "updated_at_lte",
                "Runs whose the last update is on or before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "updated_at_lt",
                "Runs whose the last update is before this date-time. It must carry an offset (`Z`, or `%2B00:00`: a raw `+` reads as a space); a naive or date-only value gets 500 from Airflow 3.3.2.",
                "datetime",
            ),
            Param(
                "conf_contains", "Runs whose `conf`, as JSON text, contains this substring.", "str"
            ),
            Param(
                "run_type",
                "Runs of one of these types; repeat the parameter for several (`run_type=manual&run_type=scheduled`). Valid values: backfill, scheduled, manual, operator_triggered, asset_triggered, asset_materialization (newer servers may add some). A comma-separated list or an unknown value gets 422 with a string `detail`.",
                "str",
                many=True,
            ),
            Param(
                "state",
                "Runs in one of these states; repeat the parameter for several (`state=running&state=success`). Valid values: queued, running, success, failed (newer servers may add some). A comma-separated list or an unknown value gets 422 with a string `detail`.",
                "str",
                many=True,
            ),
            Param(
                "dag_version",
                "Runs made with one of these Dag version numbers (`version_number`); repeatable.",
                "int",
                many=True,
            ),
            Param("bundle_version", "", "str"),
            Param(
                "order_by",
                "Attributes to order by, multi criteria sort is supported. Prefix with `-` for descending order. Supported attributes: `id, state, dag_id, run_id, logical_date, partition_date, run_after, start_date, end_date, updated_at, conf, duration, dag_run_id`. Repeat the parameter for several (`order_by=state&order_by=-run_after`); any other attribute gets 400.",
                "str",
                many=True,
            ),
            Param(
                "run_id_pattern",
                'Case-insensitive substring match (SQL `ILIKE`). Slower than `run_id_prefix_pattern` on large tables — see "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "run_id_prefix_pattern",
                'Case-sensitive, index-friendly prefix match. See "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "triggering_user_name_pattern",
                'Case-insensitive substring match (SQL `ILIKE`). Slower than `triggering_user_name_prefix_pattern` on large tables — see "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "triggering_user_name_prefix_pattern",
                'Case-sensitive, index-friendly prefix match. See "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "dag_id_pattern",
                'Case-insensitive substring match (SQL `ILIKE`). Slower than `dag_id_prefix_pattern` on large tables — see "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "dag_id_prefix_pattern",
                'Case-sensitive, index-friendly prefix match. See "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "partition_key_pattern",
                'Case-insensitive substring match (SQL `ILIKE`). Here `|` is matched literally, not as OR. Slower than `partition_key_prefix_pattern` on large tables — see "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "partition_key_prefix_pattern",
                'Case-sensitive, index-friendly prefix match. Here `|` is matched literally, not as OR. See "Filtering with pattern parameters".',
                "str",
            ),
            Param(
                "consuming_asset_pattern",
                "Case-insensitive substring match against the consuming asset name or URI. Unlike the wildcard `*_pattern` parameters, `%` and `_` are matched literally, `|` is not an OR separator, and `~` does not match everything.",
                "str",
            ),
        ),
        paged=True,
    ),
    Command(
        "get_list_dag_runs_batch",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Get List Dag Runs Batch",
        description="Get a list of Dag Runs, filtered by a JSON body (offset paging only). `page_limit` is not clamped: `page_limit: 1000` returns up to 1000 runs. Unknown `dag_ids` are ignored. The path dag_id must be `~` (any other value gets 422).",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(),
        body=Body(
            "dag_runs_batch_body",
            ".models.dag_runs_batch_body",
            "DAGRunsBatchBody",
            fields=(
                Param(
                    "order_by",
                    "One attribute to order by (the list's attributes: id, state, dag_id, run_id, logical_date, run_after, start_date, end_date, updated_at, conf, duration, ...); prefix with `-` for descending. Any other gets 400.",
                    "str",
                ),
                Param("page_offset", "", "int", default=0),
                Param(
                    "page_limit",
                    "The page size. Not clamped (1000 returns up to 1000 runs); 0 returns none.",
                    "int",
                    default=100,
                ),
                Param(
                    "dag_ids", "Runs of these Dags (unknown ids match nothing).", "str", many=True
                ),
                Param(
                    "states",
                    "",
                    "str",
                    many=True,
                    choices=["queued", "running", "success", "failed"],
                ),
                Param("run_after_gte", "", "datetime"),
                Param("run_after_gt", "", "datetime"),
                Param("run_after_lte", "", "datetime"),
                Param("run_after_lt", "", "datetime"),
                Param("logical_date_gte", "", "datetime"),
                Param("logical_date_gt", "", "datetime"),
                Param("logical_date_lte", "", "datetime"),
                Param("logical_date_lt", "", "datetime"),
                Param("start_date_gte", "", "datetime"),
                Param("start_date_gt", "", "datetime"),
                Param("start_date_lte", "", "datetime"),
                Param("start_date_lt", "", "datetime"),
                Param("end_date_gte", "", "datetime"),
                Param("end_date_gt", "", "datetime"),
                Param("end_date_lte", "", "datetime"),
                Param("end_date_lt", "", "datetime"),
                Param("duration_gte", "", "float"),
                Param("duration_gt", "", "float"),
                Param("duration_lte", "", "float"),
                Param("duration_lt", "", "float"),
                Param("conf_contains", "", "str"),
            ),
        ),
        paged=True,
    ),
    Command(
        "get_upstream_asset_events",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Get Upstream Asset Events",
        description="If dag run is asset-triggered, return the asset events that triggered it (an empty list for other runs). Airflow 3.3.2 answers 500 when a run that consumed one of the events has not started (`start_date` null, e.g. a queued asset-triggered run).",
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(),
    ),
    Command(
        "patch_dag_run",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Patch Dag Run",
        description="Modify a Dag Run: set its state (queued, success or failed) and/or its note. Setting success or failed sets `end_date`; queued clears it and resets `queued_at`. `{}` and `state: null` change nothing; `note: null` clears the note.",
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(
            Param(
                "update_mask",
                "Apply only these body fields (`state`, `note`); repeat the parameter for several (`update_mask=state&update_mask=note`). An unknown name applies nothing and still answers 200. The body is validated in full either way.",
                "str",
                many=True,
            ),
        ),
        body=Body(
            "dag_run_patch_body",
            ".models.dag_run_patch_body",
            "DAGRunPatchBody",
            fields=(
                Param("state", "", "str", choices=["queued", "success", "failed"]),
                Param("note", "", "str"),
            ),
        ),
    ),
    Command(
        "trigger_dag_run",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Trigger Dag Run",
        description="Trigger a Dag. Answers 200 (not 201) with the new run, `state: queued`. `logical_date` is required but may be null. The body must be sent as `application/json`: without that Content-Type the server answers 422 (`model_attributes_type`), not 415. A run id that does not match `[scheduler] allowed_run_id_pattern` (default `^[A-Za-z0-9_.~:+-]+$`), contains `..`, or looks like another run type's (`scheduled__...`) gets 400, and so does a `conf` that violates the Dag's params or a `partition_key` for a Dag that is not partitioned. A duplicate run id or `logical_date` gets 409. A `Referer` header makes `triggered_by: ui`.",
        path=(Param("dag_id", "dag_id", "str"),),
        query=(),
        body=Body(
            "trigger_dag_run_post_body",
            ".models.trigger_dag_run_post_body",
            "TriggerDAGRunPostBody",
            fields=(
                Param(
                    "dag_run_id",
                    'The run id; left out, null or "" makes the server generate one (`manual__<run_after>+00:00`).',
                    "str",
                ),
                Param(
                    "data_interval_start",
                    "Send both data_interval_start and data_interval_end, or neither (one alone gets 422). Ignored when logical_date is null. Without them the interval is [logical_date, logical_date].",
                    "datetime",
                ),
                Param("data_interval_end", "See data_interval_start.", "datetime"),
                Param(
                    "logical_date",
                    "Required, but may be null (a run without logical date; its data interval is null too). A date-time must carry an offset (`Z` or `+hh:mm`): a naive or date-only value gets 422. The trigger answer echoes the offset sent; later reads give UTC with `Z`. (The server also takes an integer Unix timestamp, as UTC.)",
                    "datetime",
                    required=True,
                ),
                Param(
                    "run_after",
                    "When the run may start; the request time when left out, even when logical_date is given. Send an offset (the server reads a naive value as UTC).",
                    "datetime",
                ),
                Param(
                    "conf",
                    "Validated against the Dag's params (a violation gets 400; keys that are not params are kept). null is stored as `{}`.",
                    "json",
                ),
                Param(
                    "note",
                    'No length limit here (PATCH allows 1000 characters); "" is stored as null.',
                    "str",
                ),
                Param("partition_key", "Only for partitioned Dags; others answer 400.", "str"),
            ),
        ),
        then_wait=ThenWait("wait_for_dag_run", "dag_run_id"),
        alias="trigger",
    ),
    Command(
        "wait_dag_run_until_finished",
        api=(".api.dag_run_api", "DagRunApi"),
        summary="Experimental: Wait for a dag run to complete, and return task results if requested.",
        description='🚧 This is an experimental endpoint and may change or be removed without notice. Successful responses are streamed as newline-delimited JSON (NDJSON): a 200 with chunked transfer encoding and **no Content-Type header at all**, whose body is a sequence of lines, each one JSON object (a DAGRunWaitLine, written with spaces: `{"state": "queued"}`) and a `\\n`. The first line comes at once, then one per `interval` while the run is not finished (the rhythm can pause while tasks run: it is no liveness signal). The stream ends right after the first line whose state is finished (success or failed); only that last line may carry `results`. Nothing else ends it: for a run that never finishes (e.g. no scheduler) the client must give up by itself. An unknown run gets a JSON 404 before any streaming.',
        path=(
            Param("dag_id", "dag_id", "str"),
            Param(
                "dag_run_id",
                "The run id. Percent-encode it with nothing left safe (`+` is a literal plus, a space is `%20`). A run id containing `/` cannot be addressed.",
                "str",
            ),
        ),
        query=(
            Param(
                "interval", "Seconds to wait between dag run state checks", "float", required=True
            ),
            Param(
                "result",
                "Collect result XCom from task. Can be set multiple times. If unset, return value of the return task as specified in the dag (in present) is returned by default. Task ids without a return value are left out of `results`.",
                "str",
                many=True,
            ),
        ),
        streams=True,
    ),
)
