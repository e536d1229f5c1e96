"""Airflow 3.3's ``/api/v2`` and ``/auth`` on the mock: routing, authentication, dispatch, and the
``MockAirflow`` controls for v2 (the ``V2Controls`` mixin).

Routing is Starlette's: routes are tried in registration order on the percent-decoded path (so a
``%2F`` in a run id is a slash and matches nothing, #75); a path that matches only with another
method answers 405 with the ``allow`` of the first such route (HEAD included: FastAPI routes do
not add it, #81); anything else under ``/api`` meets the app's GET catch-all, 404
``{"error":"API route not found"}``. Then FastAPI: a JSON body is parsed first (422 on a syntax
error), then the auth dependencies (401 no/expired token, 403 bad token or role), then the
handler (``v2_endpoints``).
"""

from __future__ import annotations

import os
import secrets
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple
from urllib.parse import quote, unquote

from . import jwt, v2_endpoints
from .responses import Response
from .v2_endpoints import READ_ROLES, USERS, WRITE_ROLES, User, V2Context, V2Request
from .v2_inputs import Query, V2Error, http_error, internal_error, json_response, read_body
from .v2_state import RUN_STATES, V2Store

API_V2 = "/api/v2"
DEFAULT_V2_SPEC = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "openapi-v2.yaml")
RELAXED_RUN_ID_PATTERN = r"^.+$"
COOKIE = "_token"


@dataclass(frozen=True)
class V2Operation:
    """An endpoint: its handler and what is checked before it runs."""

    name: str
    handler: Callable[[V2Request], Response]
    write: bool = False  # needs a role that may edit (user, op, admin)
    auth: bool = True
    body: bool = False  # has a FastAPI body parameter: parsed before anything else
    validate: bool = True  # validated against openapi-v2.yaml


_RUN = ("api", "v2", "dags", "{dag_id}", "dagRuns", "{dag_run_id}")
_RUNS = ("api", "v2", "dags", "{dag_id}", "dagRuns")
_E = v2_endpoints
_O = V2Operation
ROUTES: List[Tuple[str, Tuple[str, ...], V2Operation]] = [
    (
        "GET",
        ("api", "v2", "monitor", "health"),
        _O("get_health", _E.get_health, auth=False, validate=False),
    ),  # fmt: skip
    (
        "GET",
        ("api", "v2", "version"),
        _O("get_version", _E.get_version, auth=False, validate=False),
    ),  # fmt: skip
    ("GET", _RUN, _O("get_dag_run", _E.get_dag_run)),
    ("DELETE", _RUN, _O("delete_dag_run", _E.delete_dag_run, True)),
    ("PATCH", _RUN, _O("patch_dag_run", _E.patch_dag_run, True, body=True)),
    (
        "GET",
        _RUN + ("upstreamAssetEvents",),
        _O("get_upstream_asset_events", _E.get_upstream_asset_events),
    ),  # fmt: skip
    ("POST", _RUN + ("clear",), _O("clear_dag_run", _E.clear_dag_run, True, body=True)),
    ("GET", _RUNS, _O("get_dag_runs", _E.get_dag_runs)),
    ("POST", _RUNS, _O("trigger_dag_run", _E.trigger_dag_run, True, body=True)),
    ("PATCH", _RUNS, _O("bulk_dag_runs", _E.bulk_dag_runs, True, body=True)),
    ("GET", _RUN + ("wait",), _O("wait_dag_run_until_finished", _E.wait_dag_run_until_finished)),
    ("POST", _RUNS + ("list",), _O("get_list_dag_runs_batch", _E.get_dag_runs_batch, body=True)),
    (
        "POST",
        ("api", "v2", "dags", "{dag_id}", "clearDagRuns"),
        _O("clear_dag_runs", _E.clear_dag_runs, True, body=True),
    ),  # fmt: skip
    (
        "POST",
        ("api", "v2", "dags", "{dag_id}", "clearPartitions"),
        _O("clear_dag_run_partitions", _E.clear_dag_run_partitions, True, body=True),
    ),  # fmt: skip
    ("GET", ("api", "**"), _O("api_not_found", _E.api_not_found, auth=False, validate=False)),
    ("POST", ("auth", "token"), _O("create_token", _E.create_token, auth=False)),
    (
        "GET",
        ("auth", "token"),
        _O("create_token_all_admins", _E.create_token_all_admins, auth=False, validate=False),
    ),  # fmt: skip
    (
        "GET",
        ("auth", "token", "login"),
        _O("login_all_admins", _E.create_token_all_admins, auth=False, validate=False),
    ),  # fmt: skip
    (
        "POST",
        ("auth", "token", "cli"),
        _O("create_token_cli", _E.create_token_cli, auth=False, body=True, validate=False),
    ),  # fmt: skip
    (
        "GET",
        ("auth", "**"),
        _O(
            "auth_not_found",
            lambda r: json_response({"detail": "Not Found"}, 404),
            auth=False,
            validate=False,
        ),
    ),  # fmt: skip
]


