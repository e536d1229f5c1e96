"""The command line's figures: wall time of whole processes, as a shell or a CI job sees them.

    airflow-sdk get-dag-run    `airflow-sdk get-dag-run DAG RUN` (our SDK's venv): start-up, the
                               call, the answer printed as JSON
    script                     the same call in a plain `python -c` script: urllib3 + json (the
                               floor's venv), the answer printed as JSON
    airflow-sdk --help         the help, which imports no model and no pydantic

run.py calls `measure` after its rounds (with the bench server still up) and appends `report`'s
section to the results. Every figure is the median wall time over fresh processes, run
interleaved in a rotating order so machine noise hits all alike; the ratios are the medians of
the per-round ratios to the script. `python benchmarks/cli.py [--runs N]` is a look on its own,
with the project's .venv for all three.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
USER, PASSWORD = "admin", "admin"
DAG_ID = "example_sdk_dag"
RUN_ID = "manual__2024-01-10T00:00:00.123456+00:00"
TARGET = 1.5
"""`airflow-sdk get-dag-run` should take at most this many times the script's wall time."""
RUNS = {"full": 15, "quick": 5}

SCRIPT = """\
import base64, json, sys
from urllib.parse import quote
import urllib3
host, dag_id, run_id = sys.argv[1:4]
auth = base64.b64encode(b"admin:admin").decode()
answer = urllib3.PoolManager().request(
    "GET", f"{host}/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}",
    headers={"Accept": "application/json", "Authorization": f"Basic {auth}"},
)
if answer.status != 200:
    sys.exit(f"HTTP {answer.status}")
print(json.dumps(json.loads(answer.data)))
"""
"""The floor: the same GET with urllib3, the answer decoded and printed with json."""

FIGURES = ("script", "get", "help")
LABELS = {
    "script": "script: `python -c` with urllib3 + json",
    "get": "`airflow-sdk get-dag-run`",
    "help": "`airflow-sdk --help`",
}


def commands(sdk_bin: Path, floor_python: Path, host: str) -> Dict[str, List[str]]:
    """The command line of each figure."""
    cli = [str(sdk_bin / "airflow-sdk")] if (sdk_bin / "airflow-sdk").exists() else [
        str(sdk_bin / "python"), "-m", "airflow_python_sdk",
    ]  # fmt: skip
    return {
        "script": [str(floor_python), "-c", SCRIPT, host, DAG_ID, RUN_ID],
        "get": [*cli, "get-dag-run", DAG_ID, RUN_ID],
        "help": [*cli, "--help"],
    }


def wall_time(command: Sequence[str], env: Dict[str, str]) -> float:
    """Seconds from start to exit of one process; it must succeed and print something."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=HERE)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout:
        error = done.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        raise RuntimeError(f"{Path(command[0]).name} exited {done.returncode}: {error[-1]}")
    return seconds


def measure(
    sdk_bin: Path,
    floor_python: Path,
    host: str,
    env: Dict[str, str],
    runs: int,
    log: Callable[[str], None] = lambda message: None,
) -> Dict[str, object]:
    """Wall times (seconds) of every figure, `runs` rounds, after one untimed warm-up each."""
    env = {**env, "AIRFLOW_API_URL": host, "AIRFLOW_USERNAME": USER, "AIRFLOW_PASSWORD": PASSWORD}
    lines = commands(sdk_bin, floor_python, host)
    times: Dict[str, List[float]] = {name: [] for name in FIGURES}
    try:
        for name in FIGURES:  # .pyc files and disk caches
            wall_time(lines[name], env)
        for index in range(runs):
            order = [FIGURES[(index + i) % len(FIGURES)] for i in range(len(FIGURES))]
            for name in order:
                times[name].append(wall_time(lines[name], env))
    except RuntimeError as error:
        log(f"command line figures: {error}")
        return {"error": str(error)}
    log(f"command line figures: {runs} rounds")
    return {"times": times}


def report(figures: Dict[str, object]) -> str:
    """The markdown section of the results."""
    out = ["## Command line", ""]
    if "error" in figures:
        return "\n".join([*out, f"Not measured: `{figures['error']}`", ""])
    times: Dict[str, List[float]] = figures["times"]  # type: ignore[assignment]
    runs = len(times["script"])
    out += [
        "| figure | wall time (median) | vs script | target | verdict |",
        "|---|---|---|---|---|",
    ]
    for name in FIGURES:
        ratios = [value / floor for value, floor in zip(times[name], times["script"])]
        ratio = statistics.median(ratios)
        cells = [LABELS[name], f"{statistics.median(times[name]) * 1000:,.0f} ms"]
        cells.append("–" if name == "script" else f"{ratio:.2f}x")
        if name == "get":
            verdict = "meets" if ratio <= TARGET else "MISSES"
            spread = f"rounds {min(ratios):.2f}–{max(ratios):.2f}x"
            cells += [f"≤ {TARGET:.2f}x", f"{verdict} ({ratio:.2f}x; {spread})"]
        else:
            cells += ["–", "–"]
        out.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        f"Wall time of whole processes, interpreter start-up included, {runs} interleaved rounds "
        "after one untimed warm-up; the GET goes to the bench server above. `airflow-sdk` is our "
        "SDK's console script in its venv; the script runs with the floor's venv (the same "
        "python and urllib3).",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS["quick"], help="rounds (default 5)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--lifetime", "600"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline().split()[1])  # type: ignore[union-attr]
        venv = ROOT / ".venv" / "bin"
        host = f"http://127.0.0.1:{port}/api/v1"
        figures = measure(venv, venv / "python", host, env, args.runs, print)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)
    print(report(figures))


if __name__ == "__main__":
    main()
