"""The DAG Run endpoints of Airflow 3.3.2's ``/api/v2`` as its handlers answer them, and
``/auth/token``.

Each handler gets a ``V2Request`` (authenticated already; the body parsed as FastAPI parses it)
and returns a ``Response`` or raises ``V2Error``. Checks run in FastAPI's order: the query
parameters of each dependency in signature order (a dependency that raises, like the ``state``
filter's 422 with a string detail, answers at once), then the path, the endpoint's own query
parameters and the body, all validation errors answered together as one 422; then the handler's
own checks (404, 400, 409) and, last, the database (naive dates in filters: 500, #109).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import parse_qsl

from pydantic import TypeAdapter, ValidationError
from typing_extensions import Literal

from . import jwt, v2_cursor
from .inputs import schema_error_text
from .responses import JSON, Response
from .v2_inputs import (
    BulkBody,
    BulkDAGRunBody,
    BulkDAGRunClearBody,
    ClearPartitionsBody,
    DAGRunClearBody,
    DAGRunPatchBody,
    DAGRunsBatchBody,
    LoginBody,
    NonNegative,
    OptionalDate,
    OptionalDatetime,
    OptionalFloat,
    PositiveFloat,
    Query,
    TriggerDAGRunPostBody,
    V2Error,
    database_error,
    errors_of,
    http_error,
    internal_error,
    json_response,
    validate_body,
    validation_error,
)
from .v2_state import (
    FINISHED,
    MUTABLE_STATES,
    RUN_STATES,
    RUN_TYPES,
    SORT_ALIASES,
    SORT_FIELDS,
    UTC,
    TaskInstance,
    V2Dag,
    V2DagRun,
    V2Store,
    conf_text,
    utcnow,
    uuid7,
)

DEFAULT_RUN_ID_PATTERN = r"^[A-Za-z0-9_.~:+-]+$"
# Ids in the server's generated format are always allowed (Airflow's RUN_ID_REGEX).
RUN_ID_REGEX = (
    r"^(?:manual|scheduled|asset_triggered)__(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00)$"
)
MAX_PAGE_LIMIT = 100  # [api] maximum_page_limit
TOTAL_ENTRIES_LIMIT = 50000
MAX_SORT_PARAMS = 10
USERS = {"admin": ("admin", "admin"), "viewer": ("viewer", "viewer")}  # name: (password, role)
WRITE_ROLES = ("user", "op", "admin")
READ_ROLES = ("viewer",) + WRITE_ROLES
POLL_COST = 0.008  # the real server's database read between /wait lines (#238: +1.03, +2.04)
VERSION = {"version": "3.3.2", "git_version": ".release:aa19d2dbb9ed187ec01957a92848d9b005e9ba9d"}


@dataclass
class V2Context:
    """What handlers work on: the store and the server settings they depend on."""

    store: V2Store
    secret: bytes
    run_id_pattern: str = DEFAULT_RUN_ID_PATTERN
    token_lifetime: float = jwt.DEFAULT_LIFETIME
    cli_token_lifetime: float = jwt.CLI_LIFETIME
    leeway: float = jwt.DEFAULT_LEEWAY
    sleep: Callable[[float], bool] = lambda seconds: True  # False: the server is stopping


@dataclass
class User:
    name: str
    role: Optional[str]


@dataclass
class V2Request:
    """One request to a v2 operation, as its handler sees it."""

    ctx: V2Context
    user: Optional[User]
    params: Dict[str, str]
    query: Query
    body: Any  # parsed JSON, raw bytes (not sent as JSON) or None (empty)
    headers: Dict[str, str]  # lower-case names
    errors: List[Dict[str, Any]] = field(default_factory=list)

    def collect(self) -> None:
        """Move the query errors collected so far into ``errors``."""
        self.errors += self.query.errors
        self.query.errors = []

    def model(self, kind: Any, double: bool = False) -> Any:
        """The body validated as ``kind``; its errors join ``errors`` (twice where the server
        reports each twice: bulk and clearDagRuns, #176, #212)."""
        value, errors = validate_body(kind, self.body)
        self.errors += errors * (2 if double else 1)
        return value

    def check(self) -> None:
        """Answer 422 if any validation error was collected."""
        self.collect()
        if self.errors:
            raise validation_error(self.errors)

    @property
    def store(self) -> V2Store:
        return self.ctx.store


def run_not_found(dag_id: str, run_id: str) -> V2Error:
    return http_error(
        404, f"The DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found"
    )


def dag_not_found(dag_id: str) -> V2Error:
    return http_error(404, f"The Dag with ID: `{dag_id}` was not found")


def _get_run(
    req: V2Request, dag_id: Optional[str] = None, run_id: Optional[str] = None
) -> V2DagRun:
    dag_id = req.params["dag_id"] if dag_id is None else dag_id
    run_id = req.params["dag_run_id"] if run_id is None else run_id
    run = req.store.get(dag_id, run_id)
    if run is None:
        raise run_not_found(dag_id, run_id)
    return run


def _run_json(req: V2Request, run: V2DagRun) -> Dict[str, Any]:
    return run.to_dict(req.store.dags[run.dag_id])


# ---------------------------------------------------------------- get one, delete


def get_dag_run(req: V2Request) -> Response:
    """GET /dags/{dag_id}/dagRuns/{dag_run_id}."""
    return json_response(_run_json(req, _get_run(req)))


def delete_dag_run(req: V2Request) -> Response:
    """DELETE: 204 with an empty body and a JSON content type (#190); running: 409 (#193)."""
    run = _get_run(req)
    if run.state not in MUTABLE_STATES:
        raise http_error(
            409,
            f"The DagRun with dag_id: `{run.dag_id}` and run_id: `{run.run_id}` cannot be deleted "
            f"in {run.state} state",
        )
    req.store.delete(run)
    return Response(204, b"", JSON, [], server="uvicorn")


# ---------------------------------------------------------------- lists


def _like(pattern: str, text: str, ignore_case: bool = True) -> bool:
    """SQL LIKE (``%`` any run, ``_`` one character), case-insensitive like SQLite's."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.S | (re.I if ignore_case else 0)) is not None


def search_filter(value: Optional[str], getter: Callable[[V2DagRun], Optional[str]],
                  split: bool = True) -> Optional[Callable[[V2DagRun], bool]]:  # fmt: skip
    """A ``*_pattern`` parameter: ILIKE '%term%', ``|`` is OR (unless ``split`` is off), ``~`` is
    everything."""
    if value is None or value == "~":
        return None
    terms = value.split("|") if split else [value]

    def keep(run: V2DagRun) -> bool:
        text = getter(run)
        return text is not None and any(_like(f"%{term}%", text) for term in terms)

    return keep


def prefix_filter(value: Optional[str],
                  getter: Callable[[V2DagRun], Optional[str]],
                  split: bool = True) -> Optional[Callable[[V2DagRun], bool]]:  # fmt: skip
    """A ``*_prefix_pattern``: case-sensitive prefix, trailing non-alphanumerics stripped."""
    if value is None or value == "~":
        return None
    terms = [re.sub(r"[^0-9A-Za-z]+$", "", t) for t in (value.split("|") if split else [value])]

    def keep(run: V2DagRun) -> bool:
        text = getter(run)
        return text is not None and any(text.startswith(term) for term in terms)

    return keep


RANGE_OPS: Dict[str, Callable[[Any, Any], bool]] = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def range_filter(
    attr: str, bound: str, value: Any, now: Optional[datetime] = None
) -> Optional[Callable[[V2DagRun], bool]]:
    """RangeFilter: a falsy bound is ignored (``duration_gte=0``); NULL never matches, except
    start/end dates, where NULL means "not yet" (fact 40): it passes lower bounds, and upper
    bounds compare now."""
    if not value:
        return None
    compare = RANGE_OPS[bound]
    nullable = attr in ("start_date", "end_date")

    def keep(run: V2DagRun) -> bool:
        current = getattr(run, attr)
        if current is None:
            return nullable and (bound in ("gte", "gt") or compare(now or utcnow(), value))
        return compare(current, value)

    return keep


def _sql_key(value: Any) -> Tuple[int, Any]:
    """How SQLite orders values: NULL, then numbers, then text (dates as stored text)."""
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, float(value))
    if isinstance(value, datetime):
        return (2, value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))
    if isinstance(value, (dict, list)):
        return (2, conf_text(value))
    if isinstance(value, bytes):
        return (3, value)
    return (2, str(value))


def sort_value(run: V2DagRun, attr: str) -> Any:
    return run.duration if attr == "duration" else getattr(run, attr)


def resolve_order(values: Optional[List[str]]) -> List[Tuple[str, str, bool]]:
    """SortParam._resolve: (name, attribute, descending) per order_by value, then ``id`` with the
    direction of the first value unless already there; 400s for too many or unknown names."""
    values = values or ["id"]
    if len(values) > MAX_SORT_PARAMS:
        raise http_error(
            400,
            f"Ordering with more than {MAX_SORT_PARAMS} parameters is not allowed. "
            f"Provided: {values}",
        )
    resolved = []
    for value in values:
        name = value.lstrip("-")
        attr = SORT_ALIASES.get(name, name)
        if attr not in SORT_FIELDS:
            raise http_error(
                400,
                f"Ordering with '{attr}' is disallowed or the attribute does not exist on the "
                "model",
            )
        resolved.append((name, attr, value.startswith("-")))
    if "id" not in [attr for _, attr, _ in resolved]:
        resolved.append(("id", "id", values[0].startswith("-")))
    return resolved


def _compare(a: Sequence[Any], b: Sequence[Any], order: List[Tuple[str, str, bool]]) -> int:
    for x, y, (_, _, desc) in zip(a, b, order):
        kx, ky = _sql_key(x), _sql_key(y)
        if kx != ky:
            try:
                less = kx < ky
            except TypeError:
                less = repr(kx) < repr(ky)
            return (1 if less else -1) if desc else (-1 if less else 1)
    return 0


@dataclass
class Page:
    runs: List[V2DagRun]
    total: int
    limit_total: Optional[int] = None
    next_cursor: Optional[str] = None
    previous_cursor: Optional[str] = None

    def to_dict(self, req: V2Request) -> Dict[str, Any]:
        return {
            "dag_runs": [_run_json(req, run) for run in self.runs],
            "total_entries": self.total,
            "total_entries_limit": self.limit_total,
            "next_cursor": self.next_cursor,
            "previous_cursor": self.previous_cursor,
        }


def paginate(
    runs: List[V2DagRun],
    order_by: Optional[List[str]],
    offset: int,
    limit: int,
    cursor: Optional[str] = None,
) -> Page:
    """Sort and page like paginated_select: offset mode, or keyset mode when ``cursor`` is given
    (``""`` starts it): tokens bound to the resolved order (#98-#106)."""
    token, backward, values = "", False, None
    if cursor:
        token, backward = v2_cursor.parse(cursor)
        try:
            values = v2_cursor.decode(token)
        except v2_cursor.CursorError as err:
            raise http_error(400, str(err)) from None
    order = resolve_order(order_by)
    if values is not None and len(values) != len(order):
        raise http_error(400, "Cursor token does not match current query shape")

    def row(run: V2DagRun) -> List[Any]:
        return [sort_value(run, attr) for _, attr, _ in order]

    ordered = sorted(runs, key=functools.cmp_to_key(lambda a, b: _compare(row(a), row(b), order)))
    if cursor is None:
        return Page(ordered[offset : offset + limit], len(runs))
    total = min(len(runs), TOTAL_ENTRIES_LIMIT)
    if values is None:
        after, before = ordered, []
    else:
        after = [r for r in ordered if _compare(row(r), values, order) > 0]
        before = [r for r in ordered if _compare(row(r), values, order) < 0]
    if backward:
        page = before[-limit:] if limit else []
        more_before, more_after = len(before) > limit, True
    else:
        page = after[:limit]
        more_before, more_after = values is not None, len(after) > limit
    if not page:
        return Page([], total, TOTAL_ENTRIES_LIMIT)
    next_cursor = v2_cursor.encode(_cursor_values(page[-1], order)) if more_after else None
    previous = None
    if more_before:
        previous = v2_cursor.BACKWARD + v2_cursor.encode(_cursor_values(page[0], order))
    return Page(page, total, TOTAL_ENTRIES_LIMIT, next_cursor, previous)


def _cursor_values(run: V2DagRun, order: List[Tuple[str, str, bool]]) -> List[Any]:
    values = []
    for _, attr, _ in order:
        value = sort_value(run, attr)
        values.append(value.astimezone(UTC) if isinstance(value, datetime) else value)
    return values


def _state_filter(raw: Optional[List[str]], name: str, allowed: Sequence[str]) -> Optional[set]:
    """The run_type/state dependencies: ``none`` is NULL, anything else unknown is a 422 with a
    string detail (#120, #123)."""
    if not raw:
        return None
    chosen = set()
    for value in raw:
        if value == "none":
            chosen.add(None)
        elif value in allowed:
            chosen.add(value)
        else:
            raise http_error(
                422, f"Invalid value for {name}. Valid values are {', '.join(allowed)}"
            )
    return chosen


def _check_naive(bounds: Sequence[Any]) -> None:
    """Naive or date-only bounds fail in the database layer: the 500 of #109/#110."""
    for value in bounds:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise database_error("Database error", 500)


def get_dag_runs(req: V2Request) -> Response:
    """GET /dags/{dag_id}/dagRuns (``~``: every DAG), offset or cursor paging."""
    q = req.query
    limit = min(q.value("limit", NonNegative, 50), MAX_PAGE_LIMIT)
    offset = q.value("offset", NonNegative, 0)
    filters: List[Optional[Callable[[V2DagRun], bool]]] = []
    dates: List[Any] = []
    for attr, kind in (("run_after", OptionalDatetime), ("logical_date", OptionalDatetime),
                       ("start_date", OptionalDatetime), ("end_date", OptionalDatetime),
                       ("duration", OptionalFloat), ("updated_at", OptionalDatetime)):  # fmt: skip
        for bound in ("gte", "gt", "lte", "lt"):
            value = q.value(f"{attr}_{bound}", kind)
            dates.append(value)
            filters.append(range_filter(attr, bound, value, req.store.now()))
    conf_contains = q.value("conf_contains", Optional[str])
    if conf_contains is not None:
        filters.append(lambda r: _like(f"%{conf_contains}%", conf_text(r.conf)))
    run_types = _state_filter(q.values("run_type"), "run type", RUN_TYPES)
    states = _state_filter(q.values("state"), "state", RUN_STATES)
    versions = q.values("dag_version", int)
    bundle_version = q.value("bundle_version", Optional[str])
    order_by = q.values("order_by") or ["id"]
    names = (
        "run_id_pattern", "run_id_prefix_pattern", "triggering_user_name_pattern",
        "triggering_user_name_prefix_pattern", "dag_id_pattern", "dag_id_prefix_pattern",
        "partition_key_pattern", "partition_key_prefix_pattern", "consuming_asset_pattern",
    )  # fmt: skip
    patterns = {name: q.value(name, Optional[str]) for name in names}
    req.collect()
    partition_gte = q.value("partition_date_gte", OptionalDate)
    partition_lte = q.value("partition_date_lte", OptionalDate)
    cursor = q.value("cursor", Optional[str])
    req.check()

    dag_id = req.params["dag_id"]
    if dag_id != "~" and dag_id not in req.store.dags:
        raise dag_not_found(dag_id)
    if partition_gte is not None or partition_lte is not None:
        if dag_id == "~":
            raise http_error(
                400, "partition_date_gte and partition_date_lte require a specific dag_id."
            )
        if not req.store.dags[dag_id].partitioned:
            raise http_error(
                400,
                f"Dag with dag_id: '{dag_id}' is not partitioned; partition_date_gte and "
                "partition_date_lte are not supported.",
            )
    if run_types is not None:
        filters.append(lambda r: r.run_type in run_types)
    if states is not None:
        filters.append(lambda r: r.state in states)
    if versions is not None:
        filters.append(lambda r: req.store.dags[r.dag_id].version.version_number in versions)
    if bundle_version is not None:
        filters.append(lambda r: r.bundle_version == bundle_version)
    filters += [
        search_filter(patterns["run_id_pattern"], lambda r: r.run_id),
        prefix_filter(patterns["run_id_prefix_pattern"], lambda r: r.run_id),
        search_filter(patterns["triggering_user_name_pattern"], lambda r: r.triggering_user_name),
        prefix_filter(
            patterns["triggering_user_name_prefix_pattern"], lambda r: r.triggering_user_name
        ),  # fmt: skip
        search_filter(patterns["dag_id_pattern"], lambda r: r.dag_id),
        prefix_filter(patterns["dag_id_prefix_pattern"], lambda r: r.dag_id),
        search_filter(patterns["partition_key_pattern"], lambda r: r.partition_key, split=False),
        prefix_filter(patterns["partition_key_prefix_pattern"], lambda r: r.partition_key, False),
    ]
    asset = patterns["consuming_asset_pattern"]
    if asset is not None:
        needle = asset.lower()
        filters.append(
            lambda r: any(needle in t.lower() for t in req.store.consumed_asset_texts(r))
        )
    if partition_gte is not None or partition_lte is not None:
        filters.append(lambda r: _partition_in(r, partition_gte, partition_lte))
    page = _page(req, None if dag_id == "~" else [dag_id], filters, order_by, offset, limit,
                 cursor, dates)  # fmt: skip
    return json_response(page.to_dict(req))


def _partition_in(run: V2DagRun, low: Any, high: Any) -> bool:
    if run.partition_date is None:
        return False
    day = run.partition_date.date()
    return (low is None or day >= low) and (high is None or day <= high)


def _page(req: V2Request, dag_ids: Optional[List[str]], filters: List[Any], order_by: Any,
          offset: int, limit: int, cursor: Optional[str], dates: List[Any]) -> Page:  # fmt: skip
    """Order, cursor and filters checked (400s), then the query runs (naive dates: 500)."""
    resolve_order(order_by)
    if cursor:
        paginate([], order_by, 0, 0, cursor)
    _check_naive(dates)
    active = [f for f in filters if f is not None]
    runs = [r for r in req.store.all_runs(dag_ids) if all(keep(r) for keep in active)]
    return paginate(runs, order_by, offset, limit, cursor)


def get_dag_runs_batch(req: V2Request) -> Response:
    """POST /dags/~/dagRuns/list: a body of filters, ``page_limit`` not clamped (#143)."""
    try:
        TypeAdapter(Literal["~"]).validate_python(req.params["dag_id"])
    except ValidationError as exc:
        req.errors += errors_of(exc, "path", "dag_id")
    body: DAGRunsBatchBody = req.model(DAGRunsBatchBody)
    req.check()
    filters: List[Any] = []
    for attr in ("run_after", "logical_date", "start_date", "end_date", "duration"):
        for bound in ("gte", "gt", "lte", "lt"):
            value = getattr(body, f"{attr}_{bound}")
            filters.append(range_filter(attr, bound, value, req.store.now()))
    if body.states is not None:
        states = {None if s is None else s.value for s in body.states}
        filters.append(lambda r: r.state in states)
    if body.conf_contains is not None:
        filters.append(lambda r: _like(f"%{body.conf_contains}%", conf_text(r.conf)))
    order_by = [body.order_by] if body.order_by else None
    page = _page(req, body.dag_ids, filters, order_by, body.page_offset, body.page_limit, None, [])
    return json_response(page.to_dict(req))


# ---------------------------------------------------------------- trigger


def _check_params(dag: V2Dag, conf: Dict[str, Any]) -> None:
    """ParamsDict.validate: the first param whose value breaks its schema is a 400 (#50, #51)."""
    from jsonschema import FormatChecker, validate
    from jsonschema import ValidationError as SchemaError

    for name, (default, schema) in dag.params.items():
        try:
            validate(conf.get(name, default), schema, format_checker=FormatChecker())
        except SchemaError as err:
            text = schema_error_text(err.message, str(err.validator), err.schema, err.instance)
            raise http_error(400, f"Invalid input for param {name}: {text}") from None


def _reserved_type(run_id: str) -> str:
    for run_type in RUN_TYPES:
        if run_id.startswith(f"{run_type}__"):
            return run_type
    return "manual"


def trigger_dag_run(req: V2Request) -> Response:
    """POST /dags/{dag_id}/dagRuns: 200 with the run; the answer keeps the offsets sent (#24)."""
    body: TriggerDAGRunPostBody = req.model(TriggerDAGRunPostBody)
    req.check()
    dag_id = req.params["dag_id"]
    dag = req.store.dags.get(dag_id)
    if dag is None:
        raise http_error(404, f"Dag with dag_id: '{dag_id}' not found")
    if body.partition_key is not None and not dag.partitioned:
        raise http_error(
            400,
            f"Dag '{dag_id}' is not a partitioned Dag and does not accept a partition_key.",
        )
    logical = body.logical_date
    run_after = body.run_after or req.store.now()
    if run_after.tzinfo is None:
        run_after = run_after.replace(tzinfo=UTC)
    start = end = None
    if logical is not None:
        start, end = logical, logical
        if body.data_interval_start is not None and body.data_interval_end is not None:
            start, end = body.data_interval_start, body.data_interval_end
    run_id = body.dag_run_id or f"manual__{run_after.isoformat()}"
    if ".." in run_id:
        raise http_error(
            400, f"The run_id '{run_id}' must not contain '..' to prevent path traversal"
        )
    reserved = _reserved_type(run_id)
    if reserved != "manual":
        raise http_error(
            400,
            f"A manual DAG run cannot use ID {run_id!r} since it is reserved for {reserved} runs",
        )
    conf = body.conf or {}
    _check_params(dag, conf)
    pattern = req.ctx.run_id_pattern
    if not re.match(RUN_ID_REGEX, run_id) and not (pattern and re.match(pattern.strip(), run_id)):
        raise http_error(
            400,
            f"The run_id provided '{run_id}' does not match regex pattern '{pattern}' or "
            f"'{RUN_ID_REGEX}'",
        )
    stored_logical = None if logical is None else logical.astimezone(UTC)
    if req.store.find_conflict(dag_id, run_id, stored_logical) is not None:
        raise database_error("Unique constraint violation", 409)
    now = req.store.now()
    run = req.store.add_run(
        dag_id, run_id, run_after=run_after, logical_date=logical, data_interval_start=start,
        data_interval_end=end, queued_at=now, state="queued", run_type="manual",
        triggered_by="ui" if req.headers.get("referer") else "rest_api",
        triggering_user_name=req.user.name if req.user else None, conf=conf,
        note=body.note or None, partition_key=body.partition_key, updated_at=now,
    )  # fmt: skip
    answer = _run_json(req, run)
    answer.update(logical_date=logical, data_interval_start=start, data_interval_end=end,
                  run_after=run_after)  # fmt: skip
    return json_response(answer)


# ---------------------------------------------------------------- patch, bulk


def _set_note(req: V2Request, run: V2DagRun, note: Optional[str]) -> None:
    """patch_dag_run_note: an empty note removes it."""
    run.note = note or None
    run.updated_at = req.store.now()


def patch_dag_run(req: V2Request) -> Response:
    """PATCH /dags/{dag_id}/dagRuns/{dag_run_id}: ``update_mask`` limits the fields (#165)."""
    mask = req.query.values("update_mask")
    body: DAGRunPatchBody = req.model(DAGRunPatchBody)
    req.check()
    run = _get_run(req)
    fields = set(body.model_fields_set)
    if mask:
        fields &= set(mask)
    if "state" in fields and body.state is not None:
        req.store.move(run, body.state.value)
    if "note" in fields:
        _set_note(req, run, body.note)
    return json_response(_run_json(req, run))


def bulk_dag_runs(req: V2Request) -> Response:
    """PATCH /dags/{dag_id}/dagRuns: per-action results and errors inside a 200 (#173-#188)."""
    body = req.model(BulkBody[BulkDAGRunBody], double=True)
    req.check()
    results: Dict[str, Dict[str, List[Any]]] = {}
    for action in body.actions:
        result = results.setdefault(action.action.value, {"success": [], "errors": []})
        if action.action.value == "create":
            result["errors"].append({
                "error": "Dag Runs bulk create is not supported. Use the trigger Dag Run "
                "endpoint instead.",
                "status_code": 405,
            })  # fmt: skip
        elif action.action.value == "update":
            _bulk_update(req, action, result)
        else:
            _bulk_delete(req, action, result)
    answer = {name: results.get(name) for name in ("create", "update", "delete")}
    return json_response(answer)


def _entity_key(
    req: V2Request, entity: Any, result: Dict[str, List[Any]]
) -> Optional[Tuple[str, str]]:
    path_dag = req.params["dag_id"]
    if isinstance(entity, str):
        dag_id, run_id = path_dag, entity
    else:
        dag_id, run_id = entity.dag_id or path_dag, entity.dag_run_id
    if dag_id == "~" or run_id == "~":
        if isinstance(entity, str):
            error = ("When using wildcard in path, dag_id must be specified in BulkDAGRunBody "
                     f"object, not as string for dag_run_id: {entity}")  # fmt: skip
        else:
            error = ("When using wildcard in path, dag_id must be specified in request body for "
                     f"dag_run_id: {entity.dag_run_id}")  # fmt: skip
        result["errors"].append({"error": error, "status_code": 400})
        return None
    return dag_id, run_id


def _missing(req: V2Request, keys: Sequence[Tuple[str, str]], fail: bool,
             result: Dict[str, List[Any]]) -> Optional[set]:  # fmt: skip
    """The keys that exist; None (and a 404 entry) when some are missing and the action fails."""
    found = {key for key in keys if req.store.get(*key) is not None}
    missing = set(keys) - found
    if fail and missing:
        result["errors"].append({
            "error": f"The DagRuns with these identifiers: {sorted(missing)} were not found",
            "status_code": 404,
        })  # fmt: skip
        return None
    return found


def _bulk_update(req: V2Request, action: Any, result: Dict[str, List[Any]]) -> None:
    entities: Dict[Tuple[str, str], Any] = {}
    for entity in action.entities:
        key = _entity_key(req, entity, result)
        if key is not None:
            entities[key] = entity
    if not entities:
        return
    found = _missing(req, list(entities), action.action_on_non_existence.value == "fail", result)
    if found is None:
        return
    for key, entity in entities.items():
        if key not in found:
            continue
        run = req.store.get(*key)
        if entity.state is not None:  # update_mask is accepted and ignored (#177, #178)
            req.store.move(run, entity.state.value)
        if entity.note is not None:
            _set_note(req, run, entity.note)
        result["success"].append(f"{key[0]}.{key[1]}")


def _bulk_delete(req: V2Request, action: Any, result: Dict[str, List[Any]]) -> None:
    keys = []
    for entity in action.entities:
        key = _entity_key(req, entity, result)
        if key is not None and key not in keys:
            keys.append(key)
    if not keys:
        return
    found = _missing(req, keys, action.action_on_non_existence.value == "fail", result)
    if found is None:
        return
    for dag_id, run_id in sorted(found):
        run = req.store.get(dag_id, run_id)
        if run.state not in MUTABLE_STATES:
            result["errors"].append({
                "error": f"The DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` cannot be "
                f"deleted in {run.state} state",
                "status_code": 409,
            })  # fmt: skip
            continue
        req.store.delete(run)
        result["success"].append(f"{dag_id}.{run_id}")


# ---------------------------------------------------------------- clear


def _to_clear(run: V2DagRun, only_failed: bool) -> List[TaskInstance]:
    if only_failed:
        return [ti for ti in run.tis if ti.state in ("failed", "upstream_failed")]
    return list(run.tis)


def _dry_run(req: V2Request, run: V2DagRun, only_failed: bool, only_new: bool) -> List[Any]:
    dag = req.store.dags[run.dag_id]
    if only_new:
        existing = {ti.task.task_id for ti in run.tis}
        return [{"task_id": t, "task_display_name": t}
                for t in sorted(set(dag.task_ids) - existing)]  # fmt: skip
    return [ti.to_dict(run, dag) for ti in _to_clear(run, only_failed)]


def _perform_clear(req: V2Request, run: V2DagRun, options: Any) -> None:
    """dag.clear: the chosen task instances (only_new: the DAG's new tasks) are reset and the
    run queued again; a run with none is left as it is. A note is set in any case."""
    store = req.store
    if options.only_new:
        dag = store.dags[run.dag_id]
        existing = {ti.task.task_id for ti in run.tis}
        new = [TaskInstance(uuid7(store.time()), t) for t in dag.tasks if t.task_id not in existing]
        run.tis += new
        store.clear(run, new)
    else:
        store.clear(run, _to_clear(run, options.only_failed))
    if options.note is not None:
        _set_note(req, run, options.note)


def clear_dag_run(req: V2Request) -> Response:
    """POST .../clear: dry run (the default) lists full task instances (#198), else the run."""
    body: DAGRunClearBody = req.model(DAGRunClearBody)
    req.check()
    run = _get_run(req)
    if body.dry_run:
        items = _dry_run(req, run, body.only_failed, body.only_new)
        return json_response({"task_instances": items, "total_entries": len(items)})
    _perform_clear(req, run, body)
    return json_response(_run_json(req, run))


def _has_selectors(body: Any) -> bool:
    return (
        body.partition_key is not None
        or body.partition_date_start is not None
        or body.partition_date_end is not None
    )


def _partition_runs(req: V2Request, dag_id: str, body: Any) -> List[V2DagRun]:
    """Runs of a DAG picked by partition key or partition date window."""
    if body.partition_key is not None:
        return [r for r in req.store.all_runs([dag_id]) if r.partition_key == body.partition_key]
    low, high = body.partition_date_start, body.partition_date_end
    low = low.replace(tzinfo=UTC) if low is not None and low.tzinfo is None else low
    high = high.replace(tzinfo=UTC) if high is not None and high.tzinfo is None else high
    return [
        r for r in req.store.all_runs([dag_id])
        if r.partition_date is not None and (low is None or r.partition_date >= low)
        and (high is None or r.partition_date <= high)
    ]  # fmt: skip


def clear_dag_runs(req: V2Request) -> Response:
    """POST /dags/{dag_id}/clearDagRuns: several runs, or a DAG's partitions (#207-#217)."""
    body: BulkDAGRunClearBody = req.model(BulkDAGRunClearBody, double=True)
    req.check()
    dag_id = req.params["dag_id"]
    if dag_id == "~" and _has_selectors(body):
        raise http_error(
            400, "Partition selectors require a concrete dag_id; '~' is not supported."
        )
    keys = []
    for entry in body.dag_runs:
        if dag_id == "~" and not entry.dag_id:
            raise http_error(
                400,
                "When the URL dag_id is '~', every entry must provide a concrete dag_id "
                f"(missing on dag_run_id: {entry.dag_run_id!r}).",
            )
        if dag_id != "~" and entry.dag_id is not None and entry.dag_id != dag_id:
            raise http_error(
                400, f"Entry dag_id {entry.dag_id!r} does not match the URL dag_id {dag_id!r}."
            )
        keys.append((entry.dag_id or dag_id, entry.dag_run_id))
    if body.dag_runs:
        runs = [_get_run(req, *key) for key in keys]
    elif dag_id not in req.store.dags:
        raise dag_not_found(dag_id)
    else:
        runs = _partition_runs(req, dag_id, body)
    if body.dry_run:
        items = [item for run in runs for item in _dry_run(req, run, body.only_failed,
                                                           body.only_new)]  # fmt: skip
        return json_response({"task_instances": items, "total_entries": len(items)})
    for run in runs:
        _perform_clear(req, run, body)
    page = Page(runs, len(runs))
    return json_response(page.to_dict(req))


def clear_dag_run_partitions(req: V2Request) -> Response:
    """POST /dags/{dag_id}/clearPartitions: counts; dry run by default (#219-#226)."""
    body: ClearPartitionsBody = req.model(ClearPartitionsBody)
    req.check()
    dag_id = req.params["dag_id"]
    if dag_id not in req.store.dags:
        raise dag_not_found(dag_id)
    if body.run_id is not None:
        run = req.store.get(dag_id, body.run_id)
        runs = [] if run is None else [run]
    else:
        runs = _partition_runs(req, dag_id, body)
    partitioned = [r for r in runs if r.partition_key is not None or r.partition_date is not None]
    tis = sum(len(r.tis) for r in runs) if body.clear_task_instances else 0
    if not body.dry_run:
        for run in partitioned:
            run.partition_key = run.partition_date = None
        if body.clear_task_instances:
            for run in runs:
                req.store.clear(run, list(run.tis))
    return json_response(
        {
            "dag_runs_cleared": len(partitioned),
            "task_instances_cleared": tis,
            "dry_run": body.dry_run,
        }  # fmt: skip
    )


# ---------------------------------------------------------------- assets, wait


def get_upstream_asset_events(req: V2Request) -> Response:
    """GET .../upstreamAssetEvents; a created run with no start date cannot be served (#233)."""
    run = _get_run(req)
    events = []
    for event in req.store.consumed_events(run):
        item, servable = req.store.event_dict(event)
        if not servable:
            raise internal_error()
        events.append(item)
    return json_response({"asset_events": events, "total_entries": len(events)})


class StreamAborted(Exception):
    """The stream fails after it started (its run vanished): the connection is closed."""


class WaitStream:
    """The lines of GET .../wait: ``json.dumps`` of the state (with spaces), the first at once,
    then one per ``interval`` until a finished state, whose line carries ``results`` (#237-#251).
    """

    def __init__(self, ctx: V2Context, dag_id: str, run_id: str, interval: float,
                 task_ids: Optional[List[str]]) -> None:  # fmt: skip
        self.ctx, self.dag_id, self.run_id = ctx, dag_id, run_id
        self.interval, self.task_ids = interval, task_ids
        self.finished = False  # the line last yielded is the final one

    def _line(self) -> Tuple[bytes, bool]:
        store = self.ctx.store
        with store.lock:
            store.tick()
            run = store.get(self.dag_id, self.run_id)
            if run is None:
                raise StreamAborted(self.run_id)
            answer: Dict[str, Any] = {"state": run.state}
            finished = run.state in FINISHED
            if finished:
                results = store.results(run, self.task_ids)
                if results:
                    answer["results"] = results
        return json.dumps(answer).encode("utf-8"), finished

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line, self.finished = self._line()
            yield line
            if self.finished or not self.ctx.sleep(self.interval + POLL_COST):
                return


def wait_dag_run_until_finished(req: V2Request) -> Response:
    """GET .../wait: 200, no Content-Type, chunked NDJSON (#237); 404 before streaming (#241)."""
    q = req.query
    interval = q.value("interval", PositiveFloat, required=True)
    task_ids = q.values("result")
    req.check()
    run = _get_run(req)
    stream = WaitStream(req.ctx, run.dag_id, run.run_id, interval, task_ids)
    return Response(200, b"", None, [("vary", "Accept-Encoding")], server="uvicorn", stream=stream)


# ---------------------------------------------------------------- other routes


def get_health(req: V2Request) -> Response:
    """GET /api/v2/monitor/health (no auth, #20)."""
    scheduler: Dict[str, Any] = {"status": "unhealthy", "latest_scheduler_heartbeat": None}
    if req.store.scheduler is not None:
        scheduler = {"status": "healthy", "latest_scheduler_heartbeat": req.store.now()}
    return json_response({
        "metadatabase": {"status": "healthy"},
        "scheduler": scheduler,
        "triggerer": {"status": None, "latest_triggerer_heartbeat": None},
        "dag_processor": {"status": None, "latest_dag_processor_heartbeat": None},
    })  # fmt: skip


def get_version(req: V2Request) -> Response:
    return json_response(VERSION)


def api_not_found(req: V2Request) -> Response:
    """The app's GET catch-all for /api/... (#75, #79)."""
    return json_response({"error": "API route not found"}, 404)


# ---------------------------------------------------------------- /auth/token


def _login(req: V2Request, body: Any, lifetime: float) -> Response:
    """SimpleAuthManagerLogin.create_token: 400 for empty strings, 401 for a wrong pair."""
    if not body.username or not body.password:
        raise http_error(400, "Username and password must be provided")
    entry = USERS.get(body.username)
    if entry is None or entry[0] != body.password:
        raise http_error(401, "Invalid credentials")
    token = jwt.issue(req.ctx.secret, body.username, entry[1], lifetime, req.store.time())
    return json_response({"access_token": token}, 201)


def create_token(req: V2Request) -> Response:
    """POST /auth/token: JSON (also without Content-Type) or a form (#1-#10)."""
    content_type = req.headers.get("content-type", "application/json")
    raw = req.body if isinstance(req.body, bytes) else b""
    try:
        if content_type.startswith("application/json"):
            data = json.loads(raw)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
            data = {"username": form.get("username"), "password": form.get("password")}
        else:
            raise http_error(
                415, "Only application/json or application/x-www-form-urlencoded is supported"
            )
        body = LoginBody(**data)
    except ValidationError as exc:
        raise http_error(422, repr(exc)) from None
    except V2Error:
        raise
    except Exception:  # a body that is not JSON, or not an object
        raise internal_error() from None
    return _login(req, body, req.ctx.token_lifetime)


def create_token_cli(req: V2Request) -> Response:
    """POST /auth/token/cli: a FastAPI JSON body, tokens of jwt_cli_expiration_time (#12)."""
    body = req.model(LoginBody)
    req.check()
    return _login(req, body, req.ctx.cli_token_lifetime)


def create_token_all_admins(req: V2Request) -> Response:
    """GET /auth/token (#11)."""
    raise http_error(
        403, "This method is only allowed if ``[core] simple_auth_manager_all_admins`` is True"
    )
