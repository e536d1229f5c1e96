"""The DAG Run endpoints as Airflow 2.11's handlers answer them.

Each handler gets the ``Context``, the decoded path parameters, the ``Query`` and the JSON body
(already through connexion's checks and authorization) and returns a ``Response`` or raises
``ApiError``. Handler order of checks follows Airflow's code: 404 before marshmallow's 400s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence

from . import inputs
from .inputs import Query
from .responses import Response, bad_request, json_response, oops, problem
from .state import FINISHED_STATES, RUN_TYPES, SORT_FIELDS, Dag, DagRun, Store, iso, utcnow

DEFAULT_RUN_ID_PATTERN = r"^[A-Za-z0-9_.~:+-]+$"
RELAXED_RUN_ID_PATTERN = r"^.+$"
# Ids in the server's generated format are always allowed (Airflow's RUN_ID_REGEX).
GENERATED_RUN_ID = (
    r"^(?:manual|scheduled|dataset_triggered)__(?:\d{4})-(?:\d{2})-(?:\d{2})"
    r"T(?:\d{2}):(?:\d{2}):(?:\d{2})\+00:00$"
)
TRIGGER_KEYS = (
    "dag_run_id", "logical_date", "conf", "data_interval_start", "data_interval_end", "note",
)  # fmt: skip
DATE_FILTERS = {
    "execution_date": "logical_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "updated_at": "updated_at",
}
MAX_NOTE = 1000


@dataclass
class Context:
    """What handlers work on: the store and the server settings they depend on."""

    store: Store
    run_id_pattern: str = DEFAULT_RUN_ID_PATTERN


def run_not_found(dag_id: str, run_id: str, title: str = "DAGRun not found") -> Exception:
    """The 404 of get/upstreamDatasetEvents/delete."""
    return problem(
        404, title, f"DAGRun with DAG ID: '{dag_id}' and DagRun ID: '{run_id}' not found"
    )


def _get_run(ctx: Context, dag_id: str, run_id: str, title: Optional[str] = None) -> DagRun:
    """The run, or a 404 (``title`` set: the PATCH/clear/setNote flavour with detail null)."""
    run = ctx.store.get(dag_id, run_id)
    if run is None:
        raise problem(404, title) if title else run_not_found(dag_id, run_id)
    return run


def _select_fields(data: Dict[str, Any], fields: List[str]) -> Dict[str, Any]:
    """DAGRunSchema's post_dump with ``fields``: only those, ValueError for an unknown one."""
    if not fields:
        return data
    selected = {}
    for name in fields:
        if name not in data:
            raise ValueError(f"{name} not in DAGRunSchema")
        selected[name] = data[name]
    return selected


def _default(value: Optional[str], default: str) -> str:
    """A query parameter's value, or its default when it is absent (not when it is empty)."""
    return default if value is None else value


def _order_by(value: str) -> str:
    """Airflow's apply_sorting allow-list check."""
    name = value.lstrip("-")
    if name not in SORT_FIELDS:
        raise bad_request(
            f"Ordering with '{name}' is disallowed or the attribute does not exist on the model"
        )
    return value


# ---------------------------------------------------------------- reads


