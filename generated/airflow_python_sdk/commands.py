"""The command table of `/api/v1`: one `Command` per operation, read by the command line (`cli`).

Plain data generated from the spec, so that `--help` imports no model: each command names the
API method it calls, its path and query parameters, the fields of its body, and how it pages
or waits. The kinds (`str`, `int`, `float`, `bool`, `datetime`, `date`, `json`) are the
parameters' types in the spec; a body field without one (a nested object) is set through
`--body` only. Defaults (the spec's, for `--help`) are those of scalars.
"""

from .cli import Body, Command, Param, ThenWait, Wait

BASE_PATH = "/api/v1"
"""Where the API lives on the server."""

COMMANDS = (
    Command(
        "clear_dag_run",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Clear a DAG run",
        description="`dry_run` defaults to true on the server: without it the run is only previewed and the answer lists the task instances that would be cleared. With `dry_run: false` the answer is the run, queued again.",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(),
        body=Body(
            "clear_dag_run",
            ".model.clear_dag_run",
            "ClearDagRun",
            fields=(
                Param(
                    "dry_run",
                    "If true, only list the task instances that would be cleared.",
                    "bool",
                    default=True,
                ),
            ),
        ),
    ),
    Command(
        "delete_dag_run",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Delete a DAG run",
        description="",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(),
    ),
    Command(
        "get_dag_run",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Get a DAG run",
        description="",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(
            Param(
                "fields",
                "Return only these fields of each run (repeat the parameter for several).",
                "str",
                many=True,
            ),
        ),
        wait=Wait(
            "wait_for_dag_run",
            "state",
            ["success", "failed"],
        ),
    ),
    Command(
        "get_dag_runs",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="List DAG runs",
        description="This endpoint allows specifying `~` as the dag_id to retrieve DAG runs for all DAGs. A DAG that does not exist gives an empty list.",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
        ),
        query=(
            Param(
                "limit",
                "The numbers of items to return. The server clamps it to 100 and reads 0 as 100.",
                "int",
                default=100,
            ),
            Param(
                "offset",
                "The number of items to skip before starting to collect the result set.",
                "int",
            ),
            Param(
                "execution_date_gte",
                "Returns objects greater or equal to the specified date.",
                "datetime",
            ),
            Param(
                "execution_date_lte",
                "Returns objects less than or equal to the specified date.",
                "datetime",
            ),
            Param(
                "start_date_gte", "Returns objects greater or equal the specified date.", "datetime"
            ),
            Param(
                "start_date_lte", "Returns objects less or equal the specified date.", "datetime"
            ),
            Param(
                "end_date_gte", "Returns objects greater or equal the specified date.", "datetime"
            ),
            Param(
                "end_date_lte",
                "Returns objects less than or equal to the specified date.",
                "datetime",
            ),
            Param(
                "updated_at_gte",
                "Returns objects updated at or after the specified date.",
                "datetime",
            ),
            Param(
                "updated_at_lte",
                "Returns objects updated at or before the specified date.",
                "datetime",
            ),
            Param(
                "state",
                "Return only runs in one of these states (repeat the parameter for several).",
                "str",
                many=True,
            ),
            Param(
                "order_by",
                "The field to order by; prefix with `-` for descending. One of id, state, dag_id, execution_date, dag_run_id, start_date, end_date, updated_at, external_trigger, conf.",
                "str",
            ),
            Param(
                "fields",
                "Return only these fields of each run (repeat the parameter for several).",
                "str",
                many=True,
            ),
        ),
        paged=True,
    ),
    Command(
        "get_dag_runs_batch",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="List DAG runs (batch)",
        description="This endpoint is a POST to allow filtering across a large number of DAG IDs, where as a GET it would run in to maximum HTTP request URL length limit. It only reads.",
        path=(),
        query=(),
        body=Body(
            "list_dag_runs_form",
            ".model.list_dag_runs_form",
            "ListDagRunsForm",
            fields=(
                Param("order_by", "The field to order by; prefix with `-` for descending.", "str"),
                Param(
                    "page_offset",
                    "The number of items to skip before starting to collect the result set.",
                    "int",
                ),
                Param(
                    "page_limit",
                    "The numbers of items to return (Airflow 2.11 does not clamp it here).",
                    "int",
                    default=100,
                ),
                Param(
                    "dag_ids",
                    "Return only runs of these DAGs (unknown ids are ignored).",
                    "str",
                    many=True,
                ),
                Param("states", "Return only runs in one of these states.", "str", many=True),
                Param("execution_date_gte", "", "datetime"),
                Param("execution_date_lte", "", "datetime"),
                Param("start_date_gte", "", "datetime"),
                Param("start_date_lte", "", "datetime"),
                Param("end_date_gte", "", "datetime"),
                Param("end_date_lte", "", "datetime"),
                Param("updated_at_gte", "Accepted but ignored by Airflow 2.11.", "datetime"),
                Param("updated_at_lte", "Accepted but ignored by Airflow 2.11.", "datetime"),
            ),
        ),
        paged=True,
    ),
    Command(
        "get_upstream_dataset_events",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Get dataset events for a DAG run",
        description="The dataset events that triggered this run (empty for a manual run).",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(),
    ),
    Command(
        "post_dag_run",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Trigger a new DAG run",
        description="Only `dag_run_id`, `logical_date` (or the deprecated `execution_date`), `data_interval_start` and `data_interval_end` (both or neither), `conf` and `note` may be sent; the server generates the run id and uses the current time as logical date when they are left out. The answer is 200 (not 201) with the full run.",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
        ),
        query=(),
        body=Body(
            "dag_run",
            ".model.dag_run",
            "DAGRun",
            fields=(
                Param("dag_run_id", "Run ID. Generated by the server when left out.", "str"),
                Param(
                    "logical_date",
                    "The logical date; the current time when left out (null gets 400).",
                    "datetime",
                ),
                Param(
                    "execution_date", "The same as logical_date; send one or the other.", "datetime"
                ),
                Param("data_interval_start", "", "datetime"),
                Param("data_interval_end", "", "datetime"),
                Param(
                    "conf",
                    "JSON object describing additional configuration parameters (`{}` when unset).",
                    "json",
                ),
                Param(
                    "note", "Contains manually entered notes by the user about the DagRun.", "str"
                ),
            ),
        ),
        then_wait=ThenWait("wait_for_dag_run", "dag_run_id"),
        alias="trigger",
    ),
    Command(
        "set_dag_run_note",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Update the DagRun note",
        description="",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(),
        body=Body(
            "set_dag_run_note",
            ".model.set_dag_run_note",
            "SetDagRunNote",
            fields=(Param("note", "", "str", required=True),),
        ),
    ),
    Command(
        "update_dag_run_state",
        api=(".api.dag_run_api", "DAGRunApi"),
        summary="Modify a DAG run",
        description="Set the state of a DAG run to success, failed or queued.",
        path=(
            Param("dag_id", "The DAG ID (`~` for every DAG where the endpoint allows it).", "str"),
            Param(
                "dag_run_id",
                "The DAG run ID. A run id containing `/` cannot be addressed: the server decodes `%2F` before routing.",
                "str",
            ),
        ),
        query=(),
        body=Body(
            "update_dag_run_state",
            ".model.update_dag_run_state",
            "UpdateDagRunState",
            fields=(
                Param("state", "", "str", choices=["success", "failed", "queued"], required=True),
            ),
        ),
    ),
)
