"""openapi-v2.yaml is valid OpenAPI 3.1 and agrees with every recorded Airflow 3.3.2 exchange.

Each exchange of ``airflow-3.3-dagruns-transcripts.md`` (``../shared/reference`` beside the
repository, or ``$AIRFLOW3_REFERENCE``) that reaches an operation of the spec is checked with
openapi-core, as ``airflow-3.3-spec-check.txt`` was made: a request the server accepted (2xx)
must be valid, and every response must match what the spec declares for its status (content
type and body). ``/wait`` streams are checked line by line against ``DAGRunWaitLine``. Bodies the
transcripts summarize, or did not record, get the status and content type check only.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from spec_check_v2 import Exchange, SpecChecker, parse_transcripts

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi-v2.yaml"
REFERENCE = Path(os.environ.get("AIRFLOW3_REFERENCE", ROOT.parent / "shared" / "reference"))
TRANSCRIPTS = REFERENCE / "airflow-3.3-dagruns-transcripts.md"
AIRFLOW_DOCUMENT = REFERENCE / "v2-dagrun-subset.yaml"  # Airflow's own document, DagRun part

OPERATIONS = {
    "get_dag_run",
    "delete_dag_run",
    "patch_dag_run",
    "bulk_dag_runs",
    "get_dag_runs",
    "trigger_dag_run",
    "get_upstream_asset_events",
    "clear_dag_run",
    "wait_dag_run_until_finished",
    "get_list_dag_runs_batch",
    "clear_dag_runs",
    "clear_dag_run_partitions",
    "create_token",
}

# Exchanges that reach no operation of the spec, so are not checked.
NO_OPERATION = {
    11: "GET /auth/token: a token without credentials, only with simple_auth_manager_all_admins",
    12: "POST /auth/token/cli: the CLI's token endpoint",
    20: "GET /monitor/health: not a DagRun operation",
    79: "a trailing slash: no route, 404 {'error': ...} (fact 9)",
    81: "HEAD on a run: 405 (fact 9); OpenAPI declares answers of declared methods only",
    82: "PUT on a run: 405 (fact 9); likewise",
}

# Requests the server accepted (2xx) that the spec refuses, on purpose.
ALLOWED_REQUESTS = {
    3: "a form-encoded token request: only the simple auth manager takes it, FAB answers 422 "
    "(fact 18); the spec declares JSON, which both take, and says so in the description",
    29: "an integer Unix timestamp as logical_date (fact 10): anyOf [date-time, integer] would "
    "make generated clients wrap the field in a model; said in the field's description",
    31: "a naive run_after, read as UTC (fact 10): a second, offset-less string form would "
    "likewise turn the field into a wrapper model; said in the field's description",
}

# Responses that do not match the spec, on purpose.
ALLOWED_RESPONSES: Dict[int, str] = {}


@pytest.fixture(scope="module")
def exchanges() -> List[Exchange]:
    if not TRANSCRIPTS.is_file():
        pytest.skip(f"no Airflow 3.3 transcripts at {TRANSCRIPTS}")
    return parse_transcripts(TRANSCRIPTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checker() -> SpecChecker:
    return SpecChecker(SPEC)


@pytest.fixture(scope="module")
def checked(exchanges: List[Exchange], checker: SpecChecker) -> List[Exchange]:
    """The exchanges that reach an operation of the spec."""
    return [exchange for exchange in exchanges if checker.operation(exchange) is not None]


def _walk(node: Any, path: str = "") -> Iterator[Tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def _refs(node: Any) -> Set[str]:
    return {
        value["$ref"].rsplit("/", 1)[-1]
        for _, value in _walk(node)
        if isinstance(value, dict) and "$ref" in value
    }


def test_spec_is_valid_openapi_3_1() -> None:
    spec, _ = read_from_filename(str(SPEC))
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["version"] == "3.3.2"
    assert spec["servers"] == [{"url": "/api/v2"}]
    operations = {
        operation["operationId"]
        for path in spec["paths"].values()
        for method, operation in path.items()
        if method not in ("parameters", "servers")
    }
    assert operations == OPERATIONS
    token = spec["paths"]["/auth/token"]
    assert token["servers"] == [{"url": "/"}]
    assert token["post"]["security"] == [] and token["post"]["tags"] == ["Auth"]
    assert set(token["post"]["responses"]) == {"201", "400", "401", "415", "422"}
    schemes = spec["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/auth/token"
    assert schemes["HTTPBearer"] == {"type": "http", "scheme": "bearer"}
    vendor = {
        key
        for _, node in _walk(spec)
        if isinstance(node, dict)
        for key in node
        if isinstance(key, str) and key.startswith("x-")
    }
    assert vendor <= SDK_EXTENSIONS, f"unknown vendor extensions: {vendor - SDK_EXTENSIONS}"


SDK_EXTENSIONS = {
    "x-paged", "x-stream", "x-wait", "x-then-wait", "x-idempotent", "x-idempotency-key",
    "x-conflict-lookup", "x-doc-example", "x-cli-alias",
}  # fmt: skip
"""The vendor extensions the SDK's templates read (see openapi.yaml for the same ones)."""


