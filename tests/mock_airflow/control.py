"""The control API under ``/_mock/`` (no auth, not logged, not validated), for ``make mock`` users.

=======  ==========================  ==================================================
method   path                        body / answer
=======  ==========================  ==================================================
POST     /_mock/reset                back to the seed
PUT      /_mock/config               {"strict_auth": bool, "run_id_pattern": str,
                                     "connection_close": bool} (any subset)
POST     /_mock/tokens               {"token": str, "role": "admin"|"viewer"}
POST     /_mock/dags                 {"dag_id", "tasks": [...], "params": {name: [default,
                                     schema]}}
POST     /_mock/runs                 {"dag_id", "run_id", "logical_date", ...DagRun fields}
POST     /_mock/seed                 {"dag_id", "count", "start", "interval_seconds",
                                     "states", "run_type", "run_id_prefix", "conf"}
GET      /_mock/runs?dag_id=...      [run, ...] (with internal "id" and "updated_at")
GET      /_mock/requests             [record, ...];  DELETE empties the log
POST     /_mock/faults               {"kind", "method", "path", "times", "status", "body",
                                     "content_type", "headers", "delay", "size", "process",
                                     "fraction"};  GET lists, DELETE clears
GET      /_mock/spec_violations      [str, ...];  DELETE clears
=======  ==========================  ==================================================

For ``/api/v2`` (Airflow 3.3; its own store, reset by ``/_mock/reset`` too):

=======  ==========================  ==================================================
method   path                        body / answer
=======  ==========================  ==================================================
PUT      /_mock/config               also {"token_lifetime": s, "cli_token_lifetime": s,
                                     "jwt_leeway": s, "v2_run_id_pattern": str,
                                     "v2_scheduler": bool | {"start_after", "run_for"},
                                     "v2_seed": "stock"|"sched", "sched_variant": true}
POST     /_mock/v2/token             {"username", "lifetime", "issued_at"} -> {"access_token"}
POST     /_mock/v2/tokens            {"token", "role"}: a fixed bearer token for v2
POST     /_mock/v2/expire_token      {"token"}: it gets 401 Token Expired from now on
POST     /_mock/v2/clock             {"advance": seconds}: the v2 clock moves forward
POST     /_mock/v2/state             {"dag_id", "run_id", "state", "results"} -> the run
POST     /_mock/v2/xcom              {"dag_id", "run_id", "task_id", "value"}
POST     /_mock/v2/dags              {"dag_id", "tasks", "params", "result_tasks", ...}
POST     /_mock/v2/runs              {"dag_id", "run_id", ...DAGRun fields} -> the run
GET      /_mock/v2/runs?dag_id=...   [run, ...] (with internal "id")
POST     /_mock/v2/seed              {"dag_id", "count", "start", "interval_seconds",
                                     "states", "run_type", "run_id_prefix", "conf"}
=======  ==========================  ==================================================
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, Tuple
from urllib.parse import parse_qs

from .inputs import parse_datetime
from .responses import Response, dumps
from .state import iso
from .v2_inputs import dumps as v2_dumps

if TYPE_CHECKING:
    from .server import MockAirflow

DATE_FIELDS = (
    "logical_date", "data_interval_start", "data_interval_end", "start_date", "end_date",
    "last_scheduling_decision", "updated_at", "run_after", "queued_at", "partition_date",
)  # fmt: skip


def _ok(data: Any = None, status: int = 200) -> Response:
    return Response(status, dumps({"ok": True} if data is None else data))


def _dates(data: Dict[str, Any]) -> Dict[str, Any]:
    """Parse the date fields of a control body."""
    return {k: parse_datetime(v) if k in DATE_FIELDS and v else v for k, v in data.items()}


def _config(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    if "strict_auth" in data:
        mock.set_strict_auth(bool(data["strict_auth"]))
    if "run_id_pattern" in data:
        mock.set_run_id_pattern(data["run_id_pattern"])
    if "connection_close" in data:
        mock.set_connection_close(bool(data["connection_close"]))
    if "v2_seed" in data:
        mock.set_v2_seed(data["v2_seed"])
    if data.get("sched_variant"):
        mock.use_sched_variant()
    if "token_lifetime" in data or "cli_token_lifetime" in data:
        mock.set_token_lifetime(
            data.get("token_lifetime", mock.v2.token_lifetime), data.get("cli_token_lifetime")
        )
    if "jwt_leeway" in data:
        mock.set_jwt_leeway(float(data["jwt_leeway"]))
    if "v2_run_id_pattern" in data:
        mock.set_v2_run_id_pattern(data["v2_run_id_pattern"])
    if "v2_scheduler" in data:
        setting = data["v2_scheduler"]
        options = setting if isinstance(setting, dict) else {}
        mock.set_v2_scheduler(bool(setting), **options)
    return _ok()


def _seed(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    """Seed runs; options the body leaves out keep `Store.seed_runs`'s defaults."""
    options = {
        name: data[name] for name in ("states", "run_type", "run_id_prefix", "conf") if name in data
    }
    if data.get("start"):
        options["start"] = parse_datetime(data["start"])
    if "interval_seconds" in data:
        options["interval"] = timedelta(seconds=float(data["interval_seconds"]))
    ids = mock.seed_runs(data["dag_id"], int(data.get("count", 1)), **options)
    return _ok({"run_ids": ids})


def _runs(mock: "MockAirflow", query: str) -> Response:
    dag_id = parse_qs(query).get("dag_id", [None])[0]
    with mock.store.lock:
        runs = [
            dict(r.to_dict(), id=r.id, updated_at=iso(r.updated_at))
            for r in mock.store.runs.values()
            if dag_id in (None, r.dag_id)
        ]
    return _ok(runs)


