#!/usr/bin/env python3
"""Run a real Apache Airflow 2.11.2 webserver on 127.0.0.1 for the "real Airflow" test tier.

    python tests/airflow/server.py start [--strict] [--name NAME] [-v]
    python tests/airflow/server.py url   [--name NAME]
    python tests/airflow/server.py stop  [--name NAME]

``start`` installs apache-airflow==2.11.2 into tests/airflow/.work/venv (once), builds a fresh
AIRFLOW_HOME (SQLite) under tests/airflow/.work/home, migrates the DB, creates the users
admin/admin (Admin) and viewer/viewer (Viewer), serializes the DAGs in tests/airflow/dags,
seeds the dataset event and the dataset-triggered run of the transcripts (#19, #65), starts
``airflow webserver`` on a free port in its own process group, waits for /api/v1/health and
prints the API base URL (``http://127.0.0.1:PORT/api/v1``) on stdout, nothing else.
Progress and the servers' output go to tests/airflow/.work/*.log (``-v`` also echoes steps).

``--strict`` starts the variant of the transcripts #114-130 instead: ``AUTH_ROLE_PUBLIC = None``
(missing or wrong credentials give 401) and ``allowed_run_id_pattern = ^.+$``.
``--name`` keeps several servers apart (own home, log and state file; the venv is shared).

``stop`` sends SIGTERM to exactly the process group recorded in the state file (and to the
descendants of its members that left it), waits for every one of them to exit (SIGKILL after a
grace period) and removes the state file. It does nothing, successfully, when no server runs.

Only the standard library is used here (and tests/airflow_tier.py, which tests/airflow3/server.py
shares); Airflow runs from the venv's interpreter.
"""

from __future__ import annotations

import base64
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.append(os.path.dirname(HERE))  # tests/: the shared airflow_tier.py
import airflow_tier  # noqa: E402
from airflow_tier import StartError  # noqa: E402

AIRFLOW_VERSION = "2.11.2"
DAGS_FOLDER = os.path.join(HERE, "dags")
SEED_SCRIPT = os.path.join(HERE, "seed.py")
TIER = airflow_tier.Tier(HERE, AIRFLOW_VERSION, "airflow-tier", {"webserver_log": "webserver"})

