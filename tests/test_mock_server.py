"""Self-tests of the mock Airflow, with urllib3 only: it answers like the recorded Airflow 2.11.

The expected answers are those of ``shared/reference/airflow-2.11-dagruns-transcripts.md``
(``#n`` below). When that file is beside the repository, ``test_replays_every_transcript``
also replays all of it and compares each answer byte for byte (run ids and dates made from the
current time aside).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import urllib3

from mock_airflow import MOCK_TOKEN, RELAXED_RUN_ID_PATTERN, MockAirflow

pytestmark = pytest.mark.mock_only

TESTS_DIR = Path(__file__).resolve().parent
TRANSCRIPTS = Path(
    os.environ.get(
        "AIRFLOW_TRANSCRIPTS",
        TESTS_DIR.parent.parent / "shared" / "reference" / "airflow-2.11-dagruns-transcripts.md",
    )
)
DOCS = (
    "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html#section/Errors/"
)
ADMIN = "Basic YWRtaW46YWRtaW4="  # admin:admin
VIEWER = "Basic dmlld2VyOnZpZXdlcg=="  # viewer:viewer
WRONG = "Basic YWRtaW46d3Jvbmc="  # admin:wrong
RUN_1 = (
    b'{\n  "conf": {\n    "a": 1,\n    "nested": {\n      "b": [\n        1,\n        2\n'
    b'      ]\n    }\n  },\n  "dag_id": "example_sdk_dag",\n  "dag_run_id": "sdk_run_1",\n'
    b'  "data_interval_end": "2024-01-10T00:00:00+00:00",\n'
    b'  "data_interval_start": "2024-01-10T00:00:00+00:00",\n  "end_date": null,\n'
    b'  "execution_date": "2024-01-10T00:00:00+00:00",\n  "external_trigger": true,\n'
    b'  "last_scheduling_decision": null,\n  "logical_date": "2024-01-10T00:00:00+00:00",\n'
    b'  "note": "first run",\n  "run_type": "manual",\n  "start_date": null,\n'
    b'  "state": "queued"\n}\n'
)  # #1 and #13, byte for byte (532 bytes)
RUN_1_BODY = {
    "dag_run_id": "sdk_run_1",
    "logical_date": "2024-01-10T00:00:00+00:00",
    "conf": {"a": 1, "nested": {"b": [1, 2]}},
    "note": "first run",
}
CONSUMER_RUN = "dataset_triggered__2024-01-02T00:00:00+00:00"
allow_violations = pytest.mark.allow_spec_violations
Resp = urllib3.HTTPResponse  # urllib3 1.26 and 2.x


class Api:
    """A urllib3 client for the mock: paths are relative to /api/v1, auth is admin by default."""

    def __init__(self, mock: MockAirflow) -> None:
        self.mock = mock
        self.pool = urllib3.HTTPConnectionPool("127.0.0.1", mock.port, maxsize=2, retries=False)

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        auth: Optional[str] = ADMIN,
        content_type: Optional[str] = "application/json",
        headers: Optional[Dict[str, str]] = None,
        prefix: str = "/api/v1",
        **kwargs: Any,
    ) -> Resp:
        sent = {"Accept": "application/json", **(headers or {})}
        if auth:
            sent["Authorization"] = auth
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        if body is not None and content_type:
            sent["Content-Type"] = content_type
        return self.pool.urlopen(
            method, prefix + path, body=body, headers=sent, redirect=False, **kwargs
        )


@pytest.fixture
def api(mock: MockAirflow) -> Iterator[Api]:
    client = Api(mock)
    yield client
    client.pool.close()


def body_of(response: Resp) -> Any:
    return json.loads(response.data)


def assert_problem(
    response: Resp,
    status: int,
    title: str,
    detail: Optional[str],
    type_: Optional[str] = None,
) -> None:
    """An application/problem+json error with exactly these fields."""
    assert response.status == status, response.data
    assert response.headers["Content-Type"] == "application/problem+json"
    kind = {400: "BadRequest", 401: "Unauthenticated", 403: "PermissionDenied"}
    kind.update({404: "NotFound", 409: "AlreadyExists"})
    expected_type = type_ or DOCS + kind[status]
    assert body_of(response) == {
        "detail": detail,
        "status": status,
        "title": title,
        "type": expected_type,
    }


def assert_oops(response: Resp) -> None:
    """Airflow's HTML 500 page."""
    assert response.status == 500
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert len(response.data) == 1588 and b"<h1> Ooops! </h1>" in response.data


def trigger(api: Api, dag_id: str = "example_sdk_dag", **body: Any) -> Resp:
    return api("POST", f"/dags/{dag_id}/dagRuns", body)


# ---------------------------------------------------------------- trigger (#1-12, #84-110)


def test_trigger_answers_the_full_run_byte_for_byte(api: Api) -> None:
    response = trigger(api, **RUN_1_BODY)  # 1
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == RUN_1
    assert api("GET", "/dags/example_sdk_dag/dagRuns/sdk_run_1").data == RUN_1  # 13


def test_trigger_with_empty_body_generates_id_and_date(api: Api) -> None:
    run = body_of(trigger(api))  # 2
    assert re.fullmatch(
        r"manual__\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", run["dag_run_id"]
    )
    assert run["dag_run_id"] == "manual__" + run["logical_date"]
    assert run["logical_date"] == run["execution_date"] == run["data_interval_start"]
    assert run["conf"] == {} and run["note"] is None and run["state"] == "queued"
    assert run["external_trigger"] is True and run["run_type"] == "manual"
    assert len(run) == 14


