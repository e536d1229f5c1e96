#!/usr/bin/env python3
"""Run a real Apache Airflow 3.3.2 API server on 127.0.0.1 for the "real Airflow 3" test tier.

    python tests/airflow3/server.py start [--name NAME] [--scheduler] [--token-seconds N]
                                          [--any-run-id] [-v]
    python tests/airflow3/server.py url    [--name NAME]
    python tests/airflow3/server.py status [--name NAME]
    python tests/airflow3/server.py stop   [--name NAME]

``start`` installs apache-airflow==3.3.2 into tests/airflow3/.work/venv (once), builds a fresh
AIRFLOW_HOME (SQLite) under tests/airflow3/.work/home[-NAME], migrates the DB, serializes the DAGs
in tests/airflow3/dags, seeds the runs and the asset event the transcripts assume (seed.py),
starts ``airflow api-server`` on a free 127.0.0.1 port in its own process group, waits for
/api/v2/monitor/health and for an authenticated DagRun list call, and prints the server's root
URL (``http://127.0.0.1:PORT``; the REST API is under /api/v2, tokens come from /auth/token) on
stdout, nothing else. Progress and the servers' output go to tests/airflow3/.work/*.log
(``-v`` also echoes the steps on stderr).

Users (simple auth manager): admin/admin (role admin) and viewer/viewer (role viewer). Tokens are
HS512 JWTs signed with the fixed secret JWT_SECRET below (24 h unless ``--token-seconds``).

``--scheduler`` also starts ``airflow scheduler`` (LocalExecutor, parallelism 2; tasks report to
this API server's /execution API) in the same process group, and waits for its heartbeat, so
triggered runs really run. ``--token-seconds N`` sets ``[api_auth] jwt_expiration_time``;
``--any-run-id`` sets ``[scheduler] allowed_run_id_pattern = ^.+$``. The transcripts' second
server (#245-#268) is ``start --name sched --scheduler --token-seconds 5 --any-run-id``.
``--name`` keeps several servers apart (own home, logs and state file; the venv is shared).

``stop`` ends exactly what ``start`` recorded: SIGTERM to its process group (and to the task
processes that Airflow moved to groups of their own), SIGKILL after a grace period, waits until
every one of those processes has exited, and removes the state file. It succeeds, doing nothing,
when no server runs.

From Python: ``import server; url = server.start("sched", scheduler=True); server.stop("sched")``.
Only the standard library is used here (and tests/airflow_tier.py, which tests/airflow/server.py
shares); Airflow runs from the venv's interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.append(os.path.dirname(HERE))  # tests/: the shared airflow_tier.py
import airflow_tier  # noqa: E402
from airflow_tier import StartError  # noqa: E402

AIRFLOW_VERSION = "3.3.2"
DAGS_FOLDER = os.path.join(HERE, "dags")
SEED_SCRIPT = os.path.join(HERE, "seed.py")
LOGS = {"api_log": "api-server", "scheduler_log": "scheduler"}
TIER = airflow_tier.Tier(HERE, AIRFLOW_VERSION, "airflow3-tier", LOGS)

# username, password, role (simple auth manager roles: viewer, user, op, admin)
USERS = (("admin", "admin", "admin"), ("viewer", "viewer", "viewer"))
# Fixed so that tests (and replay.py) can forge tokens: HS512, PyJWT encodes the str as UTF-8.
# 64+ bytes, so PyJWT has no key-length warning for HS512.
JWT_SECRET = "sdk-real-airflow3-tier-jwt-secret-not-for-production-0123456789abcdef"
JWT_ALGORITHM = "HS512"
JWT_AUDIENCE = "apache-airflow"
HEALTH_TIMEOUT = 240.0  # 38-105 s were seen on a busy 2-core machine


# --------------------------------------------------------------------------- environment


def airflow_env(
    home: str,
    port: int | None = None,
    scheduler: bool = False,
    token_seconds: int | None = None,
    any_run_id: bool = False,
) -> dict:
    """Environment for every airflow command (also usable by tests that need the CLI)."""
    env = TIER.clean_env()
    env.update(
        {
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__DAGS_FOLDER": DAGS_FOLDER,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": "utc",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "2",
            # A fixed (valid, url-safe base64 32-byte) Fernet key: quiet and reproducible.
            "AIRFLOW__CORE__FERNET_KEY": "c2RrLXRlc3QtdGllci1mZXJuZXQta2V5LTMyYnl0ZXM=",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:{r}" for u, _p, r in USERS),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": os.path.join(
                home, "simple_auth_manager_passwords.json"
            ),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "sqlite:///" + os.path.join(home, "airflow.db"),
            "AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS": "False",
            "AIRFLOW__API__SECRET_KEY": "sdk-real-airflow3-tier-api-secret",
            "AIRFLOW__API__EXPOSE_CONFIG": "False",
            "AIRFLOW__API_AUTH__JWT_SECRET": JWT_SECRET,
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
            "SCARF_ANALYTICS": "false",
            "DO_NOT_TRACK": "true",
            "TZ": "UTC",
        }
    )
    if port is not None:
        env["AIRFLOW__API__HOST"] = "127.0.0.1"
        env["AIRFLOW__API__PORT"] = str(port)
        env["AIRFLOW__API__BASE_URL"] = f"http://127.0.0.1:{port}"
        # Where task processes (LocalExecutor) reach the Execution API: this very server.
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://127.0.0.1:{port}/execution/"
    if token_seconds is not None:
        env["AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME"] = str(int(token_seconds))
    if any_run_id:
        env["AIRFLOW__SCHEDULER__ALLOWED_RUN_ID_PATTERN"] = "^.+$"
    if scheduler:
        # Heartbeat often, and pick queued runs up quickly.
        env["AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC"] = "2"
        env["AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC"] = "2"
    return env


# --------------------------------------------------------------------------- home & seed


def prepare_home(home: str, env: dict, log_path: str) -> None:
    if os.path.exists(home):
        shutil.rmtree(home)
    os.makedirs(home)
    # Without this file the simple auth manager generates random passwords.
    with open(
        env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"], "w", encoding="utf-8"
    ) as fh:
        json.dump({u: p for u, p, _r in USERS}, fh)
        fh.write("\n")
    # One interpreter for migrate + reserialize + seed (see seed.py): each separate `airflow` CLI
    # call would pay Airflow's import time again.
    TIER.run([TIER.venv_python, SEED_SCRIPT], env, log_path, "airflow setup (seed.py)")


# --------------------------------------------------------------------------- processes


def get_token(url: str, username: str = "admin", password: str = "admin", timeout: float = 30.0):
    """A fresh access token from POST /auth/token (url: the server's root URL)."""
    status, body = airflow_tier.http(
        url + "/auth/token",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )
    if status != 201:
        raise StartError(f"POST /auth/token as {username}: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


def _ready(url: str, scheduler: bool, stage: list) -> bool:
    """Whether the server answers, with the DAGs and seeded runs in the DB (and, with scheduler,
    a healthy scheduler); stage[0] says what it waits for."""
    stage[0] = "health"
    status, body = airflow_tier.http(url + "/api/v2/monitor/health", timeout=5)
    if status != 200 or b"metadatabase" not in body:
        return False
    # The API itself, with a token, and the DAGs and seeded runs in the DB.
    stage[0] = "authenticated list call"
    headers = {"Authorization": "Bearer " + get_token(url)}
    list_url = url + "/api/v2/dags/example_sdk_dag/dagRuns?limit=1"
    status, body = airflow_tier.http(list_url, headers=headers, timeout=30)
    if status != 200 or b'"total_entries":1' not in body:
        return False
    if not scheduler:
        return True
    stage[0] = "scheduler heartbeat"
    health = json.loads(airflow_tier.http(url + "/api/v2/monitor/health", timeout=5)[1])
    return health.get("scheduler", {}).get("status") == "healthy"


# With --scheduler, the api-server's process starts as this shell, which puts the scheduler in
# the background (same session and process group, which only a member can do) and then becomes
# the api-server (exec: same pid, the group's leader).
_WITH_SCHEDULER = """
"$1" scheduler --skip-serve-logs >>"$2" 2>&1 </dev/null &
echo $! >"$3"
shift 3
exec "$@"
"""


def start_processes(home: str, paths: dict, scheduler: bool, token_seconds, any_run_id):
    sched_pidfile = os.path.join(home, "scheduler.pid")

    def launch(port):
        env = airflow_env(home, port, scheduler, token_seconds, any_run_id)
        cmd = [TIER.airflow_bin, "api-server", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--workers", "1"]
        TIER.step("$ " + " ".join(cmd), paths["setup_log"])
        if scheduler:
            # --skip-serve-logs: no log server on 0.0.0.0:8793 (everything stays on loopback).
            sched = f"$ {TIER.airflow_bin} scheduler --skip-serve-logs"
            TIER.step(sched, paths["setup_log"])
            with open(paths["scheduler_log"], "a", encoding="utf-8") as log:
                log.write(sched + "\n")
            if os.path.exists(sched_pidfile):
                os.remove(sched_pidfile)
            sh = ["/bin/sh", "-c", _WITH_SCHEDULER, "sh", TIER.airflow_bin]
            cmd = sh + [paths["scheduler_log"], sched_pidfile] + cmd
        # The api-server (and the scheduler, its LocalExecutor workers...) form one session and
        # process group.
        return airflow_tier.popen(cmd, env, home, paths["api_log"]), f"http://127.0.0.1:{port}"

    def ready(url, proc):
        checks = [("api-server", proc.poll)]
        if scheduler:
            checks.append(("scheduler", lambda: _scheduler_exit(sched_pidfile)))
        stage = ["health"]
        airflow_tier.wait_ready(
            lambda: _ready(url, scheduler, stage),
            checks,
            HEALTH_TIMEOUT,
            lambda: f"{url} not ready within {HEALTH_TIMEOUT:.0f} s (waiting for: {stage[0]})",
        )

    extra = (paths["scheduler_log"],) if scheduler else ()
    return airflow_tier.serve(launch, ready, paths["api_log"], extra)


def _scheduler_exit(pidfile: str):
    """None while the scheduler (whose pid the launching shell wrote) runs, like Popen.poll()."""
    try:
        with open(pidfile, "r", encoding="utf-8") as fh:
            st = airflow_tier.proc_stat(int(fh.read().strip()))
    except (OSError, ValueError):
        return None  # not written yet
    return None if st is not None and st[0] not in ("Z", "X") else "exited"


# --------------------------------------------------------------------------- commands


def read_state(name: str = "default"):
    return TIER.read_state(name)


def start(
    name: str = "default",
    scheduler: bool = False,
    token_seconds: int | None = None,
    any_run_id: bool = False,
) -> str:
    """Start a fresh server; returns its root URL. Stops a previous one of that name first."""
    paths, timings, t0 = TIER.begin(name)
    t1 = time.monotonic()
    TIER.step(f"fresh AIRFLOW_HOME {paths['home']}: migrate, reserialize, seed", paths["setup_log"])
    prepare_home(
        paths["home"],
        airflow_env(paths["home"], None, scheduler, token_seconds, any_run_id),
        paths["setup_log"],
    )
    timings["setup_s"] = round(time.monotonic() - t1, 1)
    t2 = time.monotonic()
    proc, port, url, starttime = start_processes(
        paths["home"], paths, scheduler, token_seconds, any_run_id
    )
    timings["servers_s"] = round(time.monotonic() - t2, 1)
    timings["total_s"] = round(time.monotonic() - t0, 1)
    state = {
        "url": url,
        "api_url": url + "/api/v2",
        "host": "127.0.0.1",
        "port": port,
        "pid": proc.pid,
        "pgid": proc.pid,
        "leader_starttime": starttime,
        "airflow_home": paths["home"],
        "airflow_version": AIRFLOW_VERSION,
        "scheduler": scheduler,
        "token_seconds": token_seconds,
        "any_run_id": any_run_id,
        "jwt_secret": JWT_SECRET,
        "users": {u: {"password": p, "role": r} for u, p, r in USERS},
        "timings": timings,
        "logs": {k: paths[k] for k in ("setup_log", "api_log", "scheduler_log")},
    }
    TIER.write_state(name, state)
    TIER.step(f"ready at {url} (pgid {proc.pid}); timings {timings}", paths["setup_log"])
    return url


def stop(name: str = "default") -> bool:
    """Stop the server of that name, if any. True when one was running."""
    return TIER.stop(name)


def _options(parser) -> None:
    parser.add_argument(
        "--scheduler", action="store_true", help="also run the scheduler (LocalExecutor)"
    )
    parser.add_argument(
        "--token-seconds", type=int, default=None, help="[api_auth] jwt_expiration_time"
    )
    parser.add_argument(
        "--any-run-id", action="store_true", help="[scheduler] allowed_run_id_pattern = ^.+$"
    )


def _start(args) -> str:
    return start(
        args.name,
        scheduler=args.scheduler,
        token_seconds=args.token_seconds,
        any_run_id=args.any_run_id,
    )


def main(argv=None) -> int:
    return TIER.main(__doc__, argv, _options, _start)


if __name__ == "__main__":
    sys.exit(main())