def test_response_schemas_stay_open() -> None:
    """No schema reachable from a response refuses unknown keys: newer servers add fields."""
    spec, _ = read_from_filename(str(SPEC))
    schemas = spec["components"]["schemas"]
    pending = set().union(
        *(
            _refs(operation.get("responses", {}))
            for path in spec["paths"].values()
            for method, operation in path.items()
            if method not in ("parameters", "servers")
        )
    )
    seen: Set[str] = set()
    while pending:
        name = pending.pop()
        seen.add(name)
        pending |= _refs(schemas[name]) - seen
    closed = [
        f"{name}{path}"
        for name in sorted(seen)
        for path, node in _walk(schemas[name])
        if isinstance(node, dict) and node.get("additionalProperties") is False
    ]
    assert not closed, f"closed response schemas: {closed}"


def test_transcripts_parse_completely(exchanges: List[Exchange]) -> None:
    numbers = sorted({exchange.number for exchange in exchanges})
    assert numbers == list(range(1, numbers[-1] + 1)), "an entry was not parsed"
    wrong = []
    for exchange in exchanges:
        sent = exchange.header("content-length", response=False)
        if sent is not None and len(exchange.request_body or b"") != int(sent):
            wrong.append(f"{exchange.label} request body")
        length = exchange.header("content-length")
        gzipped = exchange.header("content-encoding") is not None
        if exchange.body_state == "full" and length is not None and not gzipped:
            if len(exchange.response_body) != int(length):
                wrong.append(f"{exchange.label} response body")
    assert not wrong, f"bodies whose length differs from Content-Length: {wrong}"


def test_exchanges_without_an_operation_are_the_listed_ones(
    exchanges: List[Exchange], checker: SpecChecker
) -> None:
    outside = {e.number: f"{e.method} {e.target}" for e in exchanges if not checker.operation(e)}
    assert outside.keys() == NO_OPERATION.keys(), outside


def test_requests_the_server_accepted_are_valid(
    checked: List[Exchange], checker: SpecChecker
) -> None:
    failures = [
        f"{exchange.label} {exchange.method} {exchange.target}: {error}"
        for exchange in checked
        if 200 <= exchange.status < 300 and exchange.number not in ALLOWED_REQUESTS
        for error in checker.request_errors(exchange)
    ]
    assert not failures, "requests Airflow accepted but the spec refuses:\n" + "\n".join(failures)


def test_responses_match_the_spec(checked: List[Exchange], checker: SpecChecker) -> None:
    failures = [
        f"{exchange.label} {exchange.method} {exchange.target} -> {exchange.status}: {error}"
        for exchange in checked
        if exchange.number not in ALLOWED_RESPONSES
        for error in checker.response_errors(exchange)
    ]
    assert not failures, "answers the spec does not declare:\n" + "\n".join(failures)


def test_allow_lists_are_current(checked: List[Exchange], checker: SpecChecker) -> None:
    """Every allow-listed exchange still disagrees with the spec (else drop it from the list)."""
    by_number = {exchange.number: exchange for exchange in checked}
    stale = [n for n in ALLOWED_REQUESTS if not checker.request_errors(by_number[n])]
    stale += [n for n in ALLOWED_RESPONSES if not checker.response_errors(by_number[n])]
    assert not stale, f"allow-listed but now valid: {stale}"


def test_body_checks_skipped_only_for_bodies_not_recorded(checked: List[Exchange]) -> None:
    skipped = [exchange for exchange in checked if exchange.body_state != "full"]
    summarized = [exchange for exchange in skipped if exchange.body_state == "summarized"]
    assert all(exchange.notes for exchange in summarized)
    absent = [exchange.label for exchange in skipped if exchange.body_state == "absent"]
    assert absent == ["#244a", "#244b"], absent  # curl's keep-alive run prints no bodies
    assert len(checked) - len(skipped) > 200


def test_wait_streams_are_checked_line_by_line(
    checked: List[Exchange], checker: SpecChecker
) -> None:
    streams = [e for e in checked if e.status == 200 and e.path.endswith("/wait")]
    assert streams and all(e.header("content-type") is None for e in streams)
    assert max(len(e.stream_lines()) for e in streams) > 1
    last_lines = [e.stream_lines()[-1] for e in streams if b'"results"' in e.response_body]
    assert last_lines, "no stream with results"
    broken = replace(streams[0], response_body=b'{"state": "success"}\n{"state": 5}\n')
    assert len(checker.response_errors(broken)) == 1
    bogus = replace(streams[0], response_body=b'{"results": {}}\n')
    assert checker.response_errors(bogus)


def test_the_check_finds_what_airflows_document_gets_wrong(exchanges: List[Exchange]) -> None:
    """The same check against Airflow's own document finds the known mismatches (spec-check.txt)."""
    if not AIRFLOW_DOCUMENT.is_file():
        pytest.skip(f"no Airflow document at {AIRFLOW_DOCUMENT}")
    airflow = SpecChecker(AIRFLOW_DOCUMENT)
    requests = {
        e.number
        for e in exchanges
        if 200 <= e.status < 300 and airflow.operation(e) and airflow.request_errors(e)
    }
    responses = {e.number for e in exchanges if airflow.operation(e) and airflow.response_errors(e)}
    assert {29, 31, 98, 102, 106} <= requests
    assert {109, 110, 120, 121, 123, 150, 187, 198, 207, 209, 233, 238} <= responses
