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
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, Tuple
from urllib.parse import parse_qs

from .inputs import parse_datetime
from .responses import Response, dumps
from .state import iso

if TYPE_CHECKING:
    from .server import MockAirflow

DATE_FIELDS = (
    "logical_date", "data_interval_start", "data_interval_end", "start_date", "end_date",
    "last_scheduling_decision", "updated_at",
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