NOT_FOUND = next(op for _, _, op in ROUTES if op.name == "api_not_found")


def is_v2_path(raw_path: str) -> bool:
    """True for what Airflow 3 would serve here: ``/api/v2...`` and ``/auth...``."""
    return any(raw_path == p or raw_path.startswith(p + "/") for p in (API_V2, "/auth"))


def _match(pattern: Tuple[str, ...], segments: List[str]) -> Optional[Dict[str, str]]:
    if pattern[-1] == "**":
        if len(segments) < len(pattern) - 1 or segments[: len(pattern) - 1] != list(pattern[:-1]):
            return None
        return {}
    if len(pattern) != len(segments):
        return None
    params = {}
    for part, segment in zip(pattern, segments):
        if part.startswith("{"):
            if not segment:
                return None
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def route(method: str, path: str) -> Tuple[V2Operation, Dict[str, str]]:
    """The operation and path parameters for a decoded path; 405 (first partial match's
    ``allow``) or the no-route answer otherwise."""
    segments = path[1:].split("/") if path.startswith("/") else path.split("/")
    return route_segments(method, ["auth", ""] if path == "/auth" else segments)


def route_segments(method: str, segments: List[str]) -> Tuple[V2Operation, Dict[str, str]]:
    """``route`` for a path already split into (decoded) segments."""
    partial: Optional[str] = None
    for verb, pattern, operation in ROUTES:
        params = _match(pattern, segments)
        if params is None:
            continue
        if verb == method:
            return operation, params
        partial = partial or verb
    if partial is not None:
        raise http_error(405, "Method Not Allowed", [("allow", partial)])
    return NOT_FOUND, {}