AUTH_BACKEND = "airflow.providers.fab.auth_manager.api.auth.backend.basic_auth"
USERS = (
    # username, password, role
    ("admin", "admin", "Admin"),
    ("viewer", "viewer", "Viewer"),
)
ADMIN_AUTH = {"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}
HEALTH_TIMEOUT = 180.0


# --------------------------------------------------------------------------- environment


def airflow_env(home: str, strict: bool = False) -> dict:
    """Environment for every airflow command (also usable by tests that need the CLI)."""
    env = TIER.clean_env()
    env.update(
        {
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__DAGS_FOLDER": DAGS_FOLDER,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": "utc",
            # A fixed (valid, url-safe base64 32-byte) Fernet key: quiet and reproducible.
            "AIRFLOW__CORE__FERNET_KEY": "c2RrLXRlc3QtdGllci1mZXJuZXQta2V5LTMyYnl0ZXM=",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "sqlite:///" + os.path.join(home, "airflow.db"),
            "AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS": "False",
            "AIRFLOW__API__AUTH_BACKENDS": AUTH_BACKEND,
            "AIRFLOW__WEBSERVER__WORKERS": "2",
            "AIRFLOW__WEBSERVER__SECRET_KEY": "sdk-real-airflow-tier",
            "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "False",
            "AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
            "SCARF_ANALYTICS": "false",
            # gunicorn >= 24 opens a control socket in ~/.gunicorn/ by default: two servers
            # (stock and --strict) would fight over it, and it is outside .work/.
            "GUNICORN_CMD_ARGS": "--no-control-socket",
            "DO_NOT_TRACK": "true",
            "TZ": "UTC",
        }
    )
    if strict:
        env["AIRFLOW__SCHEDULER__ALLOWED_RUN_ID_PATTERN"] = "^.+$"
    return env


# --------------------------------------------------------------------------- home & seed


def prepare_home(home: str, env: dict, log_path: str, strict: bool) -> None:
    if os.path.exists(home):
        shutil.rmtree(home)
    os.makedirs(home)
    if strict:
        # The stock webserver_config.py (Airflow writes it only when missing) plus the strict
        # setting: anonymous requests get 401 instead of running as the "Public" role.
        _write_strict_webserver_config(home)
    # One interpreter for migrate + users + reserialize + seed (see seed.py): each separate
    # `airflow` CLI call would pay Airflow's import time again.
    users = ",".join(f"{u}:{p}:{r}" for u, p, r in USERS)
    cmd = [TIER.venv_python, SEED_SCRIPT, "--users", users]
    TIER.run(cmd, env, log_path, "airflow setup (seed.py)")


def _write_strict_webserver_config(home: str) -> None:
    template = None
    for root, _dirs, files in os.walk(os.path.join(TIER.venv, "lib")):
        if (
            root.endswith(os.path.join("airflow", "config_templates"))
            and "default_webserver_config.py" in files
        ):
            template = os.path.join(root, "default_webserver_config.py")
            break
    if template is None:
        raise StartError("default_webserver_config.py not found in the venv")
    with open(template, "r", encoding="utf-8") as fh:
        text = fh.read()
    text += "\n# sdk real-Airflow tier, --strict: no anonymous role, so no credentials -> 401\n"
    text += "AUTH_ROLE_PUBLIC = None\n"
    with open(os.path.join(home, "webserver_config.py"), "w", encoding="utf-8") as fh:
        fh.write(text)


# --------------------------------------------------------------------------- the webserver


def _healthy(base: str) -> bool:
    status, body = airflow_tier.http(base + "/health", timeout=5)
    if status != 200 or b"metadatabase" not in body:
        return False
    # The API itself, with credentials, and the DAGs in the DB.
    url = base + "/dags/example_sdk_dag/dagRuns?limit=1"
    return airflow_tier.http(url, headers=ADMIN_AUTH, timeout=30)[0] == 200


def start_webserver(home: str, env: dict, log_path: str, setup_log: str):
    def launch(port):
        cmd = [TIER.airflow_bin, "webserver", "--hostname", "127.0.0.1", "--port", str(port)]
        cmd += ["--pid", os.path.join(home, "webserver.pid")]
        TIER.step("$ " + " ".join(cmd), setup_log)
        # The webserver, gunicorn's master and its workers form one process group.
        return airflow_tier.popen(cmd, env, home, log_path), f"http://127.0.0.1:{port}/api/v1"

    def ready(base, proc):
        airflow_tier.wait_ready(
            lambda: _healthy(base),
            [("webserver", proc.poll)],
            HEALTH_TIMEOUT,
            lambda: f"no healthy answer from {base}/health within {HEALTH_TIMEOUT:.0f} s",
        )

    return airflow_tier.serve(launch, ready, log_path)


# --------------------------------------------------------------------------- commands


def read_state(name: str = "default"):
    return TIER.read_state(name)


def start(name: str = "default", strict: bool = False) -> str:
    """Start a fresh server; returns the API base URL. Stops a previous one of that name."""
    paths, timings, t0 = TIER.begin(name)
    env = airflow_env(paths["home"], strict=strict)
    t1 = time.monotonic()
    TIER.step(
        f"fresh AIRFLOW_HOME {paths['home']}: migrate, users, reserialize, seed", paths["setup_log"]
    )
    prepare_home(paths["home"], env, paths["setup_log"], strict)
    timings["setup_s"] = round(time.monotonic() - t1, 1)
    t2 = time.monotonic()
    proc, port, base, starttime = start_webserver(
        paths["home"], env, paths["webserver_log"], paths["setup_log"]
    )
    timings["webserver_s"] = round(time.monotonic() - t2, 1)
    timings["total_s"] = round(time.monotonic() - t0, 1)
    state = {
        "url": base,
        "host": "127.0.0.1",
        "port": port,
        "pid": proc.pid,
        "pgid": proc.pid,
        "leader_starttime": starttime,
        "airflow_home": paths["home"],
        "airflow_version": AIRFLOW_VERSION,
        "strict": strict,
        "users": {u: {"password": p, "role": r} for u, p, r in USERS},
        "timings": timings,
        "webserver_log": paths["webserver_log"],
    }
    TIER.write_state(name, state)
    TIER.step(f"ready at {base} (pgid {proc.pid}); timings {timings}", paths["setup_log"])
    return base


def stop(name: str = "default") -> bool:
    """Stop the server of that name, if any. True when one was running."""
    return TIER.stop(name)


def _options(parser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help="AUTH_ROLE_PUBLIC = None (401s) and allowed_run_id_pattern ^.+$",
    )


def main(argv=None) -> int:
    return TIER.main(__doc__, argv, _options, lambda args: start(args.name, strict=args.strict))


if __name__ == "__main__":
    sys.exit(main())
