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

``stop`` sends SIGTERM to exactly the process group recorded in the state file, waits for every
process of it to exit (SIGKILL after a grace period) and removes the state file. It does nothing,
successfully, when no server runs.

Only the standard library is used here; Airflow runs from the venv's interpreter.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

AIRFLOW_VERSION = "2.11.2"
HERE = os.path.dirname(os.path.abspath(__file__))
DAGS_FOLDER = os.path.join(HERE, "dags")
SEED_SCRIPT = os.path.join(HERE, "seed.py")
WORK = os.path.join(HERE, ".work")
VENV = os.path.join(WORK, "venv")
VENV_BIN = os.path.join(VENV, "bin")
VENV_PYTHON = os.path.join(VENV_BIN, "python")
AIRFLOW_BIN = os.path.join(VENV_BIN, "airflow")
INSTALL_STAMP = os.path.join(VENV, f".apache-airflow-{AIRFLOW_VERSION}-installed")
INSTALL_LOG = os.path.join(WORK, "install.log")

AUTH_BACKEND = "airflow.providers.fab.auth_manager.api.auth.backend.basic_auth"
USERS = (
    # username, password, role
    ("admin", "admin", "Admin"),
    ("viewer", "viewer", "Viewer"),
)
HEALTH_TIMEOUT = 180.0
STOP_GRACE = 30.0

VERBOSE = False


# --------------------------------------------------------------------------- paths & output


def _paths(name: str) -> dict:
    suffix = "" if name == "default" else f"-{name}"
    return {
        "home": os.path.join(WORK, f"home{suffix}"),
        "state": os.path.join(WORK, f"server{suffix}.json"),
        "setup_log": os.path.join(WORK, f"setup{suffix}.log"),
        "webserver_log": os.path.join(WORK, f"webserver{suffix}.log"),
    }


def _step(msg: str, log_path: str | None = None) -> None:
    line = f"[airflow-tier {time.strftime('%H:%M:%S')}] {msg}"
    if VERBOSE:
        print(line, file=sys.stderr, flush=True)
    if log_path:
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def _tail(path: str, lines: int = 60) -> str:
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return f"(no log at {path})\n"


class StartError(RuntimeError):
    pass


# --------------------------------------------------------------------------- environment


def _clean_env() -> dict:
    """The caller's environment without anything that would leak into the venv's Python."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith(("AIRFLOW", "_AIRFLOW", "GUNICORN")) or key in (
            "PYTHONPATH",
            "PYTHONHOME",
            "VIRTUAL_ENV",
            "PYTHONSTARTUP",
            "PYTHONUSERBASE",
        ):
            del env[key]
    env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def airflow_env(home: str, strict: bool = False) -> dict:
    """Environment for every airflow command (also usable by tests that need the CLI)."""
    env = _clean_env()
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


# --------------------------------------------------------------------------- venv


def ensure_venv(log_path: str) -> bool:
    """Create the venv and install Airflow unless already done. True when it installed."""
    if os.path.exists(INSTALL_STAMP) and os.path.exists(AIRFLOW_BIN):
        return False
    os.makedirs(WORK, exist_ok=True)
    # Two starts at once (e.g. stock and --strict): one installs, the other waits for it.
    with open(os.path.join(WORK, ".venv.lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(INSTALL_STAMP) and os.path.exists(AIRFLOW_BIN):
            return False
        _install_venv(log_path)
    return True


def _install_venv(log_path: str) -> None:
    if os.path.exists(VENV):  # an interrupted install: start over
        shutil.rmtree(VENV)
    _step(f"creating {VENV} and installing apache-airflow=={AIRFLOW_VERSION}", log_path)
    env = _clean_env()
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    open(INSTALL_LOG, "w", encoding="utf-8").close()
    for cmd, what in (
        ([sys.executable, "-m", "venv", VENV], "creating the venv"),
        (
            [
                VENV_PYTHON,
                "-m",
                "pip",
                "install",
                "--progress-bar",
                "off",
                f"apache-airflow=={AIRFLOW_VERSION}",
            ],
            f"installing apache-airflow=={AIRFLOW_VERSION}",
        ),
    ):
        _run(cmd, env, INSTALL_LOG, what)
    with open(INSTALL_STAMP, "w", encoding="utf-8") as fh:
        fh.write(AIRFLOW_VERSION + "\n")


# --------------------------------------------------------------------------- home & seed


def _run(cmd: list, env: dict, log_path: str, what: str) -> None:
    with open(log_path, "a", encoding="utf-8") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        rc = subprocess.call(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=WORK
        )
    if rc != 0:
        raise StartError(f"{what} failed (exit {rc}); last lines of {log_path}:\n{_tail(log_path)}")


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
    _run([VENV_PYTHON, SEED_SCRIPT, "--users", users], env, log_path, "airflow setup (seed.py)")


def _write_strict_webserver_config(home: str) -> None:
    src = os.path.join(VENV, "lib")
    template = None
    for root, _dirs, files in os.walk(src):
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


# --------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stat(pid: int):
    """(state, pgid, starttime) of a pid from /proc, or None when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "r", encoding="utf-8", errors="replace") as fh:
            data = fh.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = data[data.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); pgrp is field 5, starttime field 22.
    return fields[0], int(fields[2]), int(fields[19])


