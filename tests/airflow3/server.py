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
Only the standard library is used here; Airflow runs from the venv's interpreter.
"""

from __future__ import annotations

import argparse
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

AIRFLOW_VERSION = "3.3.2"
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

# username, password, role (simple auth manager roles: viewer, user, op, admin)
USERS = (("admin", "admin", "admin"), ("viewer", "viewer", "viewer"))
# Fixed so that tests (and replay.py) can forge tokens: HS512, PyJWT encodes the str as UTF-8.
# 64+ bytes, so PyJWT has no key-length warning for HS512.
JWT_SECRET = "sdk-real-airflow3-tier-jwt-secret-not-for-production-0123456789abcdef"
JWT_ALGORITHM = "HS512"
JWT_AUDIENCE = "apache-airflow"
HEALTH_TIMEOUT = 240.0  # 38-105 s were seen on a busy 2-core machine
STOP_GRACE = 30.0

VERBOSE = False


# --------------------------------------------------------------------------- paths & output


def _paths(name: str) -> dict:
    suffix = "" if name == "default" else f"-{name}"
    return {
        "home": os.path.join(WORK, f"home{suffix}"),
        "state": os.path.join(WORK, f"server{suffix}.json"),
        "setup_log": os.path.join(WORK, f"setup{suffix}.log"),
        "api_log": os.path.join(WORK, f"api-server{suffix}.log"),
        "scheduler_log": os.path.join(WORK, f"scheduler{suffix}.log"),
    }


def _step(msg: str, log_path: str | None = None) -> None:
    line = f"[airflow3-tier {time.strftime('%H:%M:%S')}] {msg}"
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
        if key.startswith(("AIRFLOW", "_AIRFLOW", "GUNICORN", "UVICORN")) or key in (
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


def airflow_env(
    home: str,
    port: int | None = None,
    scheduler: bool = False,
    token_seconds: int | None = None,
    any_run_id: bool = False,
) -> dict:
    """Environment for every airflow command (also usable by tests that need the CLI)."""
    env = _clean_env()
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


# --------------------------------------------------------------------------- venv


def ensure_venv(log_path: str) -> bool:
    """Create the venv and install Airflow unless already done. True when it installed."""
    if os.path.exists(INSTALL_STAMP) and os.path.exists(AIRFLOW_BIN):
        return False
    os.makedirs(WORK, exist_ok=True)
    # Two starts at once (default and sched): one installs, the other waits for it.
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
    _run([VENV_PYTHON, SEED_SCRIPT], env, log_path, "airflow setup (seed.py)")


# --------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stat(pid: int):
    """(state, ppid, pgid, sid, starttime) of a pid from /proc, or None when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "r", encoding="utf-8", errors="replace") as fh:
            data = fh.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError, OSError):
        return None
    fields = data[data.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); ppid 4, pgrp 5, session 6, starttime 22.
    return fields[0], int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19])


def _all_procs() -> dict:
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _proc_stat(int(entry))
            if st and st[0] not in ("Z", "X"):
                procs[int(entry)] = st
    return procs


def _ours(pgid: int) -> dict:
    """{pid: starttime} of every live process of our server: the process group / session that
    start() made, and every descendant of those (task processes get groups of their own)."""
    procs = _all_procs()
    found = {pid for pid, st in procs.items() if st[2] == pgid or st[3] == pgid}
    children: dict = {}
    for pid, st in procs.items():
        children.setdefault(st[1], []).append(pid)
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return {pid: procs[pid][4] for pid in found}


def _alive(tracked: dict) -> dict:
    """The tracked {pid: starttime} that still run (same pid and start time: not a reused pid)."""
    alive = {}
    for pid, starttime in tracked.items():
        st = _proc_stat(pid)
        if st is not None and st[0] not in ("Z", "X") and st[4] == starttime:
            alive[pid] = starttime
    return alive