def bearer_token(headers: Dict[str, str]) -> Optional[str]:
    """The token FastAPI's HTTPBearer/OAuth2PasswordBearer read, else the ``_token`` cookie."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


def quote_segment(segment: str) -> str:
    """Percent-encode a path segment for the spec check; `.` and `..` too, so they stay ids."""
    return "%2E" * len(segment) if segment in (".", "..") else quote(segment, safe="")


class V2Controls:
    """MockAirflow's v2 side: the store, token settings, dispatch and test controls."""

    _lock: Any
    _sleep: Callable[[float], None]
    _stopping: Any
    root_url: str

    def _init_v2(self, spec_path: Optional[str], jwt_secret: Optional[str] = None) -> None:
        from .spec import SpecValidator

        self.jwt_secret = jwt_secret or secrets.token_hex(32)  # [api_auth] jwt_secret
        self.v2_store = V2Store()
        if spec_path == DEFAULT_V2_SPEC and not os.path.exists(DEFAULT_V2_SPEC):
            spec_path = None
        self.v2_spec = SpecValidator(os.path.abspath(spec_path)) if spec_path else None
        self._reset_v2_settings()

    def _reset_v2(self) -> None:
        self.v2_store.scheduler = None
        self.v2_store.clock_offset = 0.0
        self.v2_store.reset("stock")
        self._reset_v2_settings()

    def _reset_v2_settings(self) -> None:
        secret = self.jwt_secret.encode("utf-8")
        self.v2 = V2Context(self.v2_store, secret, sleep=self._v2_sleep)
        self.v2_tokens: Dict[str, str] = {}
        self.expired_tokens: Set[str] = set()

    def _v2_sleep(self, seconds: float) -> bool:
        self._sleep(seconds)
        return not self._stopping.is_set()

    @property
    def v2_url(self) -> str:
        """The v2 API base URL, ``http://127.0.0.1:PORT/api/v2``."""
        return self.root_url + API_V2

    # ------------------------------------------------------------ tokens

    def issue_token(
        self,
        username: str = "admin",
        *,
        lifetime: Optional[float] = None,
        role: Optional[str] = None,
        issued_at: Optional[float] = None,
    ) -> str:
        """A JWT like ``POST /auth/token`` gives (``role`` defaults to the user's; ``issued_at``
        in the past makes expired tokens like the transcripts' <EXPIRED_TOKEN>)."""
        if role is None:
            role = USERS[username][1] if username in USERS else "admin"
        life = self.v2.token_lifetime if lifetime is None else lifetime
        now = self.v2_store.time() if issued_at is None else issued_at
        return jwt.issue(self.v2.secret, username, role, life, now)

    def set_token_lifetime(
        self, seconds: float = jwt.DEFAULT_LIFETIME, cli: Optional[float] = None
    ) -> None:
        """Lifetime of the tokens /auth/token issues ([api_auth] jwt_expiration_time), and of
        /auth/token/cli's (jwt_cli_expiration_time, default 3600)."""
        self.v2.token_lifetime = float(seconds)
        if cli is not None:
            self.v2.cli_token_lifetime = float(cli)

    def set_jwt_leeway(self, seconds: float = jwt.DEFAULT_LEEWAY) -> None:
        """Grace after ``exp`` ([api_auth] jwt_leeway, 10 s); 0 makes expiry immediate."""
        self.v2.leeway = float(seconds)

    def add_v2_token(self, token: str, role: str = "admin") -> None:
        """Accept a fixed ``Authorization: Bearer <token>`` on v2 with ``role``'s rights (a
        convenience: a real server accepts only its JWTs)."""
        if role not in READ_ROLES:
            raise ValueError(f"role must be one of {READ_ROLES}")
        self.v2_tokens[token] = role

    def expire_token(self, token: str) -> None:
        """From now on ``token`` gets 401 ``Token Expired`` (as if its exp had passed)."""
        claims = jwt.unverified_claims(token)
        with self._lock:
            self.expired_tokens.add(str(claims.get("jti")) if claims else token)

    def _v2_user(self, headers: Dict[str, str]) -> User:
        token = bearer_token(headers)
        if not token:
            raise http_error(401, "Not authenticated")
        if token in self.v2_tokens:
            if token in self.expired_tokens:
                raise http_error(401, "Token Expired")
            return User(self.v2_tokens[token], self.v2_tokens[token])
        try:
            claims = jwt.decode(token, self.v2.secret, self.v2.leeway, self.v2_store.time())
        except jwt.TokenExpired:
            raise http_error(401, "Token Expired") from None
        except jwt.InvalidToken:
            raise http_error(403, "Invalid JWT token") from None
        if str(claims.get("jti")) in self.expired_tokens:
            raise http_error(401, "Token Expired")
        if not isinstance(claims.get("sub"), str):
            raise http_error(403, "Invalid JWT token")
        role = claims.get("role")
        return User(claims["sub"], role if isinstance(role, str) else None)

    # ------------------------------------------------------------ settings and state

    def advance_clock(self, seconds: float) -> None:
        """Move the v2 server's clock forward (tokens age, the mock scheduler advances, new
        dates are later) without waiting; ``reset()`` puts it back."""
        with self.v2_store.lock:
            self.v2_store.clock_offset += float(seconds)

    def set_v2_run_id_pattern(self, pattern: str = _E.DEFAULT_RUN_ID_PATTERN) -> None:
        """[scheduler] allowed_run_id_pattern for v2 (``RELAXED_RUN_ID_PATTERN``: ``^.+$``)."""
        self.v2.run_id_pattern = pattern

    def set_v2_scheduler(
        self, enabled: bool = True, *, start_after: float = 0.2, run_for: float = 0.5
    ) -> None:
        """Stand in for a scheduler: queued runs start after ``start_after`` s and succeed
        ``run_for`` s later (their tasks succeed; another_dag's ``hello`` pushes "hi")."""
        self.v2_store.scheduler = (float(start_after), float(run_for)) if enabled else None

    def set_v2_seed(self, profile: str = "stock") -> None:
        """Reset the v2 store to a seed: ``"stock"`` (the server of #1-#244) or ``"sched"`` (its
        DAG versions are those of the server of #245-#268)."""
        self.v2_store.reset(profile)

    def use_sched_variant(self, *, start_after: float = 0.2, run_for: float = 0.5) -> None:
        """Configure like the server of #245-#268: its seed, a scheduler, 5-second tokens and
        run ids matching ``^.+$``."""
        self.set_v2_seed("sched")
        self.set_v2_scheduler(True, start_after=start_after, run_for=run_for)
        self.set_token_lifetime(5)
        self.set_v2_run_id_pattern(RELAXED_RUN_ID_PATTERN)

    def set_run_state(
        self, dag_id: str, run_id: str, state: str, *, results: Optional[Dict[str, Any]] = None
    ) -> Dict[str, Any]:
        """Move a v2 run as the scheduler would (running, success, failed, queued): dates, task
        instances and ``results`` (return_value XComs by task id, for ``/wait?result=``).
        Returns the run as the API shows it."""
        if state not in RUN_STATES:
            raise ValueError(f"state must be one of {RUN_STATES}")
        store = self.v2_store
        with store.lock:
            run = store.get(dag_id, run_id)
            if run is None:
                raise KeyError(f"no v2 run {dag_id}/{run_id}")
            store.run_like_scheduler(run, state, results)
            return run.to_dict(store.dags[dag_id])

    def set_xcom(self, dag_id: str, run_id: str, task_id: str, value: Any) -> None:
        """Store a task's return_value XCom (what ``/wait?result=<task_id>`` returns)."""
        with self.v2_store.lock:
            self.v2_store.xcoms[(dag_id, run_id, task_id)] = value

    def add_v2_dag(
        self,
        dag_id: str,
        tasks: Sequence[str] = ("start", "end"),
        params: Optional[Dict[str, Tuple[Any, Dict[str, Any]]]] = None,
        **options: Any,
    ) -> None:
        """Register a v2 DAG (``options``: start_date, result_tasks, partitioned)."""
        self.v2_store.add_dag(dag_id, tasks, params, **options)

    def add_v2_run(self, dag_id: str, run_id: str, **fields: Any) -> Dict[str, Any]:
        """Store one v2 run as given (run_after, logical_date, state, run_type, start_date, conf,
        note, triggered_by, ...; task instances as the DAG and ``ti_states`` say)."""
        with self.v2_store.lock:
            run = self.v2_store.add_run(dag_id, run_id, **fields)
            return run.to_dict(self.v2_store.dags[dag_id])

    def get_v2_run(self, dag_id: str, run_id: str) -> Optional[Dict[str, Any]]:
        """A v2 run as the API returns it, or None."""
        with self.v2_store.lock:
            self.v2_store.tick()
            run = self.v2_store.get(dag_id, run_id)
            return None if run is None else run.to_dict(self.v2_store.dags[dag_id])

    def v2_run_ids(self, dag_id: Optional[str] = None) -> List[str]:
        """v2 run ids in id order (of one DAG, or all)."""
        with self.v2_store.lock:
            self.v2_store.tick()
        return [r.run_id for r in self.v2_store.all_runs(None if dag_id is None else [dag_id])]

    def seed_v2_runs(self, dag_id: str, count: int, **options: Any) -> List[str]:
        """Add ``count`` v2 runs in bulk (``V2Store.seed_runs`` options). Returns their ids."""
        return self.v2_store.seed_runs(dag_id, count, **options)

    # ------------------------------------------------------------ answering

    def _answer_v2(
        self,
        method: str,
        raw_path: str,
        pairs: List[Tuple[str, str]],
        headers: List[Tuple[str, str]],
        body: bytes,
    ) -> Response:
        """The answer to a v2 request (unexpected errors give the 500 text/plain)."""
        header = {k.lower(): v for k, v in headers}
        try:
            operation, params = route(method, unquote(raw_path, errors="replace"))
            parsed = read_body(header.get("content-type"), body) if operation.body else body
            store = self.v2_store
            with store.lock:
                store.tick()
                user = None
                if operation.auth:
                    user = self._v2_user(header)
                    allowed = WRITE_ROLES if operation.write else READ_ROLES
                    if user.role not in allowed:
                        raise http_error(403, "Forbidden")
                request = V2Request(self.v2, user, params, Query(pairs), parsed, header)
                return operation.handler(request)
        except V2Error as err:
            return err.response
        except Exception:  # a bug in the mock: show it, answer like the server would
            traceback.print_exc(file=sys.stderr)
            return internal_error().response

    def _v2_spec_target(
        self, method: str, raw_path: str
    ) -> Optional[Tuple[str, Optional[Dict[str, str]]]]:
        """(normalized path, decoded path params) to validate, or None when not validated."""
        # Each segment decoded on its own, as the spec reads it: a %2F stays in its parameter.
        segments = [unquote(s, errors="replace") for s in raw_path[1:].split("/")]
        try:
            operation, params = route_segments(method, segments)
        except V2Error:
            return raw_path, None
        if not operation.validate:
            return None
        if operation.name in ("api_not_found", "auth_not_found"):
            return raw_path, None
        return "/" + "/".join(quote_segment(s) for s in segments), params
