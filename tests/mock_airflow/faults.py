"""Fault injection: answers a real Airflow (or a proxy in front of it) gives when things go wrong.

A ``Fault`` matches requests by method and a regex searched in the raw path (no query), for the
next ``times`` requests (None: until cleared). Kinds:

``status``          a fixed status/body/headers instead of the answer (e.g. 503, 429 + Retry-After)
``html``            an HTML error page (Airflow's "Ooops!" page for 500, a proxy page otherwise)
``malformed_json``  200 ``application/json`` whose body is cut JSON (Content-Length is right)
``large``           200 with a valid JSON body of at least ``size`` bytes
``truncate``        the real answer with its full Content-Length, then only part of the body and
                    a close
``reset``           the real answer's headers and part of its body, then a TCP reset
``drop``            the request is processed, then the connection closes with no answer
``delay``           ``delay`` seconds pass before the answer
``text``            a ``text/plain`` 500 ``Internal Server Error`` (Airflow 3's answer to a crash)
``token_down``      the token endpoint is down: ``path`` defaults to ``^/auth/token``, a proxy's 503
                    HTML page (``status``, ``headers`` such as Retry-After can be given); a reset
                    or a drop there is ``reset``/``drop`` with that path
``token_expiry``    the request is answered normally, but its bearer token expires after ``lines``
                    lines of a ``/wait`` stream (after the answer for other requests): the real
                    server checks the token once, before the stream starts, so the stream goes
                    on to its end and only the next request with that token gets 401
                    ``Token Expired``
``stream_cut``      a ``/wait`` stream sends ``lines`` whole lines (or fewer if the run finishes
                    first), then the first ``fraction`` of the next one's chunk, and the
                    connection closes; on another answer it is ``truncate``

On v2 paths (``/api/v2``, ``/auth``) the default bodies are Airflow 3's: ``{"detail": ...}`` for
``status``, a proxy page for ``html`` whatever the status, v2 runs for ``large``.

``process`` says whether the mock handles the request (state changes) before the fault takes
effect. It defaults to True for ``truncate``, ``reset``, ``drop``, ``token_expiry`` and
``stream_cut`` (``process=False``: the connection is closed or reset before the request is
handled; ``truncate``, ``token_expiry`` and ``stream_cut`` always process) and to False for the
others (``delay``: the request is handled once the delay has passed).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from .responses import HTML, JSON, OOPS_PAGE, PROBLEM_JSON, Response, dumps, reason

KINDS = (
    "status", "html", "malformed_json", "large", "truncate", "reset", "drop", "delay", "text",
    "token_down", "token_expiry", "stream_cut",
)  # fmt: skip
PROCESSED_BY_DEFAULT = ("truncate", "reset", "drop", "token_expiry", "stream_cut")
ALWAYS_PROCESSED = ("truncate", "token_expiry", "stream_cut")
REPLACING = ("status", "html", "malformed_json", "large", "text", "token_down")
TEXT_PLAIN = "text/plain; charset=utf-8"
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """One injected fault (see the module docstring)."""

    kind: str
    method: Optional[str] = None
    path: str = ".*"
    times: Optional[int] = 1
    status: Optional[int] = None
    body: Union[bytes, str, Dict[str, Any], List[Any], None] = None
    content_type: Optional[str] = None
    headers: List[Tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    size: int = 5_000_000
    process: Optional[bool] = None
    fraction: float = 0.5
    lines: int = 1  # token_expiry, stream_cut: whole /wait lines sent first
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {KINDS}")
        self.headers = [tuple(h) for h in self.headers]  # type: ignore[misc]
        if self.process is None or self.kind in ALWAYS_PROCESSED:
            self.process = self.process or self.kind in PROCESSED_BY_DEFAULT
        if self.kind == "token_down" and self.path == ".*":
            self.path = "^/auth/token"
        self._regex = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        """True if this fault applies to the request."""
        method_ok = self.method is None or self.method.upper() == method.upper()
        return method_ok and self._regex.search(path) is not None

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-able description (for the control API)."""
        return {
            "kind": self.kind,
            "method": self.method,
            "path": self.path,
            "times": self.times,
            "status": self.status,
            "delay": self.delay,
            "process": self.process,
            "lines": self.lines,
            "hits": self.hits,
        }


class FaultSet:
    """The active faults; ``take`` consumes one use of the first that matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Activate a fault (after those already active)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def active(self) -> List[Fault]:
        """The faults still active."""
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Optional[Fault]:
        """The fault for this request, if any, counting the use."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


def _body_bytes(body: Any) -> Tuple[bytes, Optional[str]]:
    """Bytes of a fault body and the content type it implies."""
    if isinstance(body, bytes):
        return body, None
    if isinstance(body, str):
        return body.encode("utf-8"), None
    return dumps(body), JSON


