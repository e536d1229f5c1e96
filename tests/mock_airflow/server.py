"""The mock Airflow HTTP server and its Python controller ``MockAirflow``.

Requests go through the same stages as on Airflow 2.11's webserver: routing on the
percent-decoded path (404/405), connexion's body and query checks (415/400), authentication and
authorization (401/403), then the endpoint (``endpoints``). Each request under ``/api/v1`` is
logged, may hit an injected fault (``faults``) and is validated against openapi.yaml (``spec``).
Requests under ``/api/v2`` and ``/auth`` are Airflow 3.3's (``v2_server``): logged, faulted and
validated against openapi-v2.yaml the same way, answered with uvicorn's headers. Paths under
``/_mock/`` are the control API (``control``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import io
import json
import os
import socket
import struct
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple
from urllib.parse import parse_qsl, quote, unquote

from . import endpoints, faults, inputs
from .control import handle_control
from .endpoints import DEFAULT_RUN_ID_PATTERN, Context
from .faults import Fault, FaultSet
from .inputs import Query
from .responses import (
    HTML,
    ApiError,
    Response,
    method_not_allowed,
    no_route,
    oops,
    problem,
    reason,
)
from .spec import SpecRequest, SpecValidator, SpecViolation
from .state import Store
from .v2_endpoints import StreamAborted
from .v2_server import DEFAULT_V2_SPEC, V2Controls, bearer_token, is_v2_path

API_PREFIX = "/api/v1"
MOCK_TOKEN = "mock-token"
USERS = {"admin": ("admin", "admin"), "viewer": ("viewer", "viewer")}
DEFAULT_SPEC = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "openapi.yaml")

Handler = Callable[[Context, Dict[str, str], Query, Any], Response]


@dataclass(frozen=True)
class Operation:
    """An endpoint: its handler and what is checked before it runs."""

    name: str
    handler: Handler
    write: bool = False  # needs a role that may edit (admin)
    auth: bool = True
    body: Optional[Sequence[Tuple[str, Dict[str, Any]]]] = None  # connexion body schema
    query: Optional[Callable[[Query], Any]] = None  # connexion query checks
    validate: bool = True  # validated against openapi.yaml


_E = endpoints
_I = inputs
ROUTES: List[Tuple[Tuple[str, ...], Dict[str, Operation]]] = [
    (("health",), {"GET": Operation("get_health", _E.get_health, auth=False, validate=False)}),
    (("version",), {"GET": Operation("get_version", _E.get_version, auth=False, validate=False)}),
    (
        ("dags", "~", "dagRuns", "list"),
        {"POST": Operation("get_dag_runs_batch", _E.get_dag_runs_batch, body=_I.BATCH_FORM_BODY)},
    ),
    (
        ("dags", "{dag_id}", "dagRuns"),
        {
            "GET": Operation("get_dag_runs", _E.get_dag_runs, query=_E.list_query),
            "POST": Operation("post_dag_run", _E.post_dag_run, True, body=_I.DAG_RUN_BODY),
        },
    ),
    (
        ("dags", "{dag_id}", "dagRuns", "{dag_run_id}"),
        {
            "GET": Operation("get_dag_run", _E.get_dag_run),
            "PATCH": Operation(
                "update_dag_run_state", _E.update_dag_run_state, True, body=_I.UPDATE_STATE_BODY
            ),
            "DELETE": Operation("delete_dag_run", _E.delete_dag_run, True),
        },
    ),
    (
        ("dags", "{dag_id}", "dagRuns", "{dag_run_id}", "clear"),
        {"POST": Operation("clear_dag_run", _E.clear_dag_run, True, body=_I.CLEAR_BODY)},
    ),
    (
        ("dags", "{dag_id}", "dagRuns", "{dag_run_id}", "setNote"),
        {"PATCH": Operation("set_dag_run_note", _E.set_dag_run_note, True, body=_I.SET_NOTE_BODY)},
    ),
    (
        ("dags", "{dag_id}", "dagRuns", "{dag_run_id}", "upstreamDatasetEvents"),
        {"GET": Operation("get_upstream_dataset_events", _E.get_upstream_dataset_events)},
    ),
]


def route(method: str, path: str) -> Tuple[Operation, Dict[str, str]]:
    """Werkzeug-like routing of a decoded path: (operation, path params).

    Raises the no-route 404, or 405 when the path matches only routes without ``method``
    (HEAD is served by GET).
    """
    if not path.startswith(API_PREFIX + "/"):
        raise no_route()
    return route_segments(method, path[len(API_PREFIX) + 1 :].split("/"))


def route_segments(method: str, segments: List[str]) -> Tuple[Operation, Dict[str, str]]:
    """``route`` for a path already split into (decoded) segments after ``/api/v1/``."""
    wanted = "GET" if method == "HEAD" else method
    matched = False
    for pattern, operations in ROUTES:
        params = _match(pattern, segments)
        if params is None:
            continue
        matched = True
        if wanted in operations:
            return operations[wanted], params
    raise method_not_allowed() if matched else no_route()


def allowed_methods(path: str) -> List[str]:
    """Every method some route serves for ``path`` (for OPTIONS)."""
    segments = path[len(API_PREFIX) + 1 :].split("/") if path.startswith(API_PREFIX + "/") else []
    methods: Set[str] = set()
    for pattern, operations in ROUTES:
        if segments and _match(pattern, segments) is not None:
            methods.update(operations)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"}) if methods else []


def _match(pattern: Tuple[str, ...], segments: List[str]) -> Optional[Dict[str, str]]:
    """Path parameters if ``segments`` fit ``pattern`` (a variable is one non-empty segment)."""
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


def basic_role(header: Optional[str], tokens: Dict[str, str]) -> Optional[str]:
    """The role ('admin' or 'viewer') the Authorization header proves, or None."""
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return tokens.get(credentials)
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if user in USERS and USERS[user][1] == password:
        return user
    return None


@dataclass
class RequestRecord:
    """A request the server received (API requests only, not ``/_mock``)."""

    method: str
    path: str  # as sent, without the query string
    query: str  # raw query string
    headers: List[Tuple[str, str]]
    body: bytes
    time: float
    status: Optional[int] = None  # None when no answer was sent (drop/reset faults)
    fault: Optional[str] = None
    client: Tuple[str, int] = ("", 0)  # the client's address: one per connection

    def header(self, name: str) -> Optional[str]:
        """A header's value (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body.decode("utf-8"))

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-able form (body as text) for the control API."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": [list(h) for h in self.headers],
            "body": self.body.decode("utf-8", "replace"),
            "time": self.time,
            "status": self.status,
            "fault": self.fault,
            "client": list(self.client),
        }


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    mock: "MockAirflow"


