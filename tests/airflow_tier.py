"""What tests/airflow/server.py (Airflow 2) and tests/airflow3/server.py (Airflow 3) share: the
venv with its install stamp, the state file and logs under the tier's .work/, the process group a
server runs in and how it is stopped, the HTTP and readiness helpers, and the command line's
common part. Standard library only (any Python 3.9+); both scripts import it by putting this
folder on sys.path.
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

STOP_GRACE = 30.0


class StartError(RuntimeError):
    pass


def tail(path: str, lines: int = 60) -> str:
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return f"(no log at {path})\n"


# --------------------------------------------------------------------------- one tier's files


class Tier:
    """One tier's .work/ folder (beside its server.py): venv, homes, state files and logs."""

    def __init__(self, here: str, version: str, tag: str, logs: dict) -> None:
        self.version = version
        self.tag = tag  # the prefix of the step lines, e.g. "airflow3-tier"
        self.logs = logs  # {paths key: file stem} of the server's own logs
        self.work = os.path.join(here, ".work")
        self.venv = os.path.join(self.work, "venv")
        self.venv_bin = os.path.join(self.venv, "bin")
        self.venv_python = os.path.join(self.venv_bin, "python")
        self.airflow_bin = os.path.join(self.venv_bin, "airflow")
        self.install_stamp = os.path.join(self.venv, f".apache-airflow-{version}-installed")
        self.install_log = os.path.join(self.work, "install.log")
        self.verbose = False

    def paths(self, name: str) -> dict:
        suffix = "" if name == "default" else f"-{name}"
        paths = {
            "home": os.path.join(self.work, f"home{suffix}"),
            "state": os.path.join(self.work, f"server{suffix}.json"),
            "setup_log": os.path.join(self.work, f"setup{suffix}.log"),
        }
        for key, stem in self.logs.items():
            paths[key] = os.path.join(self.work, f"{stem}{suffix}.log")
        return paths

    def step(self, msg: str, log_path: str | None = None) -> None:
        line = f"[{self.tag} {time.strftime('%H:%M:%S')}] {msg}"
        if self.verbose:
            print(line, file=sys.stderr, flush=True)
        if log_path:
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")

    def clean_env(self) -> dict:
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
        env["PATH"] = self.venv_bin + os.pathsep + env.get("PATH", "")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def run(self, cmd: list, env: dict, log_path: str, what: str) -> None:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("$ " + " ".join(cmd) + "\n")
            log.flush()
            rc = subprocess.call(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=self.work,
            )
        if rc != 0:
            raise StartError(
                f"{what} failed (exit {rc}); last lines of {log_path}:\n{tail(log_path)}"
            )

    def ensure_venv(self, log_path: str) -> bool:
        """Create the venv and install Airflow unless already done. True when it installed."""
        if os.path.exists(self.install_stamp) and os.path.exists(self.airflow_bin):
            return False
        os.makedirs(self.work, exist_ok=True)
        # Two starts at once (e.g. two names): one installs, the other waits for it.
        with open(os.path.join(self.work, ".venv.lock"), "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if os.path.exists(self.install_stamp) and os.path.exists(self.airflow_bin):
                return False
            if os.path.exists(self.venv):  # an interrupted install: start over
                shutil.rmtree(self.venv)
            package = f"apache-airflow=={self.version}"
            self.step(f"creating {self.venv} and installing {package}", log_path)
            env = self.clean_env()
            env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
            open(self.install_log, "w", encoding="utf-8").close()
            self.run(
                [sys.executable, "-m", "venv", self.venv],
                env,
                self.install_log,
                "creating the venv",
            )
            pip = [self.venv_python, "-m", "pip", "install", "--progress-bar", "off", package]
            self.run(pip, env, self.install_log, f"installing {package}")
            with open(self.install_stamp, "w", encoding="utf-8") as fh:
                fh.write(self.version + "\n")
        return True

    def begin(self, name: str) -> tuple:
        """What every start does first: stop that server, empty logs, the venv.
        Returns (paths, timings, t0)."""
        paths = self.paths(name)
        os.makedirs(self.work, exist_ok=True)
        self.stop(name)
        for key in ["setup_log", *self.logs]:
            with open(paths[key], "w", encoding="utf-8"):
                pass
        t0 = time.monotonic()
        installed = self.ensure_venv(paths["setup_log"])
        timings = {"venv_install_s": round(time.monotonic() - t0, 1) if installed else 0.0}
        return paths, timings, t0

    def read_state(self, name: str):
        try:
            with open(self.paths(name)["state"], "r", encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def write_state(self, name: str, state: dict) -> None:
        path = self.paths(name)["state"]
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.replace(path + ".tmp", path)

    def stop(self, name: str) -> bool:
        """Stop the server of that name, if any. True when one was running."""
        paths = self.paths(name)
        state = self.read_state(name)
        if state is None:
            if os.path.exists(paths["state"]):
                os.remove(paths["state"])
            return False
        t0 = time.monotonic()
        running = is_running(state)
        kill_group(int(state["pgid"]), state.get("leader_starttime"))
        os.remove(paths["state"])
        self.step(
            f"stopped process group {state['pgid']} in {time.monotonic() - t0:.1f} s",
            paths["setup_log"] if os.path.isdir(self.work) else None,
        )
        return running

    def main(self, doc: str, argv, add_options, start) -> int:
        """server.py's command line: start (start(args) gives the URL) | stop | url | status."""
        parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
        parser.add_argument("command", choices=("start", "stop", "url", "status"))
        parser.add_argument(
            "--name",
            default="default",
            help="run several servers side by side (own home/state/logs)",
        )
        add_options(parser)
        parser.add_argument("-v", "--verbose", action="store_true", help="echo steps on stderr")
        args = parser.parse_args(argv)
        self.verbose = args.verbose
        if args.command == "start":
            # Killed while starting (a CI timeout...): unwind, so the servers' group is ended.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
            try:
                url = start(args)
            except StartError as exc:
                print(f"server.py start: {exc}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                self.stop(args.name)
                return 130
            print(url, flush=True)
            return 0
        if args.command == "stop":
            self.stop(args.name)
            return 0
        state = self.read_state(args.name)
        if not is_running(state):
            print("not running", file=sys.stderr)
            return 1
        if args.command == "url":
            print(state["url"])
        else:
            print(json.dumps(state, indent=2, sort_keys=True))
        return 0


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid: int):
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
            st = proc_stat(int(entry))
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
        st = proc_stat(pid)
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


def is_running(state) -> bool:
    """Whether the server a state file records still runs."""
    if not state:
        return False
    leader = proc_stat(int(state["pgid"]))
    if (
        leader is not None
        and leader[4] != state.get("leader_starttime")
        and leader[2] == state["pgid"]
    ):
        return False  # pid reused by an unrelated process group
    return bool(_ours(int(state["pgid"])))


def kill_group(pgid: int, leader_starttime, grace: float = STOP_GRACE) -> None:
    """End the process group pgid (and the descendants of its members), if it is still ours."""
    leader = proc_stat(pgid)
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
            (st := proc_stat(pid)) is not None and st[4] == start for pid, start in tracked.items()
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


def serve(launch, ready, log_path: str, extra_logs: tuple = ()) -> tuple:
    """Start a server on a free port; (proc, port, url, leader starttime) once ready.

    launch(port) starts it in a new session and process group (pgid == proc.pid) and returns
    (proc, url); ready(url, proc) returns once it answers or raises StartError. On failure the
    group is ended; a port taken between choosing and binding gets up to two more tries."""
    last_error = None
    for _attempt in range(3):
        port = free_port()
        proc, url = launch(port)
        st = proc_stat(proc.pid)
        starttime = st[4] if st else None
        try:
            ready(url, proc)
            return proc, port, url, starttime
        except BaseException as exc:  # also Ctrl-C / SIGTERM: never leave it running
            kill_group(proc.pid, starttime)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if not isinstance(exc, StartError):
                raise
            last_error = exc
            text = tail(log_path, 40).lower()
            if "connection in use" not in text and "address already in use" not in text:
                break
    text = f"{last_error}; last lines of {log_path}:\n{tail(log_path)}"
    for path in extra_logs:
        text += f"\nlast lines of {path}:\n{tail(path)}"
    raise StartError(text)


def popen(cmd: list, env: dict, cwd: str, log_path: str) -> subprocess.Popen:
    """cmd in a new session and process group (pgid == its pid), output appended to log_path."""
    with open(log_path, "a", encoding="utf-8") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        return subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


# --------------------------------------------------------------------------- HTTP


def http(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 5.0):
    """(status, body) of a request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(probe, checks: list, timeout: float, timed_out) -> None:
    """Call probe() every 0.5 s until it returns True. StartError when one of checks
    [(what, poll)] says its process exited (poll() is not None), or after timeout seconds with
    the message timed_out()."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for what, poll in checks:
            code = poll()
            if code is not None:
                exit_note = f" (exit {code})" if isinstance(code, int) else ""
                raise StartError(f"airflow {what} exited early{exit_note}")
        try:
            if probe():
                return
        except (urllib.error.URLError, OSError, ConnectionError, ValueError, StartError):
            pass
        time.sleep(0.5)
    raise StartError(timed_out())


# --------------------------------------------------------------------------- replay.py


def parse_only(spec: str | None):
    """replay.py --only "1-20,65": the set of exchange numbers, None for all."""
    if not spec:
        return None
    wanted = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        wanted.update(range(int(lo), int(hi or lo) + 1))
    return wanted
