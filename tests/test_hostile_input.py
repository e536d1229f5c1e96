"""Hostile input: random ids and conf values reach the intended path intact, or are refused.

A property-based test (hypothesis, bounded, no deadline) sends random `dag_id`s, `dag_run_id`s
(`..`, `/`, `%`, `?`, `#`, unicode, spaces, control characters), notes, `order_by` values and
nested JSON `conf`s through the SDK to the mock with its relaxed run-id pattern. Each request
either arrives on the intended path (its percent-decoded segments equal the inputs), with its
query and JSON body equal to what was given, or is refused before anything is sent with a
ValueError that names the argument. What the server answers (404 for an unknown DAG, ...) does
not matter here.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, List, Optional
from urllib.parse import parse_qs, unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.set_dag_run_note import SetDagRunNote
from mock_airflow import RELAXED_RUN_ID_PATTERN, MockAirflow

pytestmark = pytest.mark.mock_only

PIECES = [
    "..", ".", "/", "%", "%2F", "%25", "?", "#", " ", "+", ":", "~", "ü", "✓", "😀", "\x00",
    "\n", "\t", "a", "Z9", "list", "dagRuns", "\\", "'", '"', "&x=1", "=", ";", "@",
]  # fmt: skip
HOSTILE_IDS = st.one_of(
    st.sampled_from(PIECES),
    st.text(max_size=12),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=6).map("".join),
)
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=16),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
CONFS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def api(mock: MockAirflow) -> Iterator[DAGRunApi]:
    config = sdk.Configuration(host=mock.url, username="admin", password="admin", retries=0)
    with sdk.ApiClient(config) as client:
        yield DAGRunApi(client)


# ---------------------------------------------------------------- the property


def unaddressable(value: str) -> bool:
    """What the SDK must refuse in a path: empty, or a '/' (the server decodes %2F first)."""
    return value == "" or "/" in value


def check_call(
    mock: MockAirflow,
    call: Callable[[], Any],
    method: str,
    segments: List[str],
    path_params: List[str],
    body: Optional[Any] = None,
    query: Optional[dict] = None,
) -> None:
    """Make one call; it reaches the mock as intended or is refused client-side."""
    mock.clear_requests()
    refuse = any(unaddressable(value) for value in path_params)
    try:
        call()
    except ValueError as error:
        assert refuse, f"refused {segments!r}: {error}"
        assert "dag_id" in str(error) or "dag_run_id" in str(error), str(error)
        assert mock.requests == [], "a refused request was sent"
        return
    except sdk.ApiException as error:  # the server's answer does not matter here
        assert not isinstance(error, sdk.ApiConnectionError), error
    assert not refuse, f"sent {segments!r}"
    (record,) = mock.requests
    assert record.method == method
    raw = record.path.split("/")
    assert raw[:4] == ["", "api", "v1", "dags"], record.path
    assert [unquote(part, errors="strict") for part in raw[4:]] == segments, record.path
    if body is not None:
        assert record.header("Content-Type") == "application/json"
        assert json.loads(record.body.decode("utf-8")) == body
    if query is not None:
        assert parse_qs(record.query, keep_blank_values=True) == query, record.query


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dag_id=HOSTILE_IDS, run_id=HOSTILE_IDS, conf=CONFS, note=st.text(max_size=30))
@example(dag_id="example_sdk_dag", run_id="..", conf={}, note="..")
@example(dag_id="..", run_id=".", conf={"": None}, note="")
@example(dag_id="example_sdk_dag", run_id="50%?x#y", conf={"a": {"b": [1, 2.5, None]}}, note="#")
@example(dag_id="dag with space", run_id="läuft ✓ 😀", conf={"ü": "✓"}, note="\n")
@example(dag_id="~", run_id="list", conf={"big": 2**64}, note="%2F")
@example(dag_id="example_sdk_dag", run_id="a/b", conf={}, note="")
@example(dag_id="a/b", run_id="x", conf={}, note="")
@example(dag_id="", run_id="", conf={}, note="")
@example(dag_id="example_sdk_dag", run_id="%2F..%2F", conf={"k": "\x00"}, note="?#")
def test_random_ids_and_confs_arrive_intact_or_are_refused(
    api: DAGRunApi, mock: MockAirflow, dag_id: str, run_id: str, conf: Any, note: str
) -> None:
    mock.reset()
    mock.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    check_call(
        mock,
        lambda: api.post_dag_run(dag_id, DAGRun(dag_run_id=run_id, conf=conf)),
        "POST",
        [dag_id, "dagRuns"],
        [dag_id],
        body={"dag_run_id": run_id, "conf": conf},
    )
    check_call(
        mock,
        lambda: api.get_dag_run(dag_id, run_id),
        "GET",
        [dag_id, "dagRuns", run_id],
        [dag_id, run_id],
    )
    check_call(
        mock,
        lambda: api.set_dag_run_note(dag_id, run_id, SetDagRunNote(note=note)),
        "PATCH",
        [dag_id, "dagRuns", run_id, "setNote"],
        [dag_id, run_id],
        body={"note": note},
    )
    check_call(
        mock,
        lambda: api.get_dag_runs(dag_id, order_by=note or None, limit=5),
        "GET",
        [dag_id, "dagRuns"],
        [dag_id],
        query={"limit": ["5"], **({"order_by": [note]} if note else {})},
    )
    check_call(
        mock,
        lambda: api.delete_dag_run(dag_id, run_id),
        "DELETE",
        [dag_id, "dagRuns", run_id],
        [dag_id, run_id],
    )
    violations = mock.take_spec_violations()
    assert not violations, [str(v) for v in violations]


def test_text_that_is_not_unicode_is_refused(api: DAGRunApi, mock: MockAirflow) -> None:
    """A lone surrogate cannot be UTF-8 encoded: ValueError before anything is sent."""
    with pytest.raises(ValueError):
        api.get_dag_run("example_sdk_dag", "bad\ud800")
    with pytest.raises(ValueError):
        api.post_dag_run("example_sdk_dag", DAGRun(conf={"k": "bad\udfff"}))
    with pytest.raises(ValueError):
        api.post_dag_run("example_sdk_dag", DAGRun(conf={"k": object()}))
    assert mock.requests == []


# ---------------------------------------------------------------- input the SDK refuses outright


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_in_conf_are_refused_before_sending(
    mock: MockAirflow, number: float
) -> None:
    config = sdk.Configuration(host=mock.url, username="admin", password="admin")
    with sdk.ApiClient(config) as client:
        api = DAGRunApi(client)
        with pytest.raises(ValueError, match="JSON has no such number"):
            api.post_dag_run("example_sdk_dag", DAGRun(dag_run_id="nan", conf={"x": [number]}))
    assert mock.requests == []


def test_per_call_options_cannot_change_the_pool(mock: MockAirflow) -> None:
    config = sdk.Configuration(host=mock.url, username="admin", password="admin")
    with sdk.ApiClient(config) as client:
        with pytest.raises(ValueError, match="pool_size, verify_ssl cannot change per call"):
            client.with_options(verify_ssl=False, pool_size=2)
        faster = DAGRunApi(client).with_options(read_timeout=5.0, retries=0)
        assert faster.api_client.configuration.read_timeout == 5.0
        assert faster.get_dag_runs("example_sdk_dag").total_entries == 0
