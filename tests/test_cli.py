"""The command line (`airflow-sdk`, `python -m airflow_python_sdk`), run in a subprocess.

Against the mock, and (the tests not marked ``mock_only``) against a real Airflow 2 (the v1 tests)
or Airflow 3 (the ``v2`` ones): every operation of both APIs, the body forms, ``--all`` over
several pages, ``--wait`` to success, failure and timeout with their exit statuses, one-line
errors, a refused connection, no secret in any output, and a ``--help`` that imports no model.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk import cli as cli_module
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.update_dag_run_state import UpdateDagRunState
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from helpers import CONSUMER_DAG, CONSUMER_RUN, DAG, Runs, unique_date, unique_id
from helpers_v2 import CONSUMER_DAG as CONSUMER_DAG_V2
from helpers_v2 import CONSUMER_RUN as CONSUMER_RUN_V2
from helpers_v2 import V2Runs, run_in_thread
from helpers_v2 import unique_date as unique_date_v2
from helpers_v2 import unique_id as unique_id_v2
from mock_airflow import MockAirflow

pytest_plugins = ["helpers", "helpers_v2"]

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
CLI = (sys.executable, "-m", "airflow_python_sdk")
SECRET_PASSWORD = "pw-Cl1-Zq8!secret-ü"
SECRET_TOKEN = "tok-cli-4b7e9d2a-SECRET"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
"""An RFC 3339 date-time, as the command line prints them."""


@dataclass
class Result:
    """What a command-line process did."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def lines(self) -> List[Any]:
        return [json.loads(line) for line in self.out.splitlines()]

    @property
    def states(self) -> List[str]:
        """The states a --wait showed on stderr (`prog: dag/run: state (1.2 s)` lines)."""
        return re.findall(r": (\w+) \(\d+\.\d s\)$", self.err, flags=re.MULTILINE)


