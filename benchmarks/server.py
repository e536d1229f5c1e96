"""A loopback Airflow 2 stand-in that answers the benchmarked DAG Run routes at little cost.

Every answer is prepared in advance as the bytes of a whole HTTP/1.1 response, so serving a
request is one header scan and one `sendall`. Connections are kept alive (one thread each).
The bodies are shaped as a real Airflow 2.11 server sends them (see
shared/reference/airflow-2.11-dagruns-transcripts.md, #1 and #20): all 14 DAGRun fields,
pretty-printed with sorted keys and `\\uXXXX` escapes, nulls for queued and running runs, dates
with a `+00:00` offset and microseconds when non-zero, nested `conf`.

Routes (any dag_id; Basic auth is not checked):
    GET  /api/v1/dags/{dag_id}/dagRuns/{run_id}   one run
    POST /api/v1/dags/{dag_id}/dagRuns            200 with a queued run
    GET  /api/v1/dags/{dag_id}/dagRuns?limit=N    N runs and total_entries (no clamping)

The same three under /api/v2 answer as a real Airflow 3.3.2 server does (see
shared/reference/airflow-3.3-README.md, facts 32-37 and 59, and transcripts #21, #23, #84): the
22 DAGRun keys in model order, compact JSON with raw UTF-8, UTC dates with `Z`, `dag_versions`,
the list as `{dag_runs, total_entries, total_entries_limit, next_cursor, previous_cursor}` with
`limit` clamped to 100, and lower-case uvicorn headers. They need `Authorization: Bearer ...`
(401 `Not authenticated` otherwise; the token itself is not verified), which
`POST /auth/token` hands out: 201 with one HS512 JWT, made at start-up, that expires in a year.

Run: `python server.py [--port 0] [--lifetime SECONDS]`; it prints `port N` once listening and
stops when its standard input closes or its lifetime is over.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import email.utils
import hashlib
import hmac
import json
import random
import socket
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs

UTC = datetime.timezone.utc
DAG_ID = "example_sdk_dag"
ONE_RUN_ID = "manual__2024-01-10T00:00:00.123456+00:00"
POSTED_RUN_ID = "bench_posted_run"
DATASET_SIZE = 10_000
PRESET_LIMITS = (1, 5, 100, 1000, 10_000)
NOTES = ("re-run after the upstream fix", "déploiement vérifié ✓", "backfill for Q1 audit")


def make_run(i: int, dag_id: str = DAG_ID) -> dict:
    """The i-th run of a DAG, deterministic: mostly scheduled and finished, some queued/running."""
    rnd = random.Random(i)
    base = datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=i)
    run_type = rnd.choices(
        ("scheduled", "manual", "dataset_triggered", "backfill"), (70, 20, 5, 5)
    )[0]
    state = rnd.choices(("success", "failed", "running", "queued"), (65, 10, 10, 15))[0]
    if run_type == "manual":
        logical = base + datetime.timedelta(microseconds=rnd.randrange(1, 1_000_000))
        interval = (logical, logical)
    elif run_type == "dataset_triggered":
        logical = base + datetime.timedelta(seconds=rnd.randrange(1, 3600))
        interval = (base - datetime.timedelta(hours=12), base - datetime.timedelta(hours=1))
    else:
        logical = base
        interval = (base, base + datetime.timedelta(hours=1))
    started = interval[1] + datetime.timedelta(seconds=rnd.uniform(1, 90))
    ended = started + datetime.timedelta(seconds=rnd.uniform(5, 1800))
    finished = state in ("success", "failed")
    if run_type == "manual":
        conf = {"a": i, "nested": {"b": [1, 2], "dry": False}, "env": "prod", "ratio": 0.25}
    else:
        conf = {}
    return {
        "conf": conf,
        "dag_id": dag_id,
        "dag_run_id": f"{run_type}__{logical.isoformat()}",
        "data_interval_end": interval[1].isoformat(),
        "data_interval_start": interval[0].isoformat(),
        "end_date": ended.isoformat() if finished else None,
        "execution_date": logical.isoformat(),
        "external_trigger": run_type == "manual",
        "last_scheduling_decision": (ended if finished else started).isoformat()
        if state != "queued"
        else None,
        "logical_date": logical.isoformat(),
        "note": rnd.choice(NOTES) if rnd.random() < 0.05 else None,
        "run_type": run_type,
        "start_date": started.isoformat() if state != "queued" else None,
        "state": state,
    }


def one_run() -> dict:
    """The run GET answers: a finished manual run with a note and a nested conf."""
    run = make_run(0)
    logical = "2024-01-10T00:00:00.123456+00:00"
    run.update(
        conf={"a": 1, "nested": {"b": [1, 2]}, "env": "prod"},
        dag_run_id=ONE_RUN_ID,
        data_interval_end=logical,
        data_interval_start=logical,
        end_date="2024-01-10T00:07:31.804512+00:00",
        execution_date=logical,
        external_trigger=True,
        last_scheduling_decision="2024-01-10T00:07:31.772620+00:00",
        logical_date=logical,
        note="first run",
        run_type="manual",
        start_date="2024-01-10T00:00:03.501044+00:00",
        state="success",
    )
    return run


def posted_run() -> dict:
    """What a trigger answers: a queued run, so start/end/last_scheduling_decision are null."""
    logical = "2026-11-22T03:50:52.776959+00:00"
    return {
        "conf": {"a": 1, "nested": {"b": [1, 2]}},
        "dag_id": DAG_ID,
        "dag_run_id": POSTED_RUN_ID,
        "data_interval_end": logical,
        "data_interval_start": logical,
        "end_date": None,
        "execution_date": logical,
        "external_trigger": True,
        "last_scheduling_decision": None,
        "logical_date": logical,
        "note": None,
        "run_type": "manual",
        "start_date": None,
        "state": "queued",
    }


def collection(limit: int) -> dict:
    runs = [make_run(i) for i in range(limit)]
    return {"dag_runs": runs, "total_entries": max(limit, DATASET_SIZE)}


def body(payload: object) -> bytes:
    """JSON as Airflow's Flask app writes it: indent 2, sorted keys, ASCII escapes, newline."""
    return (json.dumps(payload, indent=2, sort_keys=True) + "\n").encode("ascii")