class _Handler(BaseHTTPRequestHandler):
    """One connection; requests on it are answered in turn (keep-alive)."""

    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.mock._lock:
            self.server.mock._connections[self.connection] = threading.current_thread()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            with self.server.mock._lock:
                self.server.mock._connections.pop(self.connection, None)

    def version_string(self) -> str:
        return "gunicorn"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.mock.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = do_GET  # noqa: N815

    # ------------------------------------------------------------ request handling

    def _read_body(self) -> bytes:
        """The request body (Content-Length or chunked)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: List[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError(length)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        mock = self.server.mock
        raw_path, _, query = self.path.partition("?")
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400, "Bad request body framing")
            return
        headers = list(self.headers.items())
        if raw_path == "/_mock" or raw_path.startswith("/_mock/"):
            self._send(handle_control(mock, self.command, raw_path, query, body))
            return
        record = mock._log(self.command, raw_path, query, headers, body, self.client_address)
        fault = mock.faults.take(self.command, raw_path)
        if fault is not None:
            record.fault = fault.kind
        pairs = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace")
        mock._check_spec(self.command, raw_path, query, pairs, headers, body)
        answer = mock._answer_v2 if is_v2_path(raw_path) else mock._answer

        def process() -> Response:
            return answer(self.command, raw_path, pairs, headers, body)

        self._deliver(fault, process, record)

    def _deliver(
        self, fault: Optional[Fault], process: Callable[[], Response], record: RequestRecord
    ) -> None:
        """Answer normally, or as the fault says."""
        mock = self.server.mock
        if fault is None:
            self._send(process(), record)
        elif fault.kind == "delay":
            response = process() if fault.process else None
            mock._sleep(fault.delay)
            self._send(response or process(), record)
        elif fault.kind in faults.REPLACING:
            if fault.process:
                process()
            server = "uvicorn" if is_v2_path(record.path) else "gunicorn"
            self._send(faults.replacement(fault, server), record)
        elif not fault.process:  # drop or reset before the request is handled
            self._abort(reset=fault.kind == "reset")
        elif fault.kind == "token_expiry":
            response = process()
            token = bearer_token({k.lower(): v for k, v in record.headers})
            expire = (lambda: mock.expire_token(token)) if token else (lambda: None)
            self._send(response, record, expire_after=(fault.lines, expire))
            expire()
        else:
            response = process()
            if fault.kind == "drop":
                self._abort(reset=False)
                return
            if response.stream is not None:
                lines = fault.lines if fault.kind == "stream_cut" else 0
                self._send(response, record, cut=(lines, fault))
                return
            record.status = response.status
            body = faults.cut(response.body, fault.fraction)
            declared = len(response.body) if response.body else 16
            self._write(self._head(response, declared) + body)
            self._abort(reset=fault.kind == "reset")

    def _head(self, response: Response, length: Optional[int], gzipped: bool = False) -> bytes:
        """Status line and headers, as gunicorn + Flask write them (or uvicorn, for v2)."""
        mock = self.server.mock
        if response.server == "uvicorn":
            return self._head_uvicorn(response, length, gzipped)
        if mock.connection_close:
            self.close_connection = True
        lines = [
            f"HTTP/1.1 {response.status} {reason(response.status)}",
            "Server: gunicorn",
            f"Date: {self.date_time_string()}",
        ]
        if self.close_connection:
            lines.append("Connection: close")
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += ["Cache-Control: no-store", "X-Robots-Tag: noindex, nofollow"]
        lines += [f"{name}: {value}" for name, value in response.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _head_uvicorn(self, response: Response, length: Optional[int], gzipped: bool) -> bytes:
        """Status line and headers as uvicorn writes them for Airflow 3 (#1, #80, #81, #190)."""
        lines = [
            f"HTTP/1.1 {response.status} {phrase(response.status)}",
            f"date: {self.date_time_string()}",
            "server: uvicorn",
        ]
        lines += [f"{k}: {v}" for k, v in response.headers if k == "allow"]
        if length is not None and not gzipped and response.stream is None:
            lines.append(f"content-length: {length}")
        if response.content_type:
            lines.append(f"content-type: {response.content_type}")
        lines += [f"{k}: {v}" for k, v in response.headers if k != "allow"]
        if gzipped:
            lines.append("content-encoding: gzip")
        if gzipped or response.stream is not None:
            lines.append("transfer-encoding: chunked")
        if self.close_connection:
            lines.append("connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(
        self,
        response: Response,
        record: Optional[RequestRecord] = None,
        *,
        expire_after: Optional[Tuple[int, Callable[[], None]]] = None,
        cut: Optional[Tuple[int, Fault]] = None,
    ) -> None:
        """Write a whole answer in one go (no body for HEAD, no length for 204)."""
        length = None if response.status == 204 else len(response.body)
        body = b"" if self.command == "HEAD" or response.status == 204 else response.body
        if record is not None:
            record.status = response.status
        if response.stream is not None and self.command != "HEAD":
            self._stream(response, expire_after, cut)
            return
        if self._gzips(response, body):
            packed = gzip.compress(body)
            chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(packed), packed)
            self._write(self._head(response, length, gzipped=True) + chunked)
            return
        self._write(self._head(response, length) + body)

    def _gzips(self, response: Response, body: bytes) -> bool:
        """Starlette's GZipMiddleware: gzip when asked for, for bodies of 500 bytes or more."""
        return (
            response.server == "uvicorn"
            and ("vary", "Accept-Encoding") in response.headers
            and "gzip" in (self.headers.get("Accept-Encoding") or "")
            and len(body) >= 500
        )

    def _stream(
        self,
        response: Response,
        expire_after: Optional[Tuple[int, Callable[[], None]]],
        cut: Optional[Tuple[int, Fault]],
    ) -> None:
        """A chunked stream (v2 /wait): each line, then "\\n", as its own chunk; the lines come
        as the iterator yields them. ``cut``: stop mid-chunk after that many lines and close."""
        assert response.stream is not None
        self._write(self._head(response, None))
        try:
            for index, line in enumerate(response.stream):
                final = bool(getattr(response.stream, "finished", False))
                if cut is not None and (index >= cut[0] or final):
                    part = faults.cut(line, cut[1].fraction)
                    self._write(b"%x\r\n%s" % (len(line), part))
                    self._abort(reset=cut[1].kind == "reset")
                    return
                if not self._write(b"%x\r\n%s\r\n1\r\n\n\r\n" % (len(line), line)):
                    return  # the client went away
                if expire_after is not None and index + 1 >= expire_after[0]:
                    expire_after[1]()
        except StreamAborted:
            self._abort(reset=False)
            return
        self._write(b"0\r\n\r\n")

    def _write(self, data: bytes) -> bool:
        """Send ``data``; False (and the connection marked for closing) if the peer is gone."""
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True
            return False
        return True

    def _abort(self, reset: bool) -> None:
        """Close the connection now: a FIN, or a TCP reset (RST) when ``reset``."""
        sock = self.connection
        with contextlib.suppress(OSError):
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        self.rfile.close()
        sock.close()
        self.wfile = io.BytesIO()
        self.close_connection = True