def environment(
    url: Optional[str], user: Optional[Tuple[str, str]], **extra: str
) -> Dict[str, str]:
    """This process's environment without Airflow or proxy settings, then the given ones."""
    drop = ("AIRFLOW_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    if url:
        env["AIRFLOW_API_URL"] = url
    if user:
        env["AIRFLOW_USERNAME"], env["AIRFLOW_PASSWORD"] = user
    env.update(extra)
    return env


def cli(
    *args: str,
    url: Optional[str] = None,
    user: Optional[Tuple[str, str]] = ("admin", "admin"),
    stdin: Optional[str] = None,
    timeout: float = 120,
    **env: str,
) -> Result:
    """Run `python -m airflow_python_sdk ARGS` with the server and user in its environment."""
    done = subprocess.run(
        [*CLI, *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(url, user, **env),
        timeout=timeout,
        cwd=ROOT,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def iso(value: datetime) -> str:
    return value.isoformat()


def assert_one_line_error(result: Result, code: int, *words: str) -> None:
    """Nothing on stdout, one line on stderr naming the command line and holding `words`."""
    assert result.code == code, result
    assert result.out == ""
    assert len(result.err.splitlines()) == 1, result.err
    assert result.err.startswith("python -m airflow_python_sdk: ")
    for word in words:
        assert word.lower() in result.err.lower(), (word, result.err)


def assert_no_secret(result: Result, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.out and secret not in result.err, secret


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def v1_later(api: DAGRunApi, run_id: str, state: str, delay: float = 0.5) -> threading.Thread:
    """Another client sets the run's state once it exists and `delay` seconds have passed."""

    def work() -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                api.get_dag_run(DAG, run_id)
                break
            except sdk.NotFoundException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        time.sleep(delay)
        api.update_dag_run_state(DAG, run_id, UpdateDagRunState(state=state))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def v2_later(api: DagRunApi, run_id: str, state: str, delay: float = 0.5) -> threading.Thread:
    """Another client sets the v2 run's state once it exists and `delay` seconds have passed."""

    def work() -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                api.get_dag_run(DAG, run_id)
                break
            except sdk.NotFoundException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        time.sleep(delay)
        api.patch_dag_run(DAG, run_id, DAGRunPatchBody(state=state))

    return run_in_thread(work, 0)


# ---------------------------------------------------------------- help, start-up, the tables


def table(api: str) -> Any:
    """An API's command table."""
    return importlib.import_module(cli_module.TABLES[api], "airflow_python_sdk")


def command_names(api: str) -> List[str]:
    return [command.name for command in table(api).COMMANDS]


@pytest.mark.parametrize(
    "api, operations",
    [
        (
            "v1",
            [
                "post_dag_run",
                "get_dag_run",
                "get_dag_runs",
                "get_dag_runs_batch",
                "delete_dag_run",
                "update_dag_run_state",
                "set_dag_run_note",
                "clear_dag_run",
                "get_upstream_dataset_events",
            ],
        ),
        (
            "v2",
            [
                "trigger_dag_run",
                "get_dag_run",
                "get_dag_runs",
                "get_list_dag_runs_batch",
                "delete_dag_run",
                "patch_dag_run",
                "bulk_dag_runs",
                "clear_dag_run",
                "clear_dag_runs",
                "clear_dag_run_partitions",
                "get_upstream_asset_events",
                "wait_dag_run_until_finished",
            ],
        ),
    ],
)
def test_help_lists_one_command_per_operation_and_the_exit_statuses(
    api: str, operations: List[str]
) -> None:
    result = cli("--api", api, "--help", url=None, user=None)

    assert result.code == 0 and result.err == ""
    listed = re.findall(r"^    ([a-z-]+)", result.out, flags=re.MULTILINE)
    assert sorted(listed) == sorted(name.replace("_", "-") for name in operations)
    assert sorted(command_names(api)) == sorted(listed)
    trigger = "post-dag-run" if api == "v1" else "trigger-dag-run"
    assert f"{trigger} (trigger)" in result.out
    for code in range(6):
        assert re.search(rf"^  {code}  \w", result.out, flags=re.MULTILINE), code


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_every_command_has_a_help_with_its_parameters(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in table(api).COMMANDS:
        with pytest.raises(SystemExit) as done:
            cli_module.main(["--api", api, command.name, "--help"])
        assert done.value.code == 0, command.name
        text = " ".join(capsys.readouterr().out.split())
        for param in command.path:
            assert param.name.upper() in text
        for param in command.query:
            assert "--" + param.name.replace("_", "-") in text
        if command.body:
            assert "--body JSON" in text and command.body.model in text
        assert ("[--all]" in text) == command.paged
        assert ("[--wait]" in text) == bool(command.wait or command.then_wait)


def test_the_api_is_chosen_by_option_or_by_the_host_url() -> None:
    v1 = cli("--help", url="http://airflow.example:8080/api/v1/", user=None)
    v2 = cli("--help", url="http://airflow.example:8080", user=None)
    forced = cli("--host", "http://airflow.example:8080/api/v1", "--api", "v2", "--help", user=None)

    assert "post-dag-run (trigger)" in v1.out and "commands of /api/v1" in v1.out
    assert "trigger-dag-run (trigger)" in v2.out and "commands of /api/v2" in v2.out
    assert "commands of /api/v2" in forced.out


HELP_IMPORTS = """\
import sys
from airflow_python_sdk.cli import main
for argv in (["--help"], ["--api", "v1", "--help"], ["trigger", "--help"],
             ["--api", "v1", "trigger", "--help"], ["--api", "v2", "get-dag-runs", "--help"]):
    try:
        main(argv)
    except SystemExit as done:
        assert done.code == 0, argv
print(sorted(sys.modules))
"""


def test_help_imports_neither_pydantic_nor_a_model_nor_urllib3() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HELP_IMPORTS], capture_output=True, text=True, check=True
    )
    modules = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr of a list

    heavy = [
        name
        for name in modules
        if name.split(".")[0] in ("pydantic", "pydantic_core", "urllib3", "dateutil")
        or ".model" in name
        or name.endswith(("api_client", "transport"))
    ]
    assert heavy == []
    assert "airflow_python_sdk.commands" in modules and "airflow_python_sdk.v2.commands" in modules


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("airflow-sdk")

    done = subprocess.run([str(script), "--version"], capture_output=True, text=True)

    assert done.returncode == 0 and done.stdout.strip() == f"airflow-sdk {sdk.__version__}"


def test_the_generated_docs_pages_list_every_command_and_exit_status() -> None:
    statuses = {
        value: name
        for name, value in vars(cli_module).items()
        if name.startswith("EXIT_") and isinstance(value, int) and value < 100
    }
    for api, page in (
        ("v1", GENERATED / "docs" / "CLI.md"),
        ("v2", GENERATED / "v2" / "docs" / "CLI.md"),
    ):
        text = page.read_text()
        for name in command_names(api):
            assert f"## {name}\n" in text, (api, name)
        assert set(
            int(code) for code in re.findall(r"^\| (\d) \|", text, flags=re.MULTILINE)
        ) == set(statuses)
        assert "airflow-sdk trigger" in text


# ---------------------------------------------------------------- usage errors (no request sent)


NOWHERE = f"http://127.0.0.1:{closed_port()}/api/v1"


@pytest.mark.parametrize(
    "args, words",
    [
        (["get-dag-run", DAG, "r", "--nope"], ["unrecognized arguments: --nope"]),
        (["get-dag-run", DAG], ["required", "DAG_RUN_ID"]),
        (["trigger", DAG, "--body", "{"], ["--body is not JSON"]),
        (["trigger", DAG, "--body", "[1]"], ["--body must be a JSON object"]),
        (["trigger", DAG, "--body", "@/no/such/file.json"], ["cannot read /no/such/file.json"]),
        (["trigger", DAG, "--logical-date", "2024-05-01T00:00:00"], ["no UTC offset"]),
        (["trigger", DAG, "--logical-date", "yesterday"], ["not an RFC 3339 date-time"]),
        (["trigger", DAG, "--conf", "{nope"], ["--conf", "not JSON"]),
        (["trigger", DAG, "--body", '{"nope": 1}'], ["nope"]),
        (["trigger", DAG, "--body", '{"conf": 5}'], ["conf"]),
        (["update-dag-run-state", DAG, "r", "--state", "nope"], ["invalid choice: 'nope'"]),
        (["get-dag-run", DAG, "a/b"], ["contains '/'"]),
        (["get-dag-runs", DAG, "--limit", "ten"], ["invalid int value"]),
        (["trigger", DAG, "--wait", "--timeout", "0"], ["positive number of seconds"]),
        (["--api", "v3", "--help"], ["invalid choice: 'v3'"]),
    ],
)
def test_usage_errors_exit_2_before_any_request(args: List[str], words: List[str]) -> None:
    result = cli(*args, url=NOWHERE)

    assert result.code == 2, result
    assert result.out == ""
    for word in words:
        assert word in result.err, (word, result.err)


def test_no_server_and_no_password_are_usage_errors() -> None:
    no_server = cli("get-dag-run", DAG, "r", url=None)
    no_password = cli("get-dag-run", DAG, "r", url=NOWHERE, user=None, AIRFLOW_USERNAME="admin")

    assert_one_line_error(no_server, 2, "no server", "--host", "AIRFLOW_API_URL")
    assert_one_line_error(no_password, 2, "no password for admin", "AIRFLOW_PASSWORD")


# ---------------------------------------------------------------- v1: every operation


def test_every_v1_operation(target: Any, runs: Runs, api: DAGRunApi) -> None:
    run_id, when = unique_id("cli"), unique_date()
    runs.track(DAG, run_id)
    url = target.url
    window = ["--execution-date-gte", iso(when), "--execution-date-lte", iso(when)]

    posted = cli(
        "post-dag-run",
        DAG,
        "--dag-run-id",
        run_id,
        "--logical-date",
        iso(when),
        "--conf",
        '{"k": [1, "two"]}',
        "--note",
        "from the CLI",
        url=url,
    )
    got = cli("get-dag-run", DAG, run_id, url=url)
    listed = cli("get-dag-runs", DAG, *window, "--order-by=-execution_date", url=url)
    batch = cli("get-dag-runs-batch", "--dag-ids", DAG, *window, url=url)
    noted = cli("set-dag-run-note", DAG, run_id, "--note", "changed", url=url)
    failed = cli("update-dag-run-state", DAG, run_id, "--state", "failed", url=url)
    cleared = cli("clear-dag-run", DAG, run_id, url=url)
    events = cli("get-upstream-dataset-events", CONSUMER_DAG, CONSUMER_RUN, url=url)
    deleted = cli("delete-dag-run", DAG, run_id, url=url)

    for result in (posted, got, listed, batch, noted, failed, cleared, events, deleted):
        assert (result.code, result.err) == (0, ""), result
    run = posted.json
    assert (run["dag_run_id"], run["state"], run["conf"], run["note"]) == (
        run_id,
        "queued",
        {"k": [1, "two"]},
        "from the CLI",
    )
    assert datetime.fromisoformat(run["logical_date"]) == when
    assert all(DATE.match(run[name]) for name in ("logical_date", "data_interval_start"))
    assert got.json == run
    assert [r["dag_run_id"] for r in listed.json["dag_runs"]] == [run_id]
    assert [r["dag_run_id"] for r in batch.json["dag_runs"]] == [run_id]
    assert noted.json["note"] == "changed" and failed.json["state"] == "failed"
    assert "task_instances" in cleared.json  # a dry run by default
    assert events.json["total_entries"] >= 1
    assert deleted.out == ""
    assert_one_line_error(cli("get-dag-run", DAG, run_id, url=url), 3, "404")


def test_trigger_is_post_dag_run(target: Any, runs: Runs) -> None:
    run_id = unique_id("cli_alias")
    runs.track(DAG, run_id)

    result = cli(
        "trigger", DAG, "--dag-run-id", run_id, "--logical-date", iso(unique_date()), url=target.url
    )

    assert result.code == 0 and result.json["dag_run_id"] == run_id


# ---------------------------------------------------------------- the body's forms


def test_the_body_as_json_text_a_file_or_stdin_with_options_on_top(
    target: Any, runs: Runs, tmp_path: Path, sent: Callable[[], Optional[List[Any]]]
) -> None:
    ids = [unique_id("cli_body") for _ in range(3)]
    for run_id in ids:
        runs.track(DAG, run_id)
    bodies = [
        {"dag_run_id": run_id, "logical_date": iso(unique_date()), "conf": {"form": n}}
        for n, run_id in enumerate(ids)
    ]
    path = tmp_path / "body.json"
    path.write_text(json.dumps(bodies[1]))

    text = cli("trigger", DAG, "--body", json.dumps(bodies[0]), url=target.url)
    file = cli("trigger", DAG, "--body", f"@{path}", "--note", "on top", url=target.url)
    piped = cli(
        "trigger",
        DAG,
        "--body",
        "-",
        "--conf",
        '{"form": "option"}',
        stdin=json.dumps(bodies[2]),
        url=target.url,
    )

    assert [r.code for r in (text, file, piped)] == [0, 0, 0], (text, file, piped)
    assert (text.json["dag_run_id"], text.json["conf"], text.json["note"]) == (
        ids[0],
        {"form": 0},
        None,
    )
    assert (file.json["dag_run_id"], file.json["conf"], file.json["note"]) == (
        ids[1],
        {"form": 1},
        "on top",
    )
    assert (piped.json["dag_run_id"], piped.json["conf"]) == (ids[2], {"form": "option"})
    requests = sent()
    if requests is not None:
        posted = [r.json() for r in requests if r.method == "POST"]
        assert posted[1] == {**bodies[1], "note": "on top"}
        assert posted[2] == {**bodies[2], "conf": {"form": "option"}}


# ---------------------------------------------------------------- --all


def test_all_follows_every_page(
    target: Any, runs: Runs, sent: Callable[[], Optional[List[Any]]]
) -> None:
    made = runs.series(5)
    dates = [run.logical_date for run in made]
    window = ["--execution-date-gte", iso(min(dates)), "--execution-date-lte", iso(max(dates))]

    listed = cli("get-dag-runs", DAG, "--all", "--limit", "2", *window, url=target.url)
    batch = cli(
        "get-dag-runs-batch",
        "--all",
        "--dag-ids",
        DAG,
        "--page-limit",
        "2",
        *window,
        url=target.url,
    )

    expected = sorted(run.dag_run_id for run in made)
    assert listed.code == 0 and sorted(r["dag_run_id"] for r in listed.lines) == expected
    assert batch.code == 0 and sorted(r["dag_run_id"] for r in batch.lines) == expected
    requests = sent()
    if requests is not None:
        assert len([r for r in requests if r.method == "GET" and "dagRuns" in r.path]) == 3
        assert len([r for r in requests if r.path.endswith("/list")]) == 3


@pytest.mark.mock_only
def test_all_streams_each_page_as_it_arrives(mock: MockAirflow, target: Any) -> None:
    seeded = mock.seed_runs(DAG, 250)
    mock.add_fault("delay", method="GET", path="/dagRuns$", times=None, delay=0.7)
    started = time.monotonic()

    with subprocess.Popen(
        [*CLI, "get-dag-runs", DAG, "--all", "--order-by", "id"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=environment(target.url, ("admin", "admin")),
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        first_at = time.monotonic() - started
        rest = process.stdout.readlines()
        ended_at = time.monotonic() - started
        assert process.wait() == 0

    ids = [json.loads(line)["dag_run_id"] for line in [first, *rest]]
    assert ids == mock.run_ids(DAG) and set(seeded) <= set(ids)
    assert len(ids) > 200 and ended_at - first_at > 1.2  # two more slow pages after the first line


# ---------------------------------------------------------------- --wait (v1: polling)


@pytest.mark.parametrize("state, code", [("success", 0), ("failed", 1)])
def test_trigger_and_wait_until_the_run_finishes(
    target: Any, runs: Runs, api: DAGRunApi, state: str, code: int
) -> None:
    run_id = unique_id("cli_wait")
    runs.track(DAG, run_id)

    mover = v1_later(api, run_id, state)
    result = cli(
        "trigger",
        DAG,
        "--dag-run-id",
        run_id,
        "--logical-date",
        iso(unique_date()),
        "--wait",
        "--poll-interval",
        "0.1",
        "--timeout",
        "60",
        url=target.url,
    )
    mover.join()

    assert result.code == code, result
    assert (result.json["dag_run_id"], result.json["state"]) == (run_id, state)
    assert result.states[0] == "queued" and result.states[-1] == state
    assert len(result.states) == len(set(result.states))  # one line per change
    assert all(
        line.startswith(f"python -m airflow_python_sdk: {DAG}/{run_id}: ")
        for line in result.err.splitlines()
    )


def test_trigger_and_wait_times_out(target: Any, runs: Runs) -> None:
    run_id = unique_id("cli_timeout")
    runs.track(DAG, run_id)
    started = time.monotonic()

    result = cli(
        "trigger",
        DAG,
        "--dag-run-id",
        run_id,
        "--logical-date",
        iso(unique_date()),
        "--wait",
        "--timeout",
        "0.6",
        "--poll-interval",
        "0.2",
        url=target.url,
    )

    assert result.code == 5 and result.out == ""
    assert result.states == ["queued"]
    assert result.err.splitlines()[-1].endswith(
        f"{DAG}/{run_id}: still queued after 0.6 s (--timeout)"
    )
    assert time.monotonic() - started >= 0.6


def test_get_dag_run_waits_on_an_existing_run(target: Any, runs: Runs, api: DAGRunApi) -> None:
    made = runs.create()
    api.update_dag_run_state(DAG, str(made.dag_run_id), UpdateDagRunState(state="failed"))

    result = cli("get-dag-run", DAG, str(made.dag_run_id), "--wait", url=target.url)

    assert result.code == 1 and result.json["state"] == "failed" and result.states == ["failed"]


@pytest.mark.mock_only
def test_a_wait_on_a_terminal_is_one_live_line(
    mock: MockAirflow, target: Any, api: DAGRunApi
) -> None:
    mock.add_run(DAG, "cli_live", unique_date(), state="running")
    finish = lambda fd: api.update_dag_run_state(DAG, "cli_live", UpdateDagRunState("success"))  # noqa: E731

    code, out = run_in_terminal(
        ["get-dag-run", DAG, "cli_live", "--wait", "--poll-interval", "0.1"],
        target.url,
        on={"cli_live: running (": finish},
    )

    assert code == 0
    assert "\r\x1b[K" in out and out.count("\n") >= 2  # rewritten in place, ended by a newline
    assert re.search(r"cli_live: running \(\d+ s\)\r\x1b\[K.*cli_live: success \(\d+ s\)", out)


# ---------------------------------------------------------------- errors


def test_not_found_is_one_line_with_status_title_and_detail(target: Any) -> None:
    result = cli("get-dag-run", DAG, unique_id("missing"), url=target.url)

    assert_one_line_error(result, 3, "API error: 404", "not found", f"/dags/{DAG}/dagRuns/")


def test_forbidden_is_one_line(target: Any) -> None:
    result = cli(
        "trigger", DAG, "--dag-run-id", unique_id("cli_403"), url=target.url, user=target.viewer
    )

    assert_one_line_error(result, 3, "API error: 403", "forbidden")


def test_a_refused_connection_is_exit_status_4() -> None:
    result = cli("get-dag-run", DAG, "r", url=f"http://127.0.0.1:{closed_port()}/api/v1")

    assert_one_line_error(result, 4, "connection error", "refused")


# ---------------------------------------------------------------- secrets


@pytest.mark.mock_only
def test_no_secret_in_any_output_even_verbose(mock: MockAirflow, target: Any) -> None:
    mock.add_token(SECRET_TOKEN)
    basic = base64.b64encode(f"admin:{SECRET_PASSWORD}".encode()).decode()
    host, port = target.url.split("//")[1].split("/")[0].split(":")
    with_userinfo = f"http://admin:{SECRET_PASSWORD}@{host}:{port}/api/v1"

    results = [
        cli("-v", "get-dag-runs", DAG, "--limit", "1", "--token", SECRET_TOKEN, url=target.url),
        cli("-v", "get-dag-run", DAG, "nope", "--token", SECRET_TOKEN, url=target.url),
        cli("--verbose", "get-dag-runs", DAG, url=target.url, user=("admin", SECRET_PASSWORD)),
        cli("-v", "get-dag-runs", DAG, url=with_userinfo, user=None),
        cli(
            "-v",
            "get-dag-runs",
            DAG,
            url=f"http://127.0.0.1:{closed_port()}/api/v1",
            user=("admin", SECRET_PASSWORD),
        ),  # fmt: skip
    ]

    assert [r.code for r in results] == [0, 3, 3, 3, 4], results
    for result in results:
        assert_no_secret(result, SECRET_TOKEN, SECRET_PASSWORD, basic)
    assert "'Authorization': '<redacted>'" in results[0].err
    assert "GET http://" in results[2].err and "-> 403" in results[2].err


@pytest.mark.mock_only
def test_the_password_is_asked_without_echo_on_a_terminal(target: Any) -> None:
    code, out = run_in_terminal(
        ["get-dag-runs", DAG, "--limit", "1"],
        target.url,
        user=None,
        on={"Password for admin: ": lambda fd: os.write(fd, f"{SECRET_PASSWORD}\n".encode())},
    )

    assert code == 3 and "Password for admin: " in out  # asked, sent (wrong), refused
    assert SECRET_PASSWORD not in out


def run_in_terminal(
    args: Sequence[str],
    url: str,
    user: Optional[Tuple[str, str]] = ("admin", "admin"),
    on: Optional[Dict[str, Callable[[int], Any]]] = None,
    timeout: float = 60,
) -> Tuple[int, str]:
    """Run the command line on a pseudo-terminal (its stdin, stdout and stderr). `on` maps a
    text to what to do (with the terminal's fd) the first time the terminal shows it. Returns
    the exit status and everything the terminal showed."""
    env = environment(url, user, AIRFLOW_USERNAME="admin")
    pending = dict(on or {})
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty
        os.execve(sys.executable, [*CLI, *args], env)
    shown = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            for text in [text for text in pending if text.encode() in shown]:
                pending.pop(text)(fd)
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


# ---------------------------------------------------------------- v2 (Airflow 3)


@pytest.mark.v2
def test_every_v2_operation(target3: Any, v2_runs: V2Runs) -> None:
    run_id, when = unique_id_v2("cli"), unique_date_v2()
    v2_runs.track(DAG, run_id)
    url = target3.url
    window = ["--logical-date-gte", iso(when), "--logical-date-lte", iso(when)]
    actions = {
        "actions": [{"action": "update", "entities": [{"dag_run_id": run_id, "state": "success"}]}]
    }

    triggered = cli(
        "trigger-dag-run",
        DAG,
        "--dag-run-id",
        run_id,
        "--logical-date",
        iso(when),
        "--conf",
        '{"k": 1}',
        url=url,
    )
    got = cli("get-dag-run", DAG, run_id, url=url)
    listed = cli("get-dag-runs", DAG, *window, url=url)
    batch = cli("get-list-dag-runs-batch", "~", "--dag-ids", DAG, *window, url=url)
    patched = cli(
        "patch-dag-run",
        DAG,
        run_id,
        "--state",
        "failed",
        "--note",
        "n",
        "--update-mask",
        "note",
        url=url,
    )
    bulk = cli("bulk-dag-runs", DAG, "--body", json.dumps(actions), url=url)
    waited = cli("wait-dag-run-until-finished", DAG, run_id, "--interval", "0.1", url=url)
    cleared = cli("clear-dag-run", DAG, run_id, url=url)
    cleared_many = cli(
        "clear-dag-runs", DAG, "--body", json.dumps({"dag_runs": [{"dag_run_id": run_id}]}), url=url
    )
    partitions = cli("clear-dag-run-partitions", DAG, "--run-id", run_id, url=url)
    events = cli("get-upstream-asset-events", CONSUMER_DAG_V2, CONSUMER_RUN_V2, url=url)
    deleted = cli("delete-dag-run", DAG, run_id, url=url)

    results = (
        triggered,
        got,
        listed,
        batch,
        patched,
        bulk,
        waited,
        cleared,
        cleared_many,
        partitions,
        events,
        deleted,
    )
    for result in results:
        assert (result.code, result.err) == (0, ""), result
    run = triggered.json
    assert (run["dag_run_id"], run["state"], run["conf"]) == (run_id, "queued", {"k": 1})
    assert datetime.fromisoformat(run["logical_date"].replace("Z", "+00:00")) == when
    assert DATE.match(run["run_after"])
    assert got.json["dag_run_id"] == run_id
    assert [r["dag_run_id"] for r in listed.json["dag_runs"]] == [run_id]
    assert [r["dag_run_id"] for r in batch.json["dag_runs"]] == [run_id]
    assert (patched.json["state"], patched.json["note"]) == ("queued", "n")  # the mask: note only
    assert bulk.json["update"]["success"] == [f"{DAG}.{run_id}"]
    assert [line["state"] for line in waited.lines] == ["success"]
    assert "task_instances" in cleared.json and "task_instances" in cleared_many.json
    assert partitions.json["dry_run"] is True
    assert events.json["total_entries"] >= 1
    assert deleted.out == ""


@pytest.mark.v2
@pytest.mark.parametrize("state, code", [("success", 0), ("failed", 1)])
def test_v2_trigger_and_wait_reads_the_stream_until_the_run_finishes(
    target3: Any, v2_runs: V2Runs, v2_api: DagRunApi, state: str, code: int
) -> None:
    run_id = unique_id_v2("cli_wait")
    v2_runs.track(DAG, run_id)

    mover = v2_later(v2_api, run_id, state)
    result = cli(
        "trigger",
        DAG,
        "--dag-run-id",
        run_id,
        "--logical-date",
        iso(unique_date_v2()),
        "--wait",
        "--poll-interval",
        "0.1",
        "--timeout",
        "60",
        url=target3.url,
    )
    mover.join()

    assert result.code == code, result
    assert (result.json["dag_run_id"], result.json["state"]) == (run_id, state)
    assert result.states[0] == "queued" and result.states[-1] == state


@pytest.mark.v2
def test_v2_trigger_and_wait_times_out(target3: Any, v2_runs: V2Runs) -> None:
    run_id = unique_id_v2("cli_timeout")
    v2_runs.track(DAG, run_id)

    result = cli(
        "trigger",
        DAG,
        "--dag-run-id",
        run_id,
        "--wait",
        "--timeout",
        "0.6",
        "--poll-interval",
        "0.2",
        url=target3.url,
    )

    assert result.code == 5 and result.out == "" and result.states == ["queued"]
    assert "still queued after 0.6 s" in result.err


@pytest.mark.v2
def test_v2_all_follows_the_cursors(target3: Any, v2_runs: V2Runs) -> None:
    made = v2_runs.series(5)
    dates = [run.logical_date for run in made]
    window = ["--logical-date-gte", iso(min(dates)), "--logical-date-lte", iso(max(dates))]

    result = cli("get-dag-runs", DAG, "--all", "--limit", "2", *window, url=target3.url)

    assert result.code == 0 and sorted(r["dag_run_id"] for r in result.lines) == sorted(
        run.dag_run_id for run in made
    )


@pytest.mark.v2
def test_v2_errors_are_one_line(target3: Any) -> None:
    missing = cli("get-dag-run", DAG, unique_id_v2("missing"), url=target3.url)
    forbidden = cli("trigger", DAG, url=target3.url, user=target3.viewer)

    assert_one_line_error(missing, 3, "API error: 404", "was not found")
    assert_one_line_error(forbidden, 3, "API error: 403", "forbidden")


@pytest.mark.v2
@pytest.mark.mock_only
def test_v2_login_token_and_password_never_printed(mock: MockAirflow, target3: Any) -> None:
    result = cli(
        "--verbose", "get-dag-runs", DAG, "--limit", "1", url=target3.url, user=("admin", "admin")
    )
    wrong = cli("-v", "get-dag-runs", DAG, url=target3.url, user=("admin", SECRET_PASSWORD))

    assert result.code == 0 and "POST http://" in result.err and "/auth/token" in result.err
    assert "eyJ" not in result.out + result.err  # no JWT
    assert_no_secret(wrong, SECRET_PASSWORD)
    assert wrong.code == 3 and "the login at /auth/token failed" in wrong.err


@pytest.mark.v2
@pytest.mark.mock_only
def test_v2_all_over_many_pages(mock: MockAirflow, target3: Any) -> None:
    mock.seed_v2_runs(DAG, 230)

    result = cli("get-dag-runs", DAG, "--all", url=target3.url)

    assert result.code == 0
    assert sorted(r["dag_run_id"] for r in result.lines) == sorted(mock.v2_run_ids(DAG))
    assert len(mock.requests_to("GET", "/dagRuns")) >= 3


@pytest.mark.v2
@pytest.mark.mock_only
def test_a_host_with_the_other_apis_base_path_is_trimmed(mock: MockAirflow, target: Any) -> None:
    result = cli("--api", "v2", "get-dag-runs", DAG, "--limit", "1", url=target.url)

    assert result.code == 0 and "next_cursor" in result.json
    assert mock.requests_to("GET", "/api/v2/dags/")