def _signal_all(tracked: dict, pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in _alive(tracked):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _kill_group(pgid: int, leader_starttime, grace: float = STOP_GRACE) -> None:
    """End the process group pgid (and the descendants of its members), if it is still ours."""
    leader = _proc_stat(pgid)
    if leader is not None and leader_starttime is not None and leader[4] != leader_starttime:
        if leader[2] == pgid:  # the recorded leader's pid now leads another, new group
            return
    tracked = _ours(pgid)
    if not tracked:
        return
    # SIGTERM to the leaders only at first: airflow's processes shut their children down.
    _signal_all({}, pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap(list(tracked))
        tracked.update(_ours(pgid))  # late children (a task started during shutdown)
        if not _alive(tracked):
            _wait_reaped(tracked)
            return
        tracked = _alive(tracked)
        if time.monotonic() > deadline - grace / 2:
            _signal_all(tracked, pgid, signal.SIGTERM)  # stragglers outside the group
        time.sleep(0.2)
    _signal_all(tracked, pgid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _reap(list(tracked))
        if not _alive(tracked):
            _wait_reaped(tracked)
            return
        time.sleep(0.1)


def _wait_reaped(tracked: dict, timeout: float = 3.0) -> None:
    """Exited processes stay zombies until their parent (often init) reaps them; wait a little
    so that `pgrep airflow` right after stop() shows nothing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(list(tracked))
        if not any(
            (st := _proc_stat(pid)) is not None and st[4] == start for pid, start in tracked.items()
        ):
            return
        time.sleep(0.05)


def _reap(pids) -> None:
    """Collect those of the pids that are our own exited children (when start and stop share a
    process, e.g. a test session); other processes' children are not ours to wait for."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except (ChildProcessError, OSError):
            pass


def _http(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 5.0):
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_token(url: str, username: str = "admin", password: str = "admin", timeout: float = 30.0):
    """A fresh access token from POST /auth/token (url: the server's root URL)."""
    status, body = _http(
        url + "/auth/token",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )
    if status != 201:
        raise StartError(f"POST /auth/token as {username}: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


def _wait_ready(url: str, checks: list, timeout: float, scheduler: bool) -> None:
    deadline = time.monotonic() + timeout
    stage = "health"
    while time.monotonic() < deadline:
        for what, exited in checks:
            if exited() is not None:
                raise StartError(f"airflow {what} exited early")
        try:
            status, body = _http(url + "/api/v2/monitor/health", timeout=5)
            if status == 200 and b"metadatabase" in body:
                # The API itself, with a token, and the DAGs and seeded runs in the DB.
                stage = "authenticated list call"
                token = get_token(url)
                status, body = _http(
                    url + "/api/v2/dags/example_sdk_dag/dagRuns?limit=1",
                    headers={"Authorization": "Bearer " + token},
                    timeout=30,
                )
                if status == 200 and b'"total_entries":1' in body:
                    if not scheduler:
                        return
                    stage = "scheduler heartbeat"
                    health = json.loads(_http(url + "/api/v2/monitor/health", timeout=5)[1])
                    if health.get("scheduler", {}).get("status") == "healthy":
                        return
        except (urllib.error.URLError, OSError, ConnectionError, ValueError, StartError):
            pass
        time.sleep(0.5)
    raise StartError(f"{url} not ready within {timeout:.0f} s (waiting for: {stage})")


# With --scheduler, the api-server's process starts as this shell, which puts the scheduler in
# the background (same session and process group, which only a member can do) and then becomes
# the api-server (exec: same pid, the group's leader).
_WITH_SCHEDULER = """
"$1" scheduler --skip-serve-logs >>"$2" 2>&1 </dev/null &
echo $! >"$3"
shift 3
exec "$@"
"""


def _pid_alive(pid: int) -> bool:
    st = _proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def start_processes(home: str, paths: dict, scheduler: bool, token_seconds, any_run_id):
    last_error = None
    sched_pidfile = os.path.join(home, "scheduler.pid")
    for _attempt in range(3):  # a port taken between choosing and binding: pick another
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = airflow_env(home, port, scheduler, token_seconds, any_run_id)
        cmd = [AIRFLOW_BIN, "api-server", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--workers", "1"]
        _step("$ " + " ".join(cmd), paths["setup_log"])
        if scheduler:
            # --skip-serve-logs: no log server on 0.0.0.0:8793 (everything stays on loopback).
            _step(f"$ {AIRFLOW_BIN} scheduler --skip-serve-logs", paths["setup_log"])
            with open(paths["scheduler_log"], "a", encoding="utf-8") as log:
                log.write(f"$ {AIRFLOW_BIN} scheduler --skip-serve-logs\n")
            if os.path.exists(sched_pidfile):
                os.remove(sched_pidfile)
            cmd = [
                "/bin/sh",
                "-c",
                _WITH_SCHEDULER,
                "sh",
                AIRFLOW_BIN,
                paths["scheduler_log"],
                sched_pidfile,
            ] + cmd
        with open(paths["api_log"], "a", encoding="utf-8") as log:
            log.write("$ " + " ".join(cmd) + "\n")
            log.flush()
            # start_new_session: the api-server (and the scheduler, its LocalExecutor workers...)
            # form one session and process group (pgid == proc.pid) that stop() ends as a whole.
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
        starttime = st[4] if st else None
        try:
            checks = [("api-server", proc.poll)]
            if scheduler:
                checks.append(("scheduler", lambda: _scheduler_exit(sched_pidfile)))
            _wait_ready(url, checks, HEALTH_TIMEOUT, scheduler)
            return proc, port, url, starttime
        except BaseException as exc:  # also Ctrl-C / SIGTERM: never leave it running
            _kill_group(proc.pid, starttime)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if not isinstance(exc, StartError):
                raise
            last_error = exc
            if "address already in use" not in _tail(paths["api_log"], 40).lower():
                break
    log = paths["api_log"]
    text = f"{last_error}; last lines of {log}:\n{_tail(log)}"
    if scheduler:
        text += f"\nlast lines of {paths['scheduler_log']}:\n{_tail(paths['scheduler_log'])}"
    raise StartError(text)


def _scheduler_exit(pidfile: str):
    """None while the scheduler (whose pid the launching shell wrote) runs, like Popen.poll()."""
    try:
        with open(pidfile, "r", encoding="utf-8") as fh:
            return None if _pid_alive(int(fh.read().strip())) else "exited"
    except (OSError, ValueError):
        return None  # not written yet


# --------------------------------------------------------------------------- commands


def read_state(name: str = "default"):
    try:
        with open(_paths(name)["state"], "r", encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def start(
    name: str = "default",
    scheduler: bool = False,
    token_seconds: int | None = None,
    any_run_id: bool = False,
) -> str:
    """Start a fresh server; returns its root URL. Stops a previous one of that name first."""
    paths = _paths(name)
    os.makedirs(WORK, exist_ok=True)
    stop(name)
    for key in ("setup_log", "api_log", "scheduler_log"):
        with open(paths[key], "w", encoding="utf-8"):
            pass
    timings = {}
    t0 = time.monotonic()
    installed = ensure_venv(paths["setup_log"])
    timings["venv_install_s"] = round(time.monotonic() - t0, 1) if installed else 0.0
    t1 = time.monotonic()
    _step(f"fresh AIRFLOW_HOME {paths['home']}: migrate, reserialize, seed", paths["setup_log"])
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
    tmp = paths["state"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, paths["state"])
    _step(f"ready at {url} (pgid {proc.pid}); timings {timings}", paths["setup_log"])
    return url


def is_running(state) -> bool:
    if not state:
        return False
    leader = _proc_stat(int(state["pgid"]))
    if (
        leader is not None
        and leader[4] != state.get("leader_starttime")
        and leader[2] == state["pgid"]
    ):
        return False  # pid reused by an unrelated process group
    return bool(_ours(int(state["pgid"])))


def stop(name: str = "default") -> bool:
    """Stop the server of that name, if any. True when one was running."""
    paths = _paths(name)
    state = read_state(name)
    if state is None:
        if os.path.exists(paths["state"]):
            os.remove(paths["state"])
        return False
    t0 = time.monotonic()
    running = is_running(state)
    _kill_group(int(state["pgid"]), state.get("leader_starttime"))
    os.remove(paths["state"])
    _step(
        f"stopped process group {state['pgid']} in {time.monotonic() - t0:.1f} s",
        paths["setup_log"] if os.path.isdir(WORK) else None,
    )
    return running


def main(argv=None) -> int:
    global VERBOSE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop", "url", "status"))
    parser.add_argument(
        "--name", default="default", help="run several servers side by side (own home/state/logs)"
    )
    parser.add_argument(
        "--scheduler", action="store_true", help="also run the scheduler (LocalExecutor)"
    )
    parser.add_argument(
        "--token-seconds", type=int, default=None, help="[api_auth] jwt_expiration_time"
    )
    parser.add_argument(
        "--any-run-id", action="store_true", help="[scheduler] allowed_run_id_pattern = ^.+$"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="echo steps on stderr")
    args = parser.parse_args(argv)
    VERBOSE = args.verbose
    if args.command == "start":
        # Killed while starting (a CI timeout...): unwind, so the servers' group is ended.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            url = start(
                args.name,
                scheduler=args.scheduler,
                token_seconds=args.token_seconds,
                any_run_id=args.any_run_id,
            )
        except StartError as exc:
            print(f"server.py start: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            stop(args.name)
            return 130
        print(url, flush=True)
        return 0
    if args.command == "stop":
        stop(args.name)
        return 0
    state = read_state(args.name)
    if not is_running(state):
        print("not running", file=sys.stderr)
        return 1
    if args.command == "url":
        print(state["url"])
    else:
        print(json.dumps(state, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