def response(status: str, data: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nServer: airflow-bench\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\nCache-Control: no-store\r\n"
        "X-Robots-Tag: noindex, nofollow\r\n\r\n"
    )
    return head.encode("ascii") + data


# ---------------------------------------------------------------- Airflow 3 (/api/v2)

V2_LIMIT = 100  # [api] maximum_page_limit: a larger `limit` is clamped silently
DAG_VERSION = {
    "id": "01a2343b-b87e-7126-88e8-7a3981bd16e2",
    "version_number": 1,
    "dag_id": DAG_ID,
    "bundle_name": "dags-folder",
    "bundle_version": None,
    "created_at": "2026-12-02T00:50:58.811582Z",
    "dag_display_name": DAG_ID,
    "bundle_url": None,
}


def zulu(value: datetime.datetime | None) -> str | None:
    """A UTC date as Airflow 3 writes it: `Z`, microseconds only when non-zero."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def make_run_v2(i: int) -> dict:
    """The i-th run as Airflow 3.3.2 serializes it: the 22 keys in model order (fact 32)."""
    rnd = random.Random(i)
    base = datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=i)
    run_types = ("scheduled", "manual", "asset_triggered", "backfill")
    run_type = rnd.choices(run_types, (70, 20, 5, 5))[0]
    state = rnd.choices(("success", "failed", "running", "queued"), (65, 10, 10, 15))[0]
    triggered_by = {"manual": "rest_api", "asset_triggered": "asset", "backfill": "backfill"}
    if run_type == "manual":
        logical = base + datetime.timedelta(microseconds=rnd.randrange(1, 1_000_000))
        interval = (logical, logical)
        conf = {"a": i, "nested": {"b": [1, 2], "dry": False}, "env": "prod", "ratio": 0.25}
    else:
        logical = base
        interval = (base, base + datetime.timedelta(hours=1))
        conf = {}
    if run_type == "asset_triggered":  # no logical date, no data interval (#66)
        logical, interval = None, (None, None)
    run_after = interval[1] or base
    started = run_after + datetime.timedelta(seconds=rnd.uniform(1, 90))
    ended = started + datetime.timedelta(seconds=rnd.uniform(5, 1800))
    finished = state in ("success", "failed")
    return {
        "dag_run_id": f"{run_type}__{(logical or run_after).isoformat()}",
        "dag_id": DAG_ID,
        "logical_date": zulu(logical),
        "queued_at": zulu(run_after + datetime.timedelta(microseconds=rnd.randrange(1, 10**6))),
        "start_date": zulu(started) if state != "queued" else None,
        "end_date": zulu(ended) if finished else None,
        "duration": (ended - started).total_seconds() if finished else None,
        "data_interval_start": zulu(interval[0]),
        "data_interval_end": zulu(interval[1]),
        "run_after": zulu(run_after),
        "last_scheduling_decision": zulu(
            None if state == "queued" else ended if finished else started
        ),
        "run_type": run_type,
        "state": state,
        "triggered_by": triggered_by.get(run_type, "timetable"),
        "triggering_user_name": "admin" if run_type == "manual" else None,
        "conf": conf,
        "note": rnd.choice(NOTES) if rnd.random() < 0.05 else None,
        "dag_versions": [DAG_VERSION],
        "bundle_version": None,
        "dag_display_name": DAG_ID,
        "partition_key": None,
        "partition_date": None,
    }


def one_run_v2() -> dict:
    """The run GET answers: a finished manual run triggered through the API, with a note."""
    run = make_run_v2(0)
    run.update(
        dag_run_id=ONE_RUN_ID,
        logical_date="2024-01-10T00:00:00.123456Z",
        queued_at="2024-01-10T00:00:01.014278Z",
        start_date="2024-01-10T00:00:03.501044Z",
        end_date="2024-01-10T00:07:31.804512Z",
        duration=448.303468,
        data_interval_start="2024-01-10T00:00:00.123456Z",
        data_interval_end="2024-01-10T00:00:00.123456Z",
        run_after="2024-01-10T00:00:00.991010Z",
        last_scheduling_decision="2024-01-10T00:07:31.772620Z",
        run_type="manual",
        state="success",
        triggered_by="rest_api",
        triggering_user_name="admin",
        conf={"a": 1, "nested": {"b": [1, 2]}, "env": "prod"},
        note="first run ✓",
    )
    return run


def posted_run_v2() -> dict:
    """What a trigger with `logical_date: null` answers (#23): queued, no logical date."""
    run = make_run_v2(0)
    run.update(
        dag_run_id=POSTED_RUN_ID,
        logical_date=None,
        queued_at="2026-12-02T00:51:22.211855Z",
        start_date=None,
        end_date=None,
        duration=None,
        data_interval_start=None,
        data_interval_end=None,
        run_after="2026-12-02T00:51:22.206711Z",
        last_scheduling_decision=None,
        run_type="manual",
        state="queued",
        triggered_by="rest_api",
        triggering_user_name="admin",
        conf={"a": 1, "nested": {"b": [1, 2]}},
        note=None,
    )
    return run


def collection_v2(limit: int) -> dict:
    runs = [make_run_v2(i) for i in range(min(limit, V2_LIMIT))]
    return {
        "dag_runs": runs,
        "total_entries": DATASET_SIZE,
        "total_entries_limit": None,  # offset paging (fact 36)
        "next_cursor": None,
        "previous_cursor": None,
    }


def body_v2(payload: object) -> bytes:
    """JSON as FastAPI writes it: compact, keys in model order, raw UTF-8, no newline."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jwt_token(lifetime: float = 365 * 86400) -> str:
    """An HS512 JWT shaped like Airflow 3.3.2's (#1), signed with a key nobody checks."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    now = int(time.time())
    header = {"alg": "HS512", "kid": "not-used", "typ": "JWT"}
    claims = {"sub": "admin", "role": "admin", "teams": [], "jti": uuid.uuid4().hex}
    claims.update(aud="apache-airflow", nbf=now, exp=now + int(lifetime), iat=now)
    signing_input = f"{part(body_v2(header))}.{part(body_v2(claims))}"
    signature = hmac.new(b"bench-secret", signing_input.encode(), hashlib.sha512).digest()
    return f"{signing_input}.{part(signature)}"


def response_v2(status: str, data: bytes) -> bytes:
    """A whole uvicorn response: exactly the headers of fact 59 (the date is start-up's)."""
    head = (
        f"HTTP/1.1 {status}\r\ndate: {email.utils.formatdate(usegmt=True)}\r\n"
        f"server: uvicorn\r\ncontent-length: {len(data)}\r\n"
        "content-type: application/json\r\nvary: Accept-Encoding\r\n\r\n"
    )
    return head.encode("ascii") + data


class Answers:
    """The prepared responses; list answers for other limits are made once, on first use."""

    def __init__(self) -> None:
        self.one = response("200 OK", body(one_run()))
        self.posted = response("200 OK", body(posted_run()))
        self.not_found = response(
            "404 NOT FOUND",
            body({"detail": None, "status": 404, "title": "Not Found", "type": "about:blank"}),
            "application/problem+json",
        )
        self._lists = {n: response("200 OK", body(collection(n))) for n in PRESET_LIMITS}
        self._lock = threading.Lock()
        self.token = response_v2("201 Created", body_v2({"access_token": jwt_token()}))
        self.one_v2 = response_v2("200 OK", body_v2(one_run_v2()))
        self.posted_v2 = response_v2("200 OK", body_v2(posted_run_v2()))
        self.list_v2 = response_v2("200 OK", body_v2(collection_v2(V2_LIMIT)))
        self.small_lists_v2: dict = {}
        self.no_token = response_v2("401 Unauthorized", b'{"detail":"Not authenticated"}')
        self.no_route = response_v2("404 Not Found", b'{"error":"API route not found"}')

    def listing(self, limit: int) -> bytes:
        if limit not in self._lists:
            with self._lock:
                self._lists.setdefault(limit, response("200 OK", body(collection(limit))))
        return self._lists[limit]

    def listing_v2(self, limit: int) -> bytes:
        if limit >= V2_LIMIT:
            return self.list_v2
        if limit not in self.small_lists_v2:
            with self._lock:
                answer = response_v2("200 OK", body_v2(collection_v2(limit)))
                self.small_lists_v2.setdefault(limit, answer)
        return self.small_lists_v2[limit]

    def route_v2(self, method: bytes, path: bytes, query: bytes, head: bytes) -> bytes:
        if method == b"POST" and path == b"/auth/token":
            return self.token
        parts = path.split(b"/")  # ['', 'api', 'v2', 'dags', dag_id, 'dagRuns', run_id?]
        if parts[3:4] != [b"dags"] or len(parts) not in (6, 7) or parts[5] != b"dagRuns":
            return self.no_route
        if b"\r\nauthorization: bearer " not in head.lower():
            return self.no_token
        if len(parts) == 6 and method == b"GET":
            limit = parse_qs(query.decode("latin-1")).get("limit", ["50"])[0]
            return self.listing_v2(int(limit))
        if len(parts) == 6 and method == b"POST":
            return self.posted_v2
        if len(parts) == 7 and method == b"GET":
            return self.one_v2
        return self.no_route

    def route(self, method: bytes, target: bytes, head: bytes = b"") -> bytes:
        path, _, query = target.partition(b"?")
        if path.startswith((b"/api/v2/", b"/auth/")):
            return self.route_v2(method, path, query, head)
        parts = path.split(b"/")  # ['', 'api', 'v1', 'dags', dag_id, 'dagRuns', run_id?]
        if parts[1:4] != [b"api", b"v1", b"dags"] or len(parts) < 6 or parts[5] != b"dagRuns":
            return self.not_found
        if len(parts) == 6 and method == b"GET":
            limit = parse_qs(query.decode("latin-1")).get("limit", ["100"])[0]
            return self.listing(int(limit) or 100)
        if len(parts) == 6 and method == b"POST":
            return self.posted
        if len(parts) == 7 and method == b"GET":
            return self.one
        return self.not_found


def content_length(head: bytes) -> int:
    """The Content-Length of a request head (0 when absent)."""
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    stop = lower.find(b"\r\n", at + 2)
    return int(lower[at + 17 : stop if stop >= 0 else len(lower)])


def serve_connection(conn: socket.socket, answers: Answers) -> None:
    """Answer the requests of one kept-alive connection until the client closes it."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    try:
        while True:
            end = buf.find(b"\r\n\r\n")
            while end < 0:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                end = buf.find(b"\r\n\r\n")
            head, buf = buf[:end], buf[end + 4 :]
            method, target, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
            length = content_length(head)
            while len(buf) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            buf = buf[length:]  # the request body is read and ignored
            conn.sendall(answers.route(method, target, head))
    except (ConnectionError, ValueError):
        return
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=1800, help="stop after this long")
    args = parser.parse_args()
    answers = Answers()
    listener = socket.create_server(("127.0.0.1", args.port), backlog=64)
    print("port", listener.getsockname()[1], flush=True)
    deadline = time.monotonic() + args.lifetime

    def accept_forever() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve_connection, args=(conn, answers), daemon=True).start()

    threading.Thread(target=accept_forever, daemon=True).start()
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait(max(0.0, deadline - time.monotonic()))


if __name__ == "__main__":
    main()