def _group_members(pgid: int) -> list:
    """Live (non-zombie) pids of process group pgid."""
    if not os.path.isdir("/proc"):
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except (ProcessLookupError, PermissionError):
            return []
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _proc_stat(int(entry))
        if st and st[1] == pgid and st[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def _kill_group(pgid: int, leader_starttime, grace: float = STOP_GRACE) -> None:
    leader = _proc_stat(pgid)
    if (
        leader is not None
        and leader_starttime is not None
        and leader[2] != leader_starttime
        and leader[1] == pgid
    ):
        # The recorded leader's pid now leads another, new group: not ours any more.
        return
    if not _group_members(pgid):
        return
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap()
        if not _group_members(pgid):
            return
        time.sleep(0.2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _group_members(pgid):
        _reap()
        time.sleep(0.1)


def _reap() -> None:
    """Collect our own exited children (only relevant when start and stop share a process)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _http_get(url: str, auth: tuple | None = None, timeout: float = 5.0):
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        req.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartError(f"airflow webserver exited early (exit {proc.returncode})")
        try:
            status, body = _http_get(base + "/health", timeout=5)
            if status == 200 and b"metadatabase" in body:
                # The API itself, with credentials, and the DAGs in the DB.
                status, body = _http_get(
                    base + "/dags/example_sdk_dag/dagRuns?limit=1",
                    auth=("admin", "admin"),
                    timeout=30,
                )
                if status == 200:
                    return
        except (urllib.error.URLError, OSError, ConnectionError):
            pass
        time.sleep(0.5)
    raise StartError(f"no healthy answer from {base}/health within {timeout:.0f} s")


def start_webserver(home: str, env: dict, log_path: str, setup_log: str):
    last_error = None
    for _attempt in range(3):  # a port taken between choosing and binding: pick another
        port = _free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        cmd = [
            AIRFLOW_BIN,
            "webserver",
            "--hostname",
            "127.0.0.1",
            "--port",
            str(port),
            "--pid",
            os.path.join(home, "webserver.pid"),
        ]
        _step("$ " + " ".join(cmd), setup_log)
        with open(log_path, "a", encoding="utf-8") as log:
            # start_new_session: the webserver, gunicorn's master and its workers form one
            # process group (pgid == proc.pid) that stop() ends as a whole.
            proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=home,
                start_new_session=True,
            )
        st = _proc_stat(proc.pid)
        starttime = st[2] if st else None
        try:
            _wait_healthy(base, proc, HEALTH_TIMEOUT)
            return proc, port, base, starttime
        except BaseException as exc:  # also Ctrl-C / SIGTERM: never leave it running
            _kill_group(proc.pid, starttime)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if not isinstance(exc, StartError):
                raise
            last_error = exc
            if "Connection in use" not in _tail(log_path, 40):
                break
    raise StartError(f"{last_error}; last lines of {log_path}:\n{_tail(log_path)}")


# --------------------------------------------------------------------------- commands


def read_state(name: str = "default"):
    try:
        with open(_paths(name)["state"], "r", encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def start(name: str = "default", strict: bool = False) -> str:
    """Start a fresh server; returns the API base URL. Stops a previous one of that name."""
    paths = _paths(name)
    os.makedirs(WORK, exist_ok=True)
    stop(name)
    for key in ("setup_log", "webserver_log"):
        with open(paths[key], "w", encoding="utf-8"):
            pass
    timings = {}
    t0 = time.monotonic()
    installed = ensure_venv(paths["setup_log"])
    timings["venv_install_s"] = round(time.monotonic() - t0, 1) if installed else 0.0
    env = airflow_env(paths["home"], strict=strict)
    t1 = time.monotonic()
    _step(
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
    tmp = paths["state"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, paths["state"])
    _step(f"ready at {base} (pgid {proc.pid}); timings {timings}", paths["setup_log"])
    return base


def stop(name: str = "default") -> bool:
    """Stop the server of that name, if any. True when one was running."""
    paths = _paths(name)
    state = read_state(name)
    if state is None:
        if os.path.exists(paths["state"]):
            os.remove(paths["state"])
        return False
    pgid = int(state["pgid"])
    running = bool(_group_members(pgid))
    _kill_group(pgid, state.get("leader_starttime"))
    os.remove(paths["state"])
    _step(f"stopped process group {pgid}", paths["setup_log"] if os.path.isdir(WORK) else None)
    return running


def main(argv=None) -> int:
    global VERBOSE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop", "url", "status"))
    parser.add_argument(
        "--name", default="default", help="run several servers side by side (own home/state/logs)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="AUTH_ROLE_PUBLIC = None (401s) and allowed_run_id_pattern ^.+$",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="echo steps on stderr")
    args = parser.parse_args(argv)
    VERBOSE = args.verbose
    if args.command == "start":
        # Killed while starting (a CI timeout...): unwind, so the webserver's group is ended.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            print(start(args.name, strict=args.strict), flush=True)
        except StartError as exc:
            print(f"server.py start: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            stop(args.name)
            return 130
        return 0
    if args.command == "stop":
        stop(args.name)
        return 0
    state = read_state(args.name)
    if state is None or not _group_members(int(state["pgid"])):
        print("not running", file=sys.stderr)
        return 1
    if args.command == "url":
        print(state["url"])
    else:
        print(json.dumps(state, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