def replacement(fault: Fault, server: str = "gunicorn") -> Response:
    """The answer a ``status``, ``html``, ``malformed_json``, ``large``, ``text`` or
    ``token_down`` fault sends (``server="uvicorn"``: as on Airflow 3's v2 paths)."""
    if server == "uvicorn":
        return _replacement_v2(fault)
    ctype: Optional[str]
    if fault.kind == "status":
        status = fault.status or 503
        if fault.body is None:
            problem = {"detail": None, "status": status, "title": reason(status).title(),
                       "type": "about:blank"}  # fmt: skip
            body, ctype = dumps(problem), PROBLEM_JSON
        else:
            body, ctype = _body_bytes(fault.body)
    elif fault.kind in ("html", "token_down"):
        status = fault.status or (503 if fault.kind == "token_down" else 502)
        page = OOPS_PAGE
        if status != 500 or fault.kind == "token_down":
            page = _PROXY_PAGE.format(status=status, reason=reason(status).title())
        body, ctype = _body_bytes(fault.body if fault.body is not None else page)
        ctype = HTML
    elif fault.kind == "text":
        status = fault.status or 500
        body, ctype = _body_bytes(fault.body or "Internal Server Error")
        ctype = TEXT_PLAIN
    elif fault.kind == "malformed_json":
        status = fault.status or 200
        body, ctype = _body_bytes(fault.body or '{"dag_runs": [{"conf": {}, "dag_id": "exa')
        ctype = JSON
    else:  # large
        status = fault.status or 200
        body, ctype = large_body(fault.size), JSON
    return Response(status, body, fault.content_type or ctype or JSON, list(fault.headers))


def _replacement_v2(fault: Fault) -> Response:
    """Fault answers in Airflow 3's shapes (lower-case uvicorn headers)."""
    from .v2_inputs import dumps as compact

    vary: List[Tuple[str, str]] = []
    if fault.kind == "status":
        status = fault.status or 503
        if fault.body is None:
            body, ctype = compact({"detail": reason(status).title()}), JSON
            vary = [("vary", "Accept-Encoding")]
        else:
            body, ctype = _body_bytes(fault.body)
    elif fault.kind in ("html", "token_down"):
        status = fault.status or (503 if fault.kind == "token_down" else 502)
        page = _PROXY_PAGE.format(status=status, reason=reason(status).title())
        body, ctype = _body_bytes(fault.body if fault.body is not None else page)
        ctype = HTML
    elif fault.kind == "text":
        status = fault.status or 500
        body, ctype = _body_bytes(fault.body or "Internal Server Error")
        ctype = TEXT_PLAIN
    elif fault.kind == "malformed_json":
        status = fault.status or 200
        body, ctype = _body_bytes(fault.body or '{"dag_runs":[{"dag_run_id":"exa')
        ctype, vary = JSON, [("vary", "Accept-Encoding")]
    else:  # large
        status = fault.status or 200
        body, ctype, vary = large_body_v2(fault.size), JSON, [("vary", "Accept-Encoding")]
    headers = [(k.lower(), v) for k, v in fault.headers] + vary
    return Response(status, body, fault.content_type or ctype or JSON, headers, server="uvicorn")


def large_body(size: int) -> bytes:
    """A valid DAGRunCollection of at least ``size`` bytes."""
    run = {
        "conf": {"padding": "x" * 200}, "dag_id": "example_sdk_dag", "dag_run_id": "",
        "data_interval_end": "2024-01-01T00:00:00+00:00",
        "data_interval_start": "2024-01-01T00:00:00+00:00", "end_date": None,
        "execution_date": "2024-01-01T00:00:00+00:00", "external_trigger": True,
        "last_scheduling_decision": None, "logical_date": "2024-01-01T00:00:00+00:00",
        "note": None, "run_type": "manual", "start_date": None, "state": "queued",
    }  # fmt: skip
    count = max(1, size // (len(json.dumps(run, indent=2)) + 40) + 1)
    runs = [dict(run, dag_run_id=f"large_{i:07d}") for i in range(count)]
    return dumps({"dag_runs": runs, "total_entries": count})


def large_body_v2(size: int) -> bytes:
    """A valid v2 DAGRunCollectionResponse of at least ``size`` bytes."""
    from .v2_inputs import dumps as compact

    run = {
        "dag_run_id": "", "dag_id": "example_sdk_dag", "logical_date": None, "queued_at": None,
        "start_date": None, "end_date": None, "duration": None, "data_interval_start": None,
        "data_interval_end": None, "run_after": "2024-01-01T00:00:00Z",
        "last_scheduling_decision": None, "run_type": "manual", "state": "queued",
        "triggered_by": "rest_api", "triggering_user_name": "admin",
        "conf": {"padding": "x" * 200}, "note": None, "dag_versions": [], "bundle_version": None,
        "dag_display_name": "example_sdk_dag", "partition_key": None, "partition_date": None,
    }  # fmt: skip
    count = max(1, size // len(compact(run)) + 1)
    runs = [dict(run, dag_run_id=f"large_{i:07d}") for i in range(count)]
    return compact(
        {
            "dag_runs": runs,
            "total_entries": count,
            "total_entries_limit": None,
            "next_cursor": None,
            "previous_cursor": None,
        }  # fmt: skip
    )


def cut(body: bytes, fraction: float) -> bytes:
    """The part of a body a ``truncate``/``reset`` fault sends (fewer bytes than declared)."""
    if not body:
        return b""
    return body[: min(len(body) - 1, int(len(body) * fraction))]