def get_dag_run(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """GET /dags/{dag_id}/dagRuns/{dag_run_id}."""
    run = _get_run(ctx, path["dag_id"], path["dag_run_id"])
    try:
        return json_response(_select_fields(run.to_dict(), query.all("fields")))
    except ValueError as err:
        raise bad_request(str(err), "DAGRunSchema error") from None


def list_query(query: Query) -> Dict[str, Any]:
    """Connexion's checks of the list parameters, in the order of Airflow's spec."""
    parsed: Dict[str, Any] = {
        "limit": query.integer("limit"),
        "offset": query.integer("offset", minimum=0),
    }
    for name in DATE_FILTERS:
        for bound in ("gte", "lte"):
            parsed[f"{name}_{bound}"] = query.datetime(f"{name}_{bound}")
    return parsed


def get_dag_runs(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """GET /dags/{dag_id}/dagRuns (``~`` for every DAG)."""
    params = list_query(query)
    limit = inputs.page_limit(params["limit"])
    dag_id = path["dag_id"]
    runs, total = ctx.store.query(
        dag_ids=None if dag_id == "~" else {dag_id},
        states=query.all("state"),
        ranges={
            attr: (params[f"{name}_gte"], params[f"{name}_lte"])
            for name, attr in DATE_FILTERS.items()
        },
        order_by=_order_by(_default(query.last("order_by"), "id")),
        offset=params["offset"] or 0,
        limit=limit,
    )
    fields = query.all("fields")
    try:
        items = [_select_fields(run.to_dict(), fields) for run in runs]
    except ValueError as err:
        raise bad_request(str(err), "DAGRunCollectionSchema error") from None
    return json_response({"dag_runs": items, "total_entries": total})


def _refuse_unknown_fields(body: Dict[str, Any], known: Sequence[str]) -> None:
    errors = inputs.unknown_fields(body, known)
    if errors:
        raise bad_request(str(errors))


def get_dag_runs_batch(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """POST /dags/~/dagRuns/list (``updated_at_*`` accepted and ignored, no limit clamp)."""
    _refuse_unknown_fields(body, inputs.BATCH_FORM_KEYS)
    readable = set(ctx.store.dags)
    dates = {
        key: inputs.parse_datetime(value)
        for key, value in body.items()
        if key.endswith(("_gte", "_lte")) and value is not None
    }
    runs, total = ctx.store.query(
        dag_ids=set(body["dag_ids"]) & readable if body.get("dag_ids") else readable,
        states=body.get("states"),
        ranges={
            attr: (dates.get(f"{name}_gte"), dates.get(f"{name}_lte"))
            for name, attr in DATE_FILTERS.items()
            if name != "updated_at"
        },
        order_by=_order_by(body.get("order_by", "id")),
        offset=body.get("page_offset", 0),
        limit=body.get("page_limit", 100),
    )
    return json_response({"dag_runs": [run.to_dict() for run in runs], "total_entries": total})


def get_upstream_dataset_events(
    ctx: Context, path: Dict[str, str], query: Query, body: Any
) -> Response:
    """GET /dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents."""
    run = _get_run(ctx, path["dag_id"], path["dag_run_id"])
    events = ctx.store.upstream_events(run)
    return json_response({"dataset_events": events, "total_entries": len(events)})


# ---------------------------------------------------------------- trigger


_MISSING = object()


def _trigger_dates(body: Dict[str, Any]) -> Dict[str, Any]:
    """DAGRunSchema's pre_load: merge execution_date into logical_date, generate a run id."""
    data = dict(body)
    logical = data.get("logical_date", _MISSING)
    execution = data.pop("execution_date", _MISSING)
    if logical is _MISSING and execution is _MISSING:
        data["logical_date"] = utcnow()
    elif logical is _MISSING:
        data["logical_date"] = execution
    elif execution is not _MISSING and logical != execution:
        raise problem(
            400, "logical_date conflicts with execution_date", f"{logical!r} != {execution!r}"
        )
    if "dag_run_id" not in data:
        if data["logical_date"] is None:
            raise problem(
                400, "Incorrect datetime argument", "argument of type 'NoneType' is not iterable"
            )
        data["dag_run_id"] = f"manual__{_as_datetime(data['logical_date']).isoformat()}"
    return data


def _as_datetime(value: Any) -> datetime:
    """A request date (already format-checked) or a generated one, as an aware datetime."""
    return value if isinstance(value, datetime) else inputs.parse_datetime(value)


def _trigger_load(data: Dict[str, Any]) -> None:
    """Marshmallow's field and schema validation of the trigger body."""
    errors: Dict[str, List[str]] = {}
    for key in ("dag_run_id", "logical_date"):
        if data.get(key, _MISSING) is None:
            errors[key] = ["Field may not be null."]
    errors.update(inputs.unknown_fields(data, TRIGGER_KEYS))
    if errors:
        raise bad_request(str(errors))
    if (data.get("data_interval_start") is None) != (data.get("data_interval_end") is None):
        message = "Both 'data_interval_start' and 'data_interval_end' must be specified together"
        raise bad_request(str({"_schema": [message]}))


def _check_params(dag: Dag, conf: Dict[str, Any]) -> None:
    """Validate conf against the DAG's params like ParamsDict.validate (400 on a violation)."""
    try:
        from jsonschema import FormatChecker, ValidationError, validate
    except ImportError:  # pragma: no cover - jsonschema comes with openapi-core
        return
    for name, (default, schema) in dag.params.items():
        try:
            validate(conf.get(name, default), schema, format_checker=FormatChecker())
        except ValidationError as err:
            detail = inputs.schema_error_text(
                err.message, str(err.validator), err.schema, err.instance
            )
            raise bad_request(f"Invalid input for param {name}: {detail}") from None


def _inferred_run_type(run_id: str) -> str:
    """DagRunType.from_run_id: the type a run id's prefix reserves (manual by default)."""
    for run_type in RUN_TYPES:
        if run_id.startswith(f"{run_type}__"):
            return run_type
    return "manual"


def post_dag_run(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """POST /dags/{dag_id}/dagRuns: trigger a run (200 with the run, offsets as sent)."""
    dag_id = path["dag_id"]
    dag = ctx.store.dags.get(dag_id)
    if dag is None:
        raise problem(404, "DAG not found", f"DAG with dag_id: '{dag_id}' not found")
    data = _trigger_dates(body)
    _trigger_load(data)
    logical = _as_datetime(data["logical_date"])
    run_id = data["dag_run_id"]
    conflict = ctx.store.find_conflict(dag_id, run_id, logical)
    if conflict is not None:
        raise _conflict(dag_id, run_id, logical, conflict)
    return _create_run(ctx, dag, run_id, logical, data)


def _conflict(dag_id: str, run_id: str, logical: datetime, existing: DagRun) -> Exception:
    """The 409 for a duplicate logical date or run id (#84-85)."""
    if existing.logical_date == logical:
        what = f"DAGRun logical date: '{logical.isoformat(sep=' ')}'"
    else:
        what = f"DAGRun ID: '{run_id}'"
    return problem(409, "Conflict", f"DAGRun with DAG ID: '{dag_id}' and {what} already exists")


def _create_run(
    ctx: Context, dag: Dag, run_id: str, logical: datetime, data: Dict[str, Any]
) -> Response:
    """DAG.create_dagrun: run type, params and run-id pattern checks, then store the run."""
    if run_id:
        inferred = _inferred_run_type(run_id)
        if inferred != "manual":
            raise bad_request(
                f"A manual DAG run cannot use ID {run_id!r} since it is reserved for "
                f"{inferred} runs"
            )
    else:
        run_id = f"manual__{logical.isoformat()}"
    conf = data.get("conf") or {}
    _check_params(dag, conf)
    if not (re.match(ctx.run_id_pattern, run_id) or re.match(GENERATED_RUN_ID, run_id)):
        raise oops()
    start, end = logical, logical
    if data.get("data_interval_start") is not None:
        start = _as_datetime(data["data_interval_start"])
        end = _as_datetime(data["data_interval_end"])
    run = ctx.store.add_run(
        dag.dag_id, run_id, logical, start, end, conf=conf, note=data.get("note") or None
    )
    answer = run.to_dict()  # the answer still carries the offsets that were sent
    answer.update(
        logical_date=iso(logical),
        execution_date=iso(logical),
        data_interval_start=iso(start),
        data_interval_end=iso(end),
    )
    return json_response(answer)


# ---------------------------------------------------------------- writes on a run


def update_dag_run_state(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """PATCH /dags/{dag_id}/dagRuns/{dag_run_id}: set success, failed or queued."""
    dag_id, run_id = path["dag_id"], path["dag_run_id"]
    run = _get_run(ctx, dag_id, run_id, f"Dag Run id {run_id} not found in dag {dag_id}")
    _refuse_unknown_fields(body, ["state"])
    if "state" not in body:
        raise oops()  # Airflow reads post_body["state"]: KeyError (#51)
    run.set_state(body["state"])
    return json_response(run.to_dict())


def clear_dag_run(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """POST .../clear: dry run (the default) lists task instances, else the run is queued."""
    dag_id, run_id = path["dag_id"], path["dag_run_id"]
    run = _get_run(ctx, dag_id, run_id, f"Dag Run id {run_id} not found in dag   {dag_id}")
    _refuse_unknown_fields(body, ["dry_run"])
    dag = ctx.store.dags[dag_id]
    tasks = sorted(dag.tasks) if run.logical_date >= dag.start_date else []
    if body.get("dry_run", True):
        refs = [
            {
                "dag_id": dag_id,
                "dag_run_id": run_id,
                "execution_date": iso(run.logical_date),
                "task_id": task,
            }
            for task in tasks
        ]
        return json_response({"task_instances": refs})
    if tasks and run.state in FINISHED_STATES:
        run.set_state("queued")
        run.start_date = None
        run.last_scheduling_decision = None
        run.clear_number += 1
    return json_response(run.to_dict())


def set_dag_run_note(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """PATCH .../setNote: set the note (an empty string is kept as is here)."""
    dag_id, run_id = path["dag_id"], path["dag_run_id"]
    run = _get_run(ctx, dag_id, run_id, f"Dag Run id {run_id} not found in dag {dag_id}")
    errors: Dict[str, List[str]] = {}
    if isinstance(body.get("note"), str) and len(body["note"]) > MAX_NOTE:
        errors["note"] = [f"Longer than maximum length {MAX_NOTE}."]
    errors.update(inputs.unknown_fields(body, ["note"]))
    if errors:
        raise bad_request(str(errors))
    if "note" not in body:
        raise oops()  # Airflow reads post_body["note"]: KeyError (#61)
    run.note = body["note"]
    return json_response(run.to_dict())


def delete_dag_run(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """DELETE /dags/{dag_id}/dagRuns/{dag_run_id}: 204, empty body, JSON content type."""
    if not ctx.store.delete(path["dag_id"], path["dag_run_id"]):
        raise run_not_found(path["dag_id"], path["dag_run_id"], "Not Found")
    return Response(204)


# ---------------------------------------------------------------- other routes


def get_health(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """GET /health (no auth), shaped like Airflow's with no scheduler running."""
    return json_response(
        {
            "dag_processor": {"latest_dag_processor_heartbeat": None, "status": None},
            "metadatabase": {"status": "healthy"},
            "scheduler": {"latest_scheduler_heartbeat": None, "status": "unhealthy"},
            "triggerer": {"latest_triggerer_heartbeat": None, "status": None},
        }
    )


def get_version(ctx: Context, path: Dict[str, str], query: Query, body: Any) -> Response:
    """GET /version (no auth)."""
    return json_response({"git_version": "", "version": "2.11.2"})