def test_trigger_echoes_offset_and_stores_utc(api: Api) -> None:
    run = body_of(trigger(api, execution_date="2024-01-11T06:30:00.123456Z"))  # 3
    assert run["logical_date"] == "2024-01-11T06:30:00.123456+00:00"
    assert run["dag_run_id"] == "manual__2024-01-11T06:30:00.123456+00:00"
    run = body_of(
        trigger(api, dag_run_id="sdk_run_offset", logical_date="2024-01-12T08:00:00+02:00")
    )
    assert run["logical_date"] == run["data_interval_end"] == "2024-01-12T08:00:00+02:00"  # 4
    response = api(
        "GET",
        "/dags/example_sdk_dag/dagRuns/sdk_run_offset?fields=logical_date&fields=data_interval_start",
    )  # 5
    assert body_of(response) == {
        "data_interval_start": "2024-01-12T06:00:00+00:00",
        "logical_date": "2024-01-12T06:00:00+00:00",
    }


def test_trigger_data_interval_empty_note_and_params(api: Api) -> None:
    run = body_of(
        trigger(
            api,
            "another_dag",
            dag_run_id="another_run_1",
            logical_date="2024-02-01T00:00:00+00:00",
            data_interval_start="2024-01-31T00:00:00+00:00",
            data_interval_end="2024-02-01T00:00:00+00:00",
        )
    )  # 6
    assert run["data_interval_start"] == "2024-01-31T00:00:00+00:00"
    run = body_of(trigger(api, "another_dag", dag_run_id="empty_note", note=""))  # 8
    assert run["note"] is None
    run = body_of(trigger(api, "params_dag", dag_run_id="ok", conf={"name": "sdk", "count": 3}))
    assert run["conf"] == {"count": 3, "name": "sdk"}  # 11
    assert trigger(api, "dataset_consumer", dag_run_id="consumer_manual_1").status == 200  # 12
    detail = (
        "Invalid input for param count: 99 is greater than the maximum of 10\n\n"
        "Failed validating 'maximum' in schema:\n    {'type': 'integer', 'minimum': 0, "
        "'maximum': 10}\n\nOn instance:\n    99"
    )
    response = trigger(api, "params_dag", dag_run_id="params_bad", conf={"count": 99})  # 97
    assert_problem(response, 400, "Bad Request", detail)
    assert response.headers["Content-Length"] == "367"