class MockAirflow(V2Controls):
    """A stateful in-memory Airflow 2.11 DAG Run API on 127.0.0.1, and its controls; beside it
    Airflow 3.3's ``/api/v2`` and ``/auth/token`` (``V2Controls``: ``v2_url``, ``issue_token``,
    ``set_run_state``, ...), with a store of their own.

    ``url`` is the API base URL (ending in ``/api/v1``). Use as a context manager, or call
    ``start()`` and ``stop()``. Every request under /api/v1 is validated against ``spec_path``,
    every one under /api/v2 and /auth against ``v2_spec_path`` (openapi-v2.yaml when it exists;
    ``None`` disables validation); violations collect in ``spec_violations``.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        spec_path: Optional[str] = DEFAULT_SPEC,
        v2_spec_path: Optional[str] = DEFAULT_V2_SPEC,
        jwt_secret: Optional[str] = None,
        verbose: bool = False,
    ) -> None:
        self.host, self.port, self.verbose = host, port, verbose
        self.store = Store()
        self.faults: FaultSet = FaultSet()
        if spec_path == DEFAULT_SPEC and not os.path.exists(DEFAULT_SPEC):
            print(f"mock_airflow: no {DEFAULT_SPEC}, requests are not validated", file=sys.stderr)
            spec_path = None
        self.spec = SpecValidator(os.path.abspath(spec_path)) if spec_path else None
        self.spec_violations: List[SpecViolation] = []
        self.allowed_spec_violations: List[SpecViolation] = []
        self._allow_depth = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: Dict[socket.socket, threading.Thread] = {}
        self._server: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._reset_settings()
        self._init_v2(v2_spec_path, jwt_secret)

    # ------------------------------------------------------------ lifecycle

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base URL, ``http://127.0.0.1:PORT/api/v1``."""
        return self.root_url + API_PREFIX

    def start(self) -> "MockAirflow":
        """Listen (an ephemeral port unless one was given) and serve in a daemon thread."""
        self._stopping.clear()
        self._server = _HTTPServer((self.host, self.port), _Handler)
        self._server.mock = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="mock-airflow", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close every connection and wait for the handler threads."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = dict(self._connections)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in list(connections.values()) + [self._thread]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None

    def __enter__(self) -> "MockAirflow":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _sleep(self, seconds: float) -> None:
        """Wait (a fault's delay), cut short when the server stops."""
        self._stopping.wait(seconds)

    # ------------------------------------------------------------ state controls

    def reset(self) -> None:
        """Back to the seed: runs, DAGs, settings, faults and the request log (v1 and v2).

        Spec violations are kept (the test fixture checks them after the test's own teardown).
        Tokens already issued stay valid (the JWT secret is kept).
        """
        self.store.reset()
        self.faults.clear()
        self._reset_settings()
        self._reset_v2()

    def _reset_settings(self) -> None:
        self.strict_auth = False
        self.connection_close = False
        self.context = Context(self.store, DEFAULT_RUN_ID_PATTERN)
        self.tokens: Dict[str, str] = {MOCK_TOKEN: "admin"}
        self._requests: List[RequestRecord] = []

    def add_dag(
        self,
        dag_id: str,
        tasks: Sequence[str] = ("start", "end"),
        params: Optional[Dict[str, Tuple[Any, Dict[str, Any]]]] = None,
    ) -> None:
        """Register a DAG (``params``: {name: (default, JSON schema)})."""
        self.store.add_dag(dag_id, tasks, params)

    def add_run(
        self, dag_id: str, run_id: str, logical_date: datetime, **fields: Any
    ) -> Dict[str, Any]:
        """Store one run as given (any DagRun field: state, run_type, start_date, conf, ...).

        ``data_interval_start``/``data_interval_end`` default to ``logical_date``.
        """
        fields.setdefault("data_interval_start", logical_date)
        fields.setdefault("data_interval_end", logical_date)
        return self.store.add_run(dag_id, run_id, logical_date, **fields).to_dict()

    def seed_runs(self, dag_id: str, count: int, **options: Any) -> List[str]:
        """Add ``count`` runs in bulk; ``options`` are ``Store.seed_runs``'s. Returns the ids."""
        return self.store.seed_runs(dag_id, count, **options)

    def get_run(self, dag_id: str, run_id: str) -> Optional[Dict[str, Any]]:
        """A run as the API returns it (UTC), or None."""
        run = self.store.get(dag_id, run_id)
        return None if run is None else run.to_dict()

    def run_ids(self, dag_id: Optional[str] = None) -> List[str]:
        """Run ids in id order (of one DAG, or all)."""
        with self.store.lock:
            return [r.run_id for r in self.store.runs.values() if dag_id in (None, r.dag_id)]

    def set_strict_auth(self, enabled: bool = True) -> None:
        """401 instead of 403 for missing or wrong credentials (AUTH_ROLE_PUBLIC = None)."""
        self.strict_auth = enabled

    def set_run_id_pattern(self, pattern: str = DEFAULT_RUN_ID_PATTERN) -> None:
        """The allowed run-id pattern (``endpoints.RELAXED_RUN_ID_PATTERN`` is ``^.+$``)."""
        self.context.run_id_pattern = pattern

    def set_connection_close(self, enabled: bool = True) -> None:
        """Answer every request with ``Connection: close`` like gunicorn's sync workers."""
        self.connection_close = enabled

    def add_token(self, token: str, role: str = "admin") -> None:
        """Accept ``Authorization: Bearer <token>`` with the rights of ``role``."""
        if role not in USERS:
            raise ValueError(f"role must be one of {sorted(USERS)}")
        self.tokens[token] = role

    # ------------------------------------------------------------ request log and faults

    @property
    def requests(self) -> List[RequestRecord]:
        """The API requests received so far (oldest first)."""
        with self._lock:
            return list(self._requests)

    def requests_to(
        self, method: Optional[str] = None, path_contains: str = ""
    ) -> List[RequestRecord]:
        """The logged requests with this method and a path containing ``path_contains``."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and path_contains in r.path
        ]

    def clear_requests(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._requests = []

    def add_fault(self, kind: str, *, method: Optional[str] = None, path: str = ".*",
                  times: Optional[int] = 1, **options: Any) -> Fault:  # fmt: skip
        """Inject a fault for the next ``times`` matching requests (see ``faults``).

        ``options``: status, body, content_type, headers, delay, size, process, fraction.
        """
        return self.faults.add(Fault(kind, method=method, path=path, times=times, **options))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def _log(
        self,
        method: str,
        path: str,
        query: str,
        headers: List[Tuple[str, str]],
        body: bytes,
        client: Tuple[str, int],
    ) -> RequestRecord:
        record = RequestRecord(method, path, query, headers, body, time.time(), client=client)
        with self._lock:
            self._requests.append(record)
        return record

    # ------------------------------------------------------------ spec validation

    @contextlib.contextmanager
    def allow_spec_violations(self) -> Iterator[List[SpecViolation]]:
        """Within the block, violations go to a list it yields, not ``spec_violations``."""
        with self._lock:
            self._allow_depth += 1
        try:
            yield self.allowed_spec_violations
        finally:
            with self._lock:
                self._allow_depth -= 1

    def clear_spec_violations(self) -> None:
        """Forget recorded violations."""
        with self._lock:
            self.spec_violations = []
            self.allowed_spec_violations = []

    def take_spec_violations(self) -> List[SpecViolation]:
        """The recorded (not allowed) violations, clearing them."""
        with self._lock:
            taken, self.spec_violations = self.spec_violations, []
            return taken

    def _check_spec(
        self,
        method: str,
        raw_path: str,
        query: str,
        pairs: List[Tuple[str, str]],
        headers: List[Tuple[str, str]],
        body: bytes,
    ) -> None:
        """Validate a received request; record a violation if the spec does not allow it."""
        if is_v2_path(raw_path):
            target = self._v2_spec_target(method, raw_path) if self.v2_spec else None
            if target is not None and self.v2_spec is not None:
                request = SpecRequest(self.root_url, target[0], method, pairs, headers, body,
                                      target[1])  # fmt: skip
                self._record_violation(self.v2_spec.errors(request), method, raw_path, query)
            return
        if self.spec is None:
            return
        # The spec reads each path segment percent-decoded on its own (so %2F is a slash in a
        # parameter): normalize the encoding and hand openapi-core the decoded parameters.
        path, params = raw_path, None
        if raw_path.startswith(API_PREFIX + "/"):
            raw_segments = raw_path[len(API_PREFIX) + 1 :].split("/")
            segments = [unquote(s, errors="replace") for s in raw_segments]
            try:
                operation, params = route_segments(method, segments)
                if not operation.validate:
                    return
                path = API_PREFIX + "/" + "/".join(_quote_segment(s) for s in segments)
            except ApiError:
                params = None
        request = SpecRequest(self.root_url, path, method, pairs, headers, body, params)
        self._record_violation(self.spec.errors(request), method, raw_path, query)

    def _record_violation(self, errors: List[str], method: str, raw_path: str, query: str) -> None:
        if errors:
            violation = SpecViolation(method, raw_path, query, tuple(errors))
            with self._lock:
                target = self.allowed_spec_violations if self._allow_depth else self.spec_violations
                target.append(violation)

    # ------------------------------------------------------------ answering

    def _answer(
        self,
        method: str,
        raw_path: str,
        pairs: List[Tuple[str, str]],
        headers: List[Tuple[str, str]],
        body: bytes,
    ) -> Response:
        """The answer to an API request (errors included; unexpected ones give the 500 page)."""
        try:
            return self._dispatch(method, raw_path, Query(pairs), headers, body)
        except ApiError as err:
            return err.response
        except Exception:  # a bug in the mock: show it, answer like Airflow would
            traceback.print_exc(file=sys.stderr)
            return oops().response

    def _dispatch(
        self, method: str, raw_path: str, query: Query, headers: List[Tuple[str, str]], body: bytes
    ) -> Response:
        path = unquote(raw_path, encoding="utf-8", errors="replace")
        if method == "OPTIONS":
            methods = allowed_methods(path)
            if not methods:
                raise no_route()
            return Response(200, b"", HTML, [("Allow", ", ".join(methods))])
        operation, params = route(method, path)
        header = {k.lower(): v for k, v in headers}
        data = None
        if operation.body is not None:
            data = inputs.read_json_body(header.get("content-type"), body)
            inputs.check_body(data, operation.body)
        if operation.query is not None:
            operation.query(query)
        if operation.auth:
            self._authorize(header.get("authorization"), operation.write)
        with self.store.lock:
            return operation.handler(self.context, params, query, data)

    def _authorize(self, header: Optional[str], write: bool) -> None:
        """401/403 as Airflow's basic-auth backend answers."""
        role = basic_role(header, self.tokens)
        if role is None:
            if self.strict_auth:
                raise problem(401, "Unauthorized")
            raise problem(403, "Forbidden")
        if write and role != "admin":
            raise problem(403, "Forbidden")


def phrase(status: int) -> str:
    """The reason phrase uvicorn writes (Python 3.11's, whatever Python runs the mock)."""
    if status == 422:
        return "Unprocessable Entity"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _quote_segment(segment: str) -> str:
    """Percent-encode a path segment for the spec check; `.` and `..` too, so they stay ids."""
    return "%2E" * len(segment) if segment in (".", "..") else quote(segment, safe="")