def _add_dag(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    params = {k: (v[0], v[1]) for k, v in (data.get("params") or {}).items()}
    mock.add_dag(data["dag_id"], data.get("tasks", ("start", "end")), params)
    return _ok()


def _add_run(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    data = _dates(data)
    return _ok(
        mock.add_run(data.pop("dag_id"), data.pop("run_id"), data.pop("logical_date"), **data)
    )


def _v2_runs(mock: "MockAirflow", query: str) -> Response:
    dag_id = parse_qs(query).get("dag_id", [None])[0]
    store = mock.v2_store
    with store.lock:
        store.tick()
        runs = [
            dict(r.to_dict(store.dags[r.dag_id]), id=r.id)
            for r in store.all_runs(None if dag_id is None else [dag_id])
        ]
    return Response(200, v2_dumps(runs))


def _v2_seed(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    names = ("states", "run_type", "run_id_prefix", "conf")
    options = {name: data[name] for name in names if name in data}
    if data.get("start"):
        options["start"] = parse_datetime(data["start"])
    if "interval_seconds" in data:
        options["interval"] = timedelta(seconds=float(data["interval_seconds"]))
    return _ok({"run_ids": mock.seed_v2_runs(data["dag_id"], int(data.get("count", 1)), **options)})


def _v2_add_run(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    data = _dates(data)
    run = mock.add_v2_run(data.pop("dag_id"), data.pop("run_id"), **data)
    return Response(200, v2_dumps(run))


def _v2_add_dag(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    params = {k: (v[0], v[1]) for k, v in (data.get("params") or {}).items()}
    options = {k: data[k] for k in ("result_tasks", "partitioned") if k in data}
    if data.get("start_date"):
        options["start_date"] = parse_datetime(data["start_date"])
    mock.add_v2_dag(data["dag_id"], data.get("tasks", ("start", "end")), params, **options)
    return _ok()


def _v2_token(mock: "MockAirflow", data: Dict[str, Any]) -> Response:
    token = mock.issue_token(
        data.get("username", "admin"), lifetime=data.get("lifetime"),
        role=data.get("role"), issued_at=data.get("issued_at"),
    )  # fmt: skip
    return _ok({"access_token": token})


def _done(action: Callable[["MockAirflow", Any], None]) -> Handler:
    """A control route that performs ``action(mock, body)`` and answers ``{"ok": true}``."""

    def handle(mock: "MockAirflow", data: Any, query: str) -> Response:
        action(mock, data)
        return _ok()

    return handle


Handler = Callable[["MockAirflow", Any, str], Response]
ROUTES: Dict[Tuple[str, str], Handler] = {
    ("POST", "reset"): _done(lambda m, d: m.reset()),
    ("PUT", "config"): lambda m, d, q: _config(m, d),
    ("POST", "tokens"): _done(lambda m, d: m.add_token(d["token"], d.get("role", "admin"))),
    ("POST", "dags"): lambda m, d, q: _add_dag(m, d),
    ("POST", "runs"): lambda m, d, q: _add_run(m, d),
    ("GET", "runs"): lambda m, d, q: _runs(m, q),
    ("POST", "seed"): lambda m, d, q: _seed(m, d),
    ("GET", "requests"): lambda m, d, q: _ok([r.to_dict() for r in m.requests]),
    ("DELETE", "requests"): _done(lambda m, d: m.clear_requests()),
    ("POST", "faults"): lambda m, d, q: _ok(m.add_fault(**d).to_dict()),
    ("GET", "faults"): lambda m, d, q: _ok([f.to_dict() for f in m.faults.active()]),
    ("DELETE", "faults"): _done(lambda m, d: m.clear_faults()),
    ("GET", "spec_violations"): lambda m, d, q: _ok([str(v) for v in m.spec_violations]),
    ("DELETE", "spec_violations"): _done(lambda m, d: m.clear_spec_violations()),
    ("POST", "v2/token"): lambda m, d, q: _v2_token(m, d),
    ("POST", "v2/tokens"): _done(lambda m, d: m.add_v2_token(d["token"], d.get("role", "admin"))),
    ("POST", "v2/expire_token"): _done(lambda m, d: m.expire_token(d["token"])),
    ("POST", "v2/clock"): _done(lambda m, d: m.advance_clock(float(d["advance"]))),
    ("POST", "v2/state"): lambda m, d, q: Response(
        200,
        v2_dumps(m.set_run_state(d["dag_id"], d["run_id"], d["state"], results=d.get("results"))),
    ),
    ("POST", "v2/xcom"): _done(
        lambda m, d: m.set_xcom(d["dag_id"], d["run_id"], d["task_id"], d.get("value"))
    ),
    ("POST", "v2/dags"): lambda m, d, q: _v2_add_dag(m, d),
    ("POST", "v2/runs"): lambda m, d, q: _v2_add_run(m, d),
    ("GET", "v2/runs"): lambda m, d, q: _v2_runs(m, q),
    ("POST", "v2/seed"): lambda m, d, q: _v2_seed(m, d),
}


def handle_control(
    mock: "MockAirflow", method: str, path: str, query: str, body: bytes
) -> Response:
    """Answer a ``/_mock/...`` request (400 with the error for a bad one)."""
    handler = ROUTES.get((method, path[len("/_mock/") :].strip("/")))
    if handler is None:
        return _ok(
            {"error": f"no control route {method} {path}", "routes": sorted(map(" ".join, ROUTES))},
            404,
        )
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
        return handler(mock, data, query)
    except (KeyError, TypeError, ValueError) as err:
        return _ok({"error": f"{type(err).__name__}: {err}"}, 400)