def test_trigger_conflicts(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    response = trigger(api, dag_run_id="sdk_run_1", logical_date="2030-01-01T00:00:00+00:00")
    assert_problem(
        response,
        409,
        "Conflict",
        "DAGRun with DAG ID: 'example_sdk_dag' and DAGRun ID: 'sdk_run_1' already exists",
    )  # 84
    response = trigger(api, dag_run_id="sdk_run_new", logical_date="2024-01-10T00:00:00Z")
    assert_problem(
        response,
        409,
        "Conflict",
        "DAGRun with DAG ID: 'example_sdk_dag' and DAGRun logical date: "
        "'2024-01-10 00:00:00+00:00' already exists",
    )  # 85


BAD_TRIGGERS = [
    ({"dag_run_id": "x", "conf": None}, "None is not of type 'object' - 'conf'"),  # 7
    ({"dag_run_id": "x", "logical_date": None}, "{'logical_date': ['Field may not be null.']}"),
    ({"dag_run_id": "bad_unknown", "bogus": 1}, "{'bogus': ['Unknown field.']}"),  # 86
    ({"dag_run_id": "bad_state", "state": "success"}, "Property is read-only - 'state'"),
    ({"dag_run_id": "x", "dag_id": "example_sdk_dag"}, "Property is read-only - 'dag_id'"),
    (
        {"dag_run_id": "x", "logical_date": "not-a-date"},
        "'not-a-date' is not a 'date-time' - 'logical_date'",
    ),
    (
        {"logical_date": "2024-05-01T00:00:00"},
        "'2024-05-01T00:00:00' is not a 'date-time' - 'logical_date'",
    ),
    ({"logical_date": "2024-05-01"}, "'2024-05-01' is not a 'date-time' - 'logical_date'"),  # 91
    (
        {"dag_run_id": "bad_interval", "data_interval_start": "2024-05-01T00:00:00+00:00"},
        "{'_schema': [\"Both 'data_interval_start' and 'data_interval_end' must be specified "
        'together"]}',
    ),  # 94
    ({"dag_run_id": "x", "conf": [1, 2]}, "[1, 2] is not of type 'object' - 'conf'"),
    ({"conf": '{"k": "v"}'}, "'{\"k\": \"v\"}' is not of type 'object' - 'conf'"),  # 96
    ({"dag_run_id": 42}, "42 is not of type 'string' - 'dag_run_id'"),  # 98
    ({"dag_run_id": None}, "{'dag_run_id': ['Field may not be null.']}"),  # 99
    ([], "[] is not of type 'object'"),  # 107
]


@allow_violations
@pytest.mark.parametrize(("body", "detail"), BAD_TRIGGERS)
def test_trigger_rejects_bad_bodies(api: Api, body: Any, detail: str) -> None:
    assert_problem(api("POST", "/dags/example_sdk_dag/dagRuns", body), 400, "Bad Request", detail)


@allow_violations
def test_trigger_rejects_disagreeing_dates_and_bad_framing(api: Api) -> None:
    body = {
        "logical_date": "2024-05-01T00:00:00+00:00",
        "execution_date": "2024-05-02T00:00:00+00:00",
    }
    assert_problem(
        trigger(api, **body),
        400,
        "logical_date conflicts with execution_date",
        "'2024-05-01T00:00:00+00:00' != '2024-05-02T00:00:00+00:00'",
    )  # 93
    path = "/dags/example_sdk_dag/dagRuns"
    not_json = api("POST", path, b'{"dag_run_id": ')  # 106
    assert_problem(not_json, 400, "Bad Request", "Request body is not valid JSON")
    empty = api("POST", path, b"")  # 110
    assert_problem(empty, 400, "Bad Request", "Request body must not be empty")
    text = api("POST", path, b'{"dag_run_id": "ct_text"}', content_type="text/plain")  # 108
    detail = "Invalid Content-type (text/plain), expected JSON data"
    assert_problem(text, 415, "Unsupported Media Type", detail, "about:blank")
    bare = api("POST", path, b'{"dag_run_id": "ct_none"}', content_type=None)  # 109
    detail = "Invalid Content-type (), expected JSON data"
    assert_problem(bare, 415, "Unsupported Media Type", detail, "about:blank")
    missing = api("POST", "/dags/no_such_dag/dagRuns", {})  # 80
    assert_problem(missing, 404, "DAG not found", "DAG with dag_id: 'no_such_dag' not found")


def test_trigger_run_id_pattern(api: Api, mock: MockAirflow) -> None:
    for run_id in ("my run", "läuft_✓", "a/b"):  # 100-102
        assert_oops(trigger(api, dag_run_id=run_id))
    run = body_of(trigger(api, dag_run_id="x_.~:+-y", logical_date="2024-08-01T00:00:00Z"))
    assert run["dag_run_id"] == "x_.~:+-y"  # 103
    for path in ("x_.~%3A%2B-y", "x_.~:+-y"):  # 104, 105
        got = api("GET", f"/dags/example_sdk_dag/dagRuns/{path}?fields=dag_run_id")
        assert got.data == b'{\n  "dag_run_id": "x_.~:+-y"\n}\n'
    reserved = trigger(api, dag_run_id="scheduled__x")
    detail = "A manual DAG run cannot use ID 'scheduled__x' since it is reserved for scheduled runs"
    assert_problem(reserved, 400, "Bad Request", detail)


def test_relaxed_run_id_pattern(api: Api, mock: MockAirflow) -> None:
    mock.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    day = "2024-01-0{}T00:00:00+00:00"
    for i, run_id in enumerate(["my run", "läuft_✓", "50%?x#y", "a/b"], 1):  # 118-126
        assert (
            body_of(trigger(api, dag_run_id=run_id, logical_date=day.format(i)))["dag_run_id"]
            == run_id
        )
    base = "/dags/example_sdk_dag/dagRuns/"
    for path, run_id in [
        ("my%20run", "my run"),
        ("l%C3%A4uft_%E2%9C%93", "läuft_✓"),
        ("l%c3%a4uft_%e2%9c%93", "läuft_✓"),
        ("50%25%3Fx%23y", "50%?x#y"),
    ]:
        assert body_of(api("GET", base + path + "?fields=dag_run_id")) == {"dag_run_id": run_id}
    plus = api("GET", base + "my+run")  # 120
    assert body_of(plus)["detail"] == (
        "DAGRun with DAG ID: 'example_sdk_dag' and DagRun ID: 'my+run' not found"
    )
    assert api("GET", base + "a%252Fb").status == 404  # 128
    ids = [
        r["dag_run_id"] for r in body_of(api("GET", "/dags/example_sdk_dag/dagRuns"))["dag_runs"]
    ]
    assert ids == ["my run", "läuft_✓", "50%?x#y", "a/b"]  # 130


@allow_violations
def test_slash_in_path_is_no_route(api: Api, mock: MockAirflow) -> None:
    mock.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    trigger(api, dag_run_id="a/b")
    for method in ("GET", "DELETE"):  # 113, 127, 129
        response = api(method, "/dags/example_sdk_dag/dagRuns/a%2Fb")
        assert_problem(
            response,
            404,
            "Not Found",
            "The requested URL was not found on the server. If you entered the URL manually "
            "please check your spelling and try again.",
            "about:blank",
        )
        assert response.headers["Vary"] == "Cookie"


# ---------------------------------------------------------------- get one (#13-19, #79-83)


def test_get_run_paths_and_fields(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    run_id = "manual__2024-01-01T00:00:00+00:00"
    trigger(api, dag_run_id=run_id, logical_date="2024-01-01T00:00:00+00:00")  # 10
    base = "/dags/example_sdk_dag/dagRuns/"
    for path in (run_id, "manual__2024-01-01T00%3A00%3A00%2B00%3A00"):  # 14, 15
        assert body_of(api("GET", base + path))["dag_run_id"] == run_id
    missing = api("GET", base + "manual__2024-01-01T00:00:00%2000:00")  # 16
    detail = (
        "DAGRun with DAG ID: 'example_sdk_dag' and DagRun ID: "
        "'manual__2024-01-01T00:00:00 00:00' not found"
    )
    assert_problem(missing, 404, "DAGRun not found", detail)
    sparse = api("GET", base + "sdk_run_1?fields=dag_run_id&fields=state&fields=conf")  # 17
    assert sparse.data == (
        b'{\n  "conf": {\n    "a": 1,\n    "nested": {\n      "b": [\n        1,\n        2\n'
        b'      ]\n    }\n  },\n  "dag_run_id": "sdk_run_1",\n  "state": "queued"\n}\n'
    )
    unknown = api("GET", base + "sdk_run_1?fields=nope")  # 18
    assert_problem(unknown, 400, "DAGRunSchema error", "nope not in DAGRunSchema")


def test_get_seeded_dataset_run_and_missing_runs(api: Api) -> None:
    run = body_of(api("GET", f"/dags/dataset_consumer/dagRuns/{CONSUMER_RUN}"))  # 19
    assert run["run_type"] == "dataset_triggered" and run["external_trigger"] is False
    assert run["data_interval_start"] == "2024-01-01T12:00:00+00:00"
    assert run["logical_date"] == "2024-01-02T00:00:00+00:00"
    for dag_id, run_id in (("example_sdk_dag", "does_not_exist"), ("no_such_dag", "x")):
        detail = f"DAGRun with DAG ID: '{dag_id}' and DagRun ID: '{run_id}' not found"
        got = api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")  # 79, 81
        assert_problem(got, 404, "DAGRun not found", detail)
    unicode = api("GET", "/dags/example_sdk_dag/dagRuns/l%C3%A4uft_%E2%9C%93")  # 112
    assert b"'l\\u00e4uft_\\u2713' not found" in unicode.data


@allow_violations
def test_no_route_and_wrong_method(api: Api) -> None:
    assert body_of(api("GET", "/dags/example_sdk_dag/dagRunz"))["type"] == "about:blank"  # 82
    for method, path in (
        ("PUT", "/dags/example_sdk_dag/dagRuns/sdk_run_1"),
        ("POST", "/dags/x/dagRuns/list"),
    ):
        response = api(method, path, {})  # 83, 46
        detail = "The method is not allowed for the requested URL."
        assert_problem(response, 405, "Method Not Allowed", detail, "about:blank")


# ---------------------------------------------------------------- lists (#20-37)


@pytest.fixture
def five_runs(api: Api) -> List[str]:
    """example_sdk_dag's five runs of the transcripts, in id order."""
    trigger(api, **RUN_1_BODY)
    now = body_of(trigger(api))["dag_run_id"]
    trigger(api, dag_run_id="sdk_run_exec_date", execution_date="2024-01-11T06:30:00.123456Z")
    trigger(api, dag_run_id="sdk_run_offset", logical_date="2024-01-12T08:00:00+02:00")
    trigger(
        api, dag_run_id="manual__2024-01-01T00:00:00+00:00", logical_date="2024-01-01T00:00:00Z"
    )
    return [
        "sdk_run_1",
        now,
        "sdk_run_exec_date",
        "sdk_run_offset",
        "manual__2024-01-01T00:00:00+00:00",
    ]


def ids(response: Resp) -> List[str]:
    return [run["dag_run_id"] for run in body_of(response)["dag_runs"]]


def test_list_paging_and_limits(api: Api, five_runs: List[str]) -> None:
    path = "/dags/example_sdk_dag/dagRuns"
    everything = body_of(api("GET", path))  # 20
    assert [r["dag_run_id"] for r in everything["dag_runs"]] == five_runs
    assert everything["total_entries"] == 5
    page = body_of(api("GET", path + "?limit=1&offset=1"))  # 21
    assert [r["dag_run_id"] for r in page["dag_runs"]] == five_runs[1:2] and page[
        "total_entries"
    ] == 5
    assert ids(api("GET", path + "?limit=0")) == five_runs  # 31
    assert ids(api("GET", path + "?limit=1000&fields=dag_run_id")) == five_runs  # 32
    empty = api("GET", "/dags/no_such_dag/dagRuns")  # 34
    assert empty.data == b'{\n  "dag_runs": [],\n  "total_entries": 0\n}\n'
    assert (
        ids(api("GET", path + "?updated_at_gte=2000-01-01T00:00:00Z&fields=dag_run_id"))
        == five_runs
    )


@allow_violations
def test_list_rejects_bad_parameters(api: Api, five_runs: List[str]) -> None:
    path = "/dags/example_sdk_dag/dagRuns"
    wrong = api("GET", path + "?limit=abc")  # 33
    assert_problem(
        wrong, 400, "Bad Request", "Wrong type, expected 'integer' for query parameter 'limit'"
    )
    for raw, shown in [
        ("2024-01-11T00:00:00+00:00", "2024-01-11T00:00:00 00:00"),  # 23
        ("2024-01-11T00:00:00", "2024-01-11T00:00:00"),  # 24
        ("2024-01-11", "2024-01-11"),  # 25
    ]:
        detail = (
            f"'{shown}' is not a 'date-time'\n\nFailed validating 'format' in schema:\n"
            f"    {{'type': 'string', 'format': 'date-time'}}\n\nOn instance:\n    '{shown}'"
        )
        assert_problem(api("GET", f"{path}?execution_date_gte={raw}"), 400, "Bad Request", detail)
    ordering = api("GET", path + "?order_by=logical_date")  # 28
    detail = (
        "Ordering with 'logical_date' is disallowed or the attribute does not exist on the model"
    )
    assert_problem(ordering, 400, "Bad Request", detail)
    empty = api("GET", path + "?order_by=")
    detail = "Ordering with '' is disallowed or the attribute does not exist on the model"
    assert_problem(empty, 400, "Bad Request", detail)
    negative = api("GET", path + "?limit=-1")
    assert_problem(negative, 400, "Page limit must be a positive integer", None)


def test_list_filters_and_ordering(api: Api, five_runs: List[str]) -> None:
    path = "/dags/example_sdk_dag/dagRuns"
    window = (
        "?execution_date_gte=2024-01-11T00:00:00%2B00:00&execution_date_lte=2024-01-12T23:59:59Z"
    )
    assert ids(api("GET", path + window)) == ["sdk_run_exec_date", "sdk_run_offset"]  # 22
    newest_first = api(
        "GET", path + "?order_by=-execution_date&fields=dag_run_id&fields=logical_date"
    )
    assert ids(newest_first) == [five_runs[i] for i in (1, 3, 2, 0, 4)]  # 26
    assert ids(api("GET", path + "?order_by=dag_run_id&fields=dag_run_id")) == sorted(
        five_runs
    )  # 27
    trigger(api, "another_dag", dag_run_id="another_run_1")
    api("PATCH", "/dags/example_sdk_dag/dagRuns/sdk_run_1", {"state": "success"})
    states = api("GET", "/dags/example_sdk_dag/dagRuns?state=success&state=failed&fields=state")
    assert body_of(states) == {"dag_runs": [{"state": "success"}], "total_entries": 1}  # 29
    assert body_of(api("GET", path + "?state=bogus"))["total_entries"] == 0  # 30
    ended = api("GET", path + "?end_date_gte=2000-01-01T00:00:00Z")
    assert ids(ended) == ["sdk_run_1"]


def test_list_across_dags(api: Api, five_runs: List[str]) -> None:
    all_runs = body_of(api("GET", "/dags/~/dagRuns?fields=dag_id&fields=dag_run_id"))  # 36
    assert all_runs["total_entries"] == 7
    assert all_runs["dag_runs"][0] == {
        "dag_id": "dataset_producer",
        "dag_run_id": "harness_producer_run",
    }
    encoded = body_of(api("GET", "/dags/%7E/dagRuns?limit=1&fields=dag_id&fields=dag_run_id"))  # 37
    assert encoded == {"dag_runs": all_runs["dag_runs"][:1], "total_entries": 7}
    unknown = api("GET", "/dags/~/dagRuns?fields=nope")
    assert_problem(unknown, 400, "DAGRunCollectionSchema error", "nope not in DAGRunSchema")


# ---------------------------------------------------------------- batch list (#38-46)


def test_batch_list(api: Api, five_runs: List[str]) -> None:
    trigger(
        api, "another_dag", dag_run_id="another_run_empty_note", logical_date="2024-02-02T00:00:00Z"
    )
    body = {
        "dag_ids": ["example_sdk_dag", "another_dag"],
        "states": ["queued"],
        "order_by": "-execution_date",
        "page_offset": 0,
        "page_limit": 2,
    }
    page = body_of(api("POST", "/dags/~/dagRuns/list", body))  # 38
    assert [r["dag_run_id"] for r in page["dag_runs"]] == [five_runs[1], "another_run_empty_note"]
    assert page["total_entries"] == 6
    ranged = {
        "execution_date_gte": "2024-01-01T00:00:00+00:00",
        "execution_date_lte": "2024-01-31T00:00:00Z",
    }
    got = ids(api("POST", "/dags/~/dagRuns/list", ranged))  # 39
    assert got == [
        "harness_producer_run",
        CONSUMER_RUN,
        "sdk_run_1",
        "sdk_run_exec_date",
        "sdk_run_offset",
        five_runs[4],
    ]
    assert body_of(api("POST", "/dags/~/dagRuns/list", {}))["total_entries"] == 8  # 40
    assert body_of(api("POST", "/dags/~/dagRuns/list", {"dag_ids": ["no_such_dag"]})) == {
        "dag_runs": [],
        "total_entries": 0,
    }  # 41
    future = {"updated_at_gte": "2999-01-01T00:00:00Z"}  # 45: accepted and ignored
    assert body_of(api("POST", "/dags/~/dagRuns/list", future))["total_entries"] == 8
    viewer = api("POST", "/dags/~/dagRuns/list", {"page_limit": 1}, auth=VIEWER)  # 78
    assert viewer.status == 200 and len(body_of(viewer)["dag_runs"]) == 1


@allow_violations
def test_batch_list_rejects_bad_forms(api: Api) -> None:
    path = "/dags/~/dagRuns/list"
    for body, detail in [
        ({"dag_ids": ["example_sdk_dag"], "bogus": 1}, "{'bogus': ['Unknown field.']}"),  # 42
        (
            {"execution_date_gte": "2024-01-01T00:00:00"},
            "'2024-01-01T00:00:00' is not a 'date-time' - 'execution_date_gte'",
        ),  # 43
        ({"page_limit": 0}, "0 is less than the minimum of 1 - 'page_limit'"),  # 44
        ({"dag_ids": [1]}, "1 is not of type 'string' - 'dag_ids.0'"),
    ]:
        assert_problem(api("POST", path, body), 400, "Bad Request", detail)


# ---------------------------------------------------------------- PATCH state (#47-53)


def test_patch_state(api: Api, five_runs: List[str]) -> None:
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_exec_date"
    failed = body_of(api("PATCH", path, {"state": "failed"}))  # 48
    assert failed["state"] == "failed" and failed["end_date"] is not None
    again = body_of(api("PATCH", path, {"state": "failed"}))
    assert again["end_date"] == failed["end_date"]  # same state: nothing changes
    queued = body_of(api("PATCH", path, {"state": "queued"}))  # 49
    assert queued["state"] == "queued" and queued["end_date"] is None
    success = body_of(api("PATCH", "/dags/example_sdk_dag/dagRuns/sdk_run_1", {"state": "success"}))
    assert success["state"] == "success" and success["start_date"] is None  # 47
    missing = api("PATCH", "/dags/example_sdk_dag/dagRuns/nope", {"state": "success"})  # 53
    assert_problem(missing, 404, "Dag Run id nope not found in dag example_sdk_dag", None)


@allow_violations
def test_patch_state_rejects_bad_bodies(api: Api, five_runs: List[str]) -> None:
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_exec_date"
    running = api("PATCH", path, {"state": "running"})  # 50
    detail = "'running' is not one of ['success', 'failed', 'queued'] - 'state'"
    assert_problem(running, 400, "Bad Request", detail)
    assert_oops(api("PATCH", path, {}))  # 51
    assert_problem(
        api("PATCH", path, {"note": "x"}), 400, "Bad Request", "{'note': ['Unknown field.']}"
    )


# ---------------------------------------------------------------- clear (#54-58)


def test_clear(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_1/clear"
    preview = {
        "task_instances": [
            {
                "dag_id": "example_sdk_dag",
                "dag_run_id": "sdk_run_1",
                "execution_date": "2024-01-10T00:00:00+00:00",
                "task_id": task,
            }
            for task in ("end", "start")
        ]
    }
    assert body_of(api("POST", path, {"dry_run": True})) == preview  # 54
    dry = api("POST", path, {})  # 55: dry_run defaults to true
    assert body_of(dry) == preview and dry.headers["Content-Length"] == "345"
    api("PATCH", "/dags/example_sdk_dag/dagRuns/sdk_run_1", {"state": "success"})
    cleared = api("POST", path, {"dry_run": False})  # 56
    assert cleared.data == RUN_1
    missing = api("POST", "/dags/example_sdk_dag/dagRuns/nope/clear", {"dry_run": True})  # 58
    assert_problem(missing, 404, "Dag Run id nope not found in dag   example_sdk_dag", None)


@allow_violations
def test_clear_rejects_string_dry_run(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    response = api("POST", "/dags/example_sdk_dag/dagRuns/sdk_run_1/clear", {"dry_run": "yes"})
    assert_problem(response, 400, "Bad Request", "'yes' is not of type 'boolean' - 'dry_run'")  # 57


# ---------------------------------------------------------------- setNote (#59-63)


def test_set_note(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_1/setNote"
    response = api("PATCH", path, {"note": "note with unicode: ✓ läuft"})  # 59
    assert b'"note": "note with unicode: \\u2713 l\\u00e4uft"' in response.data
    assert response.headers["Content-Length"] == "559"
    forbidden = api("PATCH", path, {"note": "v"}, auth=VIEWER)  # 63
    assert_problem(forbidden, 403, "Forbidden", None)
    missing = api("PATCH", "/dags/example_sdk_dag/dagRuns/nope/setNote", {"note": "v"})
    assert_problem(missing, 404, "Dag Run id nope not found in dag example_sdk_dag", None)


@allow_violations
def test_set_note_rejects_bad_bodies(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_1/setNote"
    none = api("PATCH", path, {"note": None})  # 60
    assert_problem(none, 400, "Bad Request", "None is not of type 'string' - 'note'")
    assert_oops(api("PATCH", path, {}))  # 61
    long = api("PATCH", path, {"note": "x" * 1001})  # 62
    assert_problem(long, 400, "Bad Request", "{'note': ['Longer than maximum length 1000.']}")


# ---------------------------------------------------------------- upstream events, delete


def test_upstream_dataset_events(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    none = api("GET", "/dags/example_sdk_dag/dagRuns/sdk_run_1/upstreamDatasetEvents")  # 64
    assert none.data == b'{\n  "dataset_events": [],\n  "total_entries": 0\n}\n'
    path = "/dags/dataset_consumer/dagRuns/dataset_triggered__2024-01-02T00%3A00%3A00%2B00%3A00"
    events = api("GET", path + "/upstreamDatasetEvents")  # 65
    assert events.headers["Content-Length"] == "862"
    event = body_of(events)["dataset_events"][0]
    assert event["created_dagruns"][0]["dag_run_id"] == CONSUMER_RUN
    assert (event["id"], event["dataset_uri"], event["source_run_id"]) == (
        1,
        "harness://datasets/one",
        "harness_producer_run",
    )
    missing = api("GET", "/dags/example_sdk_dag/dagRuns/nope/upstreamDatasetEvents")  # 66
    detail = "DAGRun with DAG ID: 'example_sdk_dag' and DagRun ID: 'nope' not found"
    assert_problem(missing, 404, "DAGRun not found", detail)


def test_delete(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_1"
    deleted = api("DELETE", path)  # 67
    assert deleted.status == 204 and deleted.data == b""
    assert deleted.headers["Content-Type"] == "application/json"
    assert "Content-Length" not in deleted.headers
    detail = "DAGRun with DAG ID: 'example_sdk_dag' and DagRun ID: 'sdk_run_1' not found"
    assert_problem(api("DELETE", path), 404, "Not Found", detail)  # 68
    assert_problem(api("GET", path), 404, "DAGRun not found", detail)  # 69


# ---------------------------------------------------------------- auth (#70-78, #114-117)


@allow_violations
def test_missing_or_wrong_credentials(api: Api, mock: MockAirflow) -> None:
    for auth in (None, WRONG, "Bearer nope"):  # 70-72
        assert_problem(
            api("GET", "/dags/example_sdk_dag/dagRuns", auth=auth), 403, "Forbidden", None
        )
        assert_problem(trigger_as(api, auth), 403, "Forbidden", None)
    mock.set_strict_auth()
    for auth in (None, WRONG):  # 114-116
        got = api("GET", "/dags/example_sdk_dag/dagRuns", auth=auth)
        assert_problem(got, 401, "Unauthorized", None)
        assert "WWW-Authenticate" not in got.headers
    assert_problem(trigger_as(api, VIEWER), 403, "Forbidden", None)  # 117


def trigger_as(api: Api, auth: Optional[str]) -> Resp:
    return api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": "viewer_try"}, auth=auth)


def test_viewer_reads_but_may_not_write(api: Api) -> None:
    trigger(api, **RUN_1_BODY)
    path = "/dags/example_sdk_dag/dagRuns/sdk_run_1"
    assert api("GET", path, auth=VIEWER).status == 200  # 73
    for method, suffix, body in [
        ("POST", "", None),  # 74
        ("DELETE", "", None),  # 75
        ("PATCH", "", {"state": "failed"}),  # 76
        ("POST", "/clear", {"dry_run": True}),  # 77
    ]:
        url = "/dags/example_sdk_dag/dagRuns" if method == "POST" and not suffix else path + suffix
        sent = {"dag_run_id": "viewer_try"} if method == "POST" and not suffix else body
        assert_problem(api(method, url, sent, auth=VIEWER), 403, "Forbidden", None)


def test_bearer_tokens(api: Api, mock: MockAirflow) -> None:
    bearer = f"Bearer {MOCK_TOKEN}"
    assert trigger_as(api, bearer).status == 200
    mock.add_token("read-only", role="viewer")
    assert api("GET", "/dags/example_sdk_dag/dagRuns", auth="Bearer read-only").status == 200
    assert_problem(trigger_as(api, "Bearer read-only"), 403, "Forbidden", None)


# ---------------------------------------------------------------- HTTP behaviour


def test_keep_alive_and_headers(api: Api, mock: MockAirflow) -> None:
    for _ in range(3):
        response = api("GET", "/dags/~/dagRuns?limit=1")
        assert response.status == 200
        assert response.headers.get("Connection") is None
        assert response.headers["Server"] == "gunicorn"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert len({r.client for r in mock.requests}) == 1  # one connection, reused
    mock.set_connection_close()
    assert api("GET", "/dags/~/dagRuns").headers["Connection"] == "close"
    api("GET", "/dags/~/dagRuns")
    assert mock.requests[-1].client != mock.requests[-2].client  # closed after each answer


def test_request_log(api: Api, mock: MockAirflow) -> None:
    api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": "logged"}, headers={"X-Trace": "1"})
    api("GET", "/dags/%7E/dagRuns?state=queued&state=success")
    first, second = mock.requests
    assert (first.method, first.path, first.query, first.status) == (
        "POST",
        "/api/v1/dags/example_sdk_dag/dagRuns",
        "",
        200,
    )
    assert first.json() == {"dag_run_id": "logged"} and first.header("x-trace") == "1"
    assert (
        second.path == "/api/v1/dags/%7E/dagRuns" and second.query == "state=queued&state=success"
    )
    assert second.time >= first.time
    assert mock.requests_to("GET", "/dagRuns") == [second]


def test_spec_violations_are_recorded(api: Api, mock: MockAirflow) -> None:
    with mock.allow_spec_violations() as allowed:
        api("GET", "/dags/example_sdk_dag/dagRuns?limit=abc")
        api("GET", "/dags/example_sdk_dag/dagRuns/a%2Fb")
    assert mock.spec_violations == []
    assert [v.path for v in allowed] == [
        "/api/v1/dags/example_sdk_dag/dagRuns",
        "/api/v1/dags/example_sdk_dag/dagRuns/a%2Fb",
    ]
    assert "limit" in str(allowed[0])
    api("GET", "/dags/example_sdk_dag/dagRuns", auth=None)  # no credentials: not in the spec
    assert len(mock.take_spec_violations()) == 1
    assert mock.spec_violations == []


# ---------------------------------------------------------------- controls and faults


def test_seed_many_runs_and_page_quickly(api: Api, mock: MockAirflow) -> None:
    run_ids = mock.seed_runs("example_sdk_dag", 10_000, states=("success", "failed", "running"))
    assert len(run_ids) == 10_000 and run_ids[0] == "scheduled__2023-01-01T00:00:00+00:00"
    started = time.monotonic()
    page = body_of(api("GET", "/dags/example_sdk_dag/dagRuns?offset=9990&order_by=-execution_date"))
    assert page["total_entries"] == 10_000 and len(page["dag_runs"]) == 10
    assert page["dag_runs"][-1]["dag_run_id"] == run_ids[0]
    failed = body_of(api("POST", "/dags/~/dagRuns/list", {"states": ["failed"], "page_limit": 5}))
    assert failed["total_entries"] == 3_333 and failed["dag_runs"][0]["end_date"]
    assert time.monotonic() - started < 5
    mock.reset()
    assert body_of(api("GET", "/dags/~/dagRuns"))["total_entries"] == 2


def test_add_run_and_dag(api: Api, mock: MockAirflow) -> None:
    mock.add_dag("fresh_dag", tasks=("a", "b", "c"))
    start = datetime(2024, 5, 1, tzinfo=timezone.utc)
    mock.add_run("fresh_dag", "r1", start, state="running", start_date=start)
    assert mock.get_run("fresh_dag", "r1")["state"] == "running"
    preview = body_of(api("POST", "/dags/fresh_dag/dagRuns/r1/clear", {}))
    assert [t["task_id"] for t in preview["task_instances"]] == ["a", "b", "c"]
    assert mock.run_ids("fresh_dag") == ["r1"]


def test_fault_status_with_retry_after(api: Api, mock: MockAirflow) -> None:
    mock.add_fault(
        "status",
        method="GET",
        path=r"/dagRuns$",
        status=429,
        headers=[("Retry-After", "2")],
        times=2,
    )
    for _ in range(2):
        limited = api("GET", "/dags/example_sdk_dag/dagRuns")
        assert limited.status == 429 and limited.headers["Retry-After"] == "2"
        assert body_of(limited)["title"] == "Too Many Requests"
    assert api("GET", "/dags/example_sdk_dag/dagRuns").status == 200
    assert [r.fault for r in mock.requests] == ["status", "status", None]
    assert [r.status for r in mock.requests] == [429, 429, 200]


def test_fault_pages_and_bodies(api: Api, mock: MockAirflow) -> None:
    mock.add_fault("html", status=502)
    proxy = api("GET", "/dags/~/dagRuns")
    assert proxy.status == 502 and proxy.headers["Content-Type"].startswith("text/html")
    mock.add_fault("html", status=500)
    assert_oops(api("GET", "/dags/~/dagRuns"))
    mock.add_fault("malformed_json")
    broken = api("GET", "/dags/~/dagRuns")
    assert broken.status == 200 and broken.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(broken.data)
    mock.add_fault("large", size=2_000_000)
    large = api("GET", "/dags/~/dagRuns")
    assert len(large.data) >= 2_000_000 and body_of(large)["total_entries"] > 1000
    mock.add_fault("status", status=503, body=b"busy", content_type="text/plain", process=True)
    busy = api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": "processed"})
    assert (busy.status, busy.data) == (503, b"busy")
    assert mock.get_run("example_sdk_dag", "processed") is not None


def test_fault_truncate_reset_and_drop_after_processing(api: Api, mock: MockAirflow) -> None:
    for kind, run_id in (("truncate", "t"), ("reset", "r"), ("drop", "d")):
        mock.add_fault(kind, method="POST")
        with pytest.raises(urllib3.exceptions.HTTPError):
            api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": run_id})
        assert mock.get_run("example_sdk_dag", run_id) is not None, kind  # processed anyway
    assert [(r.fault, r.status) for r in mock.requests] == [
        ("truncate", 200),
        ("reset", 200),
        ("drop", None),
    ]
    assert api("GET", "/dags/example_sdk_dag/dagRuns").status == 200
    for kind in ("drop", "reset"):  # before the request is handled: nothing happens
        mock.add_fault(kind, method="POST", process=False)
        with pytest.raises(urllib3.exceptions.HTTPError):
            api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": f"never_{kind}"})
        assert mock.get_run("example_sdk_dag", f"never_{kind}") is None


def test_fault_delay_beyond_read_timeout(api: Api, mock: MockAirflow) -> None:
    mock.add_fault("delay", method="POST", delay=1.0, process=True)
    timeout = urllib3.Timeout(connect=1, read=0.2)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        api("POST", "/dags/example_sdk_dag/dagRuns", {"dag_run_id": "slow"}, timeout=timeout)
    assert mock.get_run("example_sdk_dag", "slow") is not None
    mock.add_fault("delay", delay=0.3)
    started = time.monotonic()
    assert api("GET", "/dags/~/dagRuns").status == 200
    assert time.monotonic() - started >= 0.3


def test_http_control_api(mock: MockAirflow) -> None:
    http = urllib3.PoolManager()
    try:

        def control(method: str, path: str, body: Any = None) -> Any:
            data = None if body is None else json.dumps(body).encode()
            response = http.request(method, f"{mock.root_url}/_mock/{path}", body=data)
            assert response.status == 200, response.data
            return json.loads(response.data)

        control("PUT", "config", {"strict_auth": True, "run_id_pattern": RELAXED_RUN_ID_PATTERN})
        assert mock.strict_auth and mock.context.run_id_pattern == RELAXED_RUN_ID_PATTERN
        seeded = control(
            "POST", "seed", {"dag_id": "another_dag", "count": 3, "run_id_prefix": "s"}
        )
        assert seeded["run_ids"] == ["s00000", "s00001", "s00002"]
        control(
            "POST",
            "runs",
            {"dag_id": "another_dag", "run_id": "one", "logical_date": "2024-01-01T00:00:00Z"},
        )
        assert [r["dag_run_id"] for r in control("GET", "runs?dag_id=another_dag")][-1] == "one"
        control("POST", "tokens", {"token": "t2", "role": "viewer"})
        control("POST", "faults", {"kind": "status", "status": 503, "times": 1})
        assert control("GET", "faults")[0]["status"] == 503
        control("DELETE", "faults")
        anonymous = http.request("GET", mock.url + "/dags/~/dagRuns")
        assert anonymous.status == 401
        assert control("GET", "requests")[0]["status"] == 401
        assert control("GET", "spec_violations")  # the request had no credentials
        control("DELETE", "spec_violations")
        control("POST", "reset")
        assert not mock.strict_auth and mock.run_ids("another_dag") == []
    finally:
        http.clear()


def test_stop_leaves_no_thread_or_socket() -> None:
    before = set(threading.enumerate())
    server = MockAirflow(spec_path=None).start()
    pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
    assert pool.request("GET", "/api/v1/health").status == 200  # an idle keep-alive connection
    server.stop()
    pool.close()
    assert set(threading.enumerate()) <= before
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_standalone_command_prints_its_url() -> None:
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR))
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_airflow", "--port", "0", "--no-spec"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/api/v1", line)
        assert url, line
        version = urllib3.PoolManager().request("GET", url.group(0) + "/version")
        assert json.loads(version.data)["version"] == "2.11.2"
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


# ---------------------------------------------------------------- full transcript replay

Exchange = Dict[str, Any]
NOW = re.compile(r"20(?:2[5-9]|[3-9]\d)-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


def parse_transcripts(text: str) -> List[Exchange]:
    """Every recorded exchange: number, request (method, path, headers, body), response."""
    exchanges = []
    for match in re.finditer(r"^### (\d+)\..*?```http\n(.*?)\n```", text, re.S | re.M):
        block = match.group(2)
        request_text, _, response_text = block.partition("\n\n< HTTP/1.1 ")
        request_head, _, request_body = (request_text + "\n").partition("\n> \n")
        lines = [line[2:] for line in request_head.splitlines()]
        method, path, _ = lines[0].split(" ")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers.get("Content-Length", 0))
        status_line, _, rest = response_text.partition("\n")
        response_head, _, response_body = (rest + "\n").partition("\n< \n")
        response_headers = dict(line[2:].split(": ", 1) for line in response_head.splitlines())
        body_length = int(response_headers.get("Content-Length", 0))
        exchanges.append(
            {
                "n": int(match.group(1)),
                "method": method,
                "path": path,
                "headers": headers,
                "body": request_body.encode()[:length],
                "status_line": status_line,
                "response_headers": response_headers,
                "response_body": response_body.encode()[:body_length],
            }
        )
    return exchanges


def normalized(body: bytes) -> Any:
    """A JSON body with timestamps of 'now' (and run ids made of them) blanked out."""
    return json.loads(NOW.sub("<now>", body.decode()))


def replay(server: MockAirflow, exchange: Exchange) -> Optional[str]:
    """Send one recorded request; a description of the differences, or None."""
    pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port, retries=False)
    try:
        headers = {
            k: v for k, v in exchange["headers"].items() if k not in ("Host", "Content-Length")
        }
        body = exchange["body"] if exchange["method"] in ("POST", "PATCH", "PUT") else None
        got = pool.urlopen(exchange["method"], exchange["path"], body=body, headers=headers)
    finally:
        pool.close()
    want_headers = exchange["response_headers"]
    problems = []
    if f"{got.status} {got.reason}" != exchange["status_line"]:
        problems.append(f"status {got.status} {got.reason} != {exchange['status_line']}")
    for name in ("Content-Type", "Cache-Control", "X-Robots-Tag", "Vary"):
        if got.headers.get(name) != want_headers.get(name):
            problems.append(f"{name}: {got.headers.get(name)!r} != {want_headers.get(name)!r}")
    want = exchange["response_body"]
    if got.data != want and (
        not NOW.search(want.decode()) or normalized(got.data) != normalized(want)
    ):
        problems.append(f"body:\n{got.data.decode()}\n!=\n{want.decode()}")
    return f"#{exchange['n']}: " + "; ".join(problems) if problems else None


def test_replays_every_transcript() -> None:
    if not TRANSCRIPTS.is_file():
        pytest.skip(f"no transcripts at {TRANSCRIPTS}")
    exchanges = parse_transcripts(TRANSCRIPTS.read_text(encoding="utf-8"))
    assert len(exchanges) == 131
    stock = MockAirflow().start()
    variant = MockAirflow().start()
    variant.set_strict_auth()
    variant.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    failures = []
    try:
        for exchange in exchanges:
            server = variant if exchange["headers"]["Host"].endswith(":28081") else stock
            with server.allow_spec_violations():
                failure = replay(server, exchange)
            if failure:
                failures.append(failure)
            if exchange["n"] == 2:
                time.sleep(0.002)  # the transcripts' two "now" runs differ
    finally:
        stock.stop()
        variant.stop()
    crashed = [
        v for s in (stock, variant) for v in s.allowed_spec_violations if "crashed" in str(v)
    ]
    assert not crashed
    assert not failures, "\n\n".join(failures)
