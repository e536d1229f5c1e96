"""Self-tests of the mock's Airflow 3.3 side (``/api/v2``, ``/auth/token``), over raw HTTP.

The expected answers are those of ``shared/reference/airflow-3.3-dagruns-transcripts.md`` (``#n``
below) and the facts of ``airflow-3.3-README.md`` beside it. ``test_replays_every_transcript``
replays all of it with ``tests/airflow3/replay.py`` against two fresh mocks (the second set up
like the scheduler server of #245-#268) on a virtual clock.

Every test here sends requests on purpose that openapi-v2.yaml may refuse (that is what it
checks), so spec violations do not fail them; ``test_spec_validation_*`` checks the validation.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import importlib.util
import json
import re
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import urllib3

from mock_airflow import DEFAULT_V2_SPEC, MockAirflow

pytestmark = [pytest.mark.mock_only, pytest.mark.allow_spec_violations]

TESTS_DIR = Path(__file__).resolve().parent
REPLAY = TESTS_DIR / "airflow3" / "replay.py"
Resp = urllib3.HTTPResponse
ADMIN, VIEWER, NONE = "admin", "viewer", ""
DAG = "example_sdk_dag"
CONSUMER_RUN = "asset_triggered__2024-01-02T00:00:00+00:00_harness1"
CLOCK = re.compile(r"20(?:2[5-9]|[3-9]\d)-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?(?:Z|\+00:00)")
EXAMPLE_VERSION = {
    "id": "01a2343b-b87e-7126-88e8-7a3981bd16e2",
    "version_number": 1,
    "dag_id": DAG,
    "bundle_name": "dags-folder",
    "bundle_version": None,
    "created_at": "2026-12-02T00:50:58.811582Z",
    "dag_display_name": DAG,
    "bundle_url": None,
}
RUN_KEYS = [
    "dag_run_id",
    "dag_id",
    "logical_date",
    "queued_at",
    "start_date",
    "end_date",
    "duration",
    "data_interval_start",
    "data_interval_end",
    "run_after",
    "last_scheduling_decision",
    "run_type",
    "state",
    "triggered_by",
    "triggering_user_name",
    "conf",
    "note",
    "dag_versions",
    "bundle_version",
    "dag_display_name",
    "partition_key",
    "partition_date",
]
RUNNING_RUN = (  # 67, byte for byte
    b'{"dag_run_id":"harness_running_run","dag_id":"example_sdk_dag","logical_date":'
    b'"2024-01-03T00:00:00Z","queued_at":null,"start_date":"2024-01-03T00:00:00Z","end_date":null,'
    b'"duration":null,"data_interval_start":"2024-01-03T00:00:00Z","data_interval_end":'
    b'"2024-01-03T00:00:00Z","run_after":"2024-01-03T00:00:00Z","last_scheduling_decision":null,'
    b'"run_type":"manual","state":"running","triggered_by":"cli","triggering_user_name":null,'
    b'"conf":{},"note":null,"dag_versions":[{"id":"01a2343b-b87e-7126-88e8-7a3981bd16e2",'
    b'"version_number":1,"dag_id":"example_sdk_dag","bundle_name":"dags-folder",'
    b'"bundle_version":null,"created_at":"2026-12-02T00:50:58.811582Z","dag_display_name":'
    b'"example_sdk_dag","bundle_url":null}],"bundle_version":null,"dag_display_name":'
    b'"example_sdk_dag","partition_key":null,"partition_date":null}'
)
ASSET_EVENTS = (  # 228, byte for byte
    b'{"asset_events":[{"id":1,"asset_id":1,"uri":"harness://assets/one","name":'
    b'"harness_asset_one","group":"asset","extra":{"from":"airflow3-harness","rows":3},'
    b'"source_task_id":"produce","source_dag_id":"asset_producer","source_run_id":'
    b'"harness_producer_run","source_map_index":-1,"created_dagruns":[{"run_id":'
    b'"asset_triggered__2024-01-02T00:00:00+00:00_harness1","dag_id":"asset_consumer",'
    b'"logical_date":null,"start_date":"2024-01-02T00:00:01Z","end_date":"2024-01-02T00:00:03Z",'
    b'"state":"success","data_interval_start":null,"data_interval_end":null,"partition_key":null,'
    b'"triggering":true}],"timestamp":"2024-01-01T12:05:00Z","partition_key":null}],'
    b'"total_entries":1}'
)


class V2:
    """A urllib3 client for the mock's v2 side; tokens come from POST /auth/token."""

    def __init__(self, mock: MockAirflow) -> None:
        self.mock = mock
        self.pool = urllib3.HTTPConnectionPool("127.0.0.1", mock.port, maxsize=2, retries=False)
        self.tokens = {ADMIN: self.login(ADMIN), VIEWER: self.login(VIEWER)}

    def login(self, user: str) -> str:
        response = self.raw("POST", "/auth/token", {"username": user, "password": user})
        assert response.status == 201, response.data
        return str(json.loads(response.data)["access_token"])

    def raw(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Resp:
        return self(method, path, body, token=NONE, prefix="", **kwargs)

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str = ADMIN,
        content_type: Optional[str] = "application/json",
        headers: Optional[Dict[str, str]] = None,
        prefix: str = "/api/v2",
        **kwargs: Any,
    ) -> Resp:
        sent = {"Accept": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {self.tokens.get(token, token)}"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        if body is not None and content_type:
            sent["Content-Type"] = content_type
        return self.pool.urlopen(
            method, prefix + path, body=body, headers=sent, redirect=False, **kwargs
        )


@pytest.fixture
def v2(mock: MockAirflow) -> Iterator[V2]:
    client = V2(mock)
    yield client
    client.pool.close()


def body_of(response: Resp) -> Any:
    return json.loads(response.data)


def assert_json(response: Resp, status: int, expected: Any) -> None:
    """A FastAPI JSON answer: status, uvicorn's headers, and exactly this compact body."""
    assert response.status == status, response.data
    assert response.headers["content-type"] == "application/json"
    assert response.headers["server"] == "uvicorn"
    if isinstance(expected, bytes):
        assert response.data == expected
    else:
        assert response.data == json.dumps(expected, separators=(",", ":")).encode()


def detail(response: Resp, status: int, text: Any) -> None:
    assert_json(response, status, {"detail": text})


def trigger(v2: V2, dag_id: str = DAG, **body: Any) -> Resp:
    body.setdefault("logical_date", None)
    return v2("POST", f"/dags/{dag_id}/dagRuns", body)


def ids(response: Resp) -> List[str]:
    return [run["dag_run_id"] for run in body_of(response)["dag_runs"]]


def blank(obj: Any) -> Any:
    """The clock-made timestamps (and run ids made of them) of an answer, blanked."""
    return json.loads(CLOCK.sub("<now>", json.dumps(obj)))


def jwt_parts(token: str) -> Tuple[Dict[str, Any], Dict[str, Any], bytes, bytes]:
    def unb64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    head, claims, signature = token.split(".")
    signing_input = f"{head}.{claims}".encode()
    return json.loads(unb64(head)), json.loads(unb64(claims)), signing_input, unb64(signature)


# ---------------------------------------------------------------- /auth/token (#1-#20)


def test_token_is_an_hs512_jwt_with_airflows_claims(v2: V2, mock: MockAirflow) -> None:
    response = v2.raw("POST", "/auth/token", {"username": "admin", "password": "admin"})  # 1
    assert response.status == 201 and response.reason == "Created"
    assert list(response.headers) == ["date", "server", "content-length", "content-type", "vary"]
    assert response.headers["content-length"] == "374"  # as recorded (1 s-precision claims)
    token = body_of(response)["access_token"]
    header, claims, signing_input, signature = jwt_parts(token)
    assert header == {"alg": "HS512", "kid": "not-used", "typ": "JWT"}
    assert list(claims) == ["sub", "role", "teams", "jti", "aud", "nbf", "exp", "iat"]
    assert (claims["sub"], claims["role"], claims["teams"], claims["aud"]) == (
        "admin",
        "admin",
        [],
        "apache-airflow",
    )
    assert claims["exp"] - claims["iat"] == 86400 and claims["nbf"] == claims["iat"]
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])
    key = mock.jwt_secret.encode()
    assert hmac.compare_digest(hmac.new(key, signing_input, hashlib.sha512).digest(), signature)
    viewer = jwt_parts(v2.tokens[VIEWER])[1]
    assert (viewer["sub"], viewer["role"]) == ("viewer", "viewer")
    cli = v2.raw("POST", "/auth/token/cli", {"username": "admin", "password": "admin"})  # 12
    cli_claims = jwt_parts(body_of(cli)["access_token"])[1]
    assert cli.status == 201 and cli_claims["exp"] - cli_claims["iat"] == 3600


def test_token_body_forms_and_errors(v2: V2) -> None:
    form = b"username=admin&password=admin"
    as_form = v2.raw("POST", "/auth/token", form, content_type="application/x-www-form-urlencoded")
    assert as_form.status == 201  # 3
    no_type = v2.raw(
        "POST", "/auth/token", {"username": "admin", "password": "admin"}, content_type=None
    )
    assert no_type.status == 201  # 10: read as JSON
    for body, status, text in [
        ({"username": "admin", "password": "wrong"}, 401, "Invalid credentials"),  # 4
        ({"username": "nobody", "password": "x"}, 401, "Invalid credentials"),  # 5
        ({"username": "", "password": ""}, 400, "Username and password must be provided"),  # 7
        (
            {"username": "admin"},
            422,
            "1 validation error for LoginBody\npassword\n  Field required [type=missing, "
            "input_value={'username': 'admin'}, input_type=dict]\n    For further information "
            "visit https://errors.pydantic.dev/2.14/v/missing",
        ),  # 6
    ]:
        detail(v2.raw("POST", "/auth/token", body), status, text)
    text_plain = v2.raw(
        "POST",
        "/auth/token",
        b'{"username": "admin", "password": "admin"}',
        content_type="text/plain",
    )
    detail(
        text_plain, 415, "Only application/json or application/x-www-form-urlencoded is supported"
    )
    detail(
        v2.raw("GET", "/auth/token"),
        403,
        "This method is only allowed if ``[core] simple_auth_manager_all_admins`` is True",
    )  # 11
    broken = v2.raw("POST", "/auth/token", b'{"username": ')
    assert (broken.status, broken.data) == (500, b"Internal Server Error")


def test_credentials(v2: V2, mock: MockAirflow) -> None:
    path = f"/dags/{DAG}/dagRuns?limit=1"
    for token, header in [(NONE, None), (NONE, "Basic YWRtaW46YWRtaW4="), (NONE, "Bearer ")]:
        extra = {"Authorization": header} if header else {}
        response = v2("GET", path, token=token, headers=extra)  # 13, 14, 18
        detail(response, 401, "Not authenticated")
        assert "www-authenticate" not in response.headers
    detail(v2("GET", path, token="not-a-jwt"), 403, "Invalid JWT token")  # 15
    expired = mock.issue_token("admin", lifetime=3600, issued_at=time.time() - 7200)
    detail(v2("GET", path, token=expired), 401, "Token Expired")  # 16
    header, claims, signing_input, _ = jwt_parts(v2.tokens[ADMIN])
    forged = (
        signing_input.decode()
        + "."
        + base64.urlsafe_b64encode(hmac.new(b"another key", signing_input, hashlib.sha512).digest())
        .rstrip(b"=")
        .decode()
    )
    detail(v2("GET", path, token=forged), 403, "Invalid JWT token")  # 17
    cookie = v2("GET", path, token=NONE, headers={"Cookie": f"_token={v2.tokens[ADMIN]}"})
    assert cookie.status == 200 and len(cookie.data) == 911  # 19
    health = v2("GET", "/monitor/health", token=NONE)  # 20
    assert health.status == 200 and len(health.data) == 238
    assert v2("GET", path, token=VIEWER).status == 200
    viewer_trigger = v2("POST", f"/dags/{DAG}/dagRuns", {"logical_date": None}, token=VIEWER)
    detail(viewer_trigger, 403, "Forbidden")  # 64
    mock.add_v2_token("fixed-token", role="viewer")
    assert v2("GET", path, token="fixed-token").status == 200
    mock.expire_token(v2.tokens[ADMIN])
    detail(v2("GET", path), 401, "Token Expired")


def test_short_token_lifetime_and_leeway(v2: V2, mock: MockAirflow) -> None:
    path = f"/dags/{DAG}/dagRuns?limit=1"
    mock.set_token_lifetime(5)  # the server of #245-#247: 5-s tokens, 10 s of leeway
    token = v2.login(ADMIN)
    assert v2("GET", path, token=token).status == 200  # 245
    mock.advance_clock(4.2)
    assert v2("GET", path, token=token).status == 200  # 246
    mock.advance_clock(12.1)
    detail(v2("GET", path, token=token), 401, "Token Expired")  # 247
    mock.set_token_lifetime(2)
    mock.set_jwt_leeway(0)  # real time: a 2-s token (iat in whole seconds) is gone within 3 s
    token = v2.login(ADMIN)
    assert v2("GET", path, token=token).status == 200
    deadline = time.monotonic() + 4
    while v2("GET", path, token=token).status == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    detail(v2("GET", path, token=token), 401, "Token Expired")
    mock.set_token_lifetime(0)
    detail(v2("GET", path, token=v2.login(ADMIN)), 401, "Token Expired")


# ---------------------------------------------------------------- trigger (#21-#64)


def test_trigger_answers_the_run(v2: V2, mock: MockAirflow) -> None:
    sent = {
        "dag_run_id": "sdk_run_1",
        "logical_date": "2024-01-10T00:00:00Z",
        "conf": {"a": 1, "nested": {"b": [1, 2]}},
        "note": "first run",
    }
    response = v2("POST", f"/dags/{DAG}/dagRuns", sent)  # 21
    assert response.status == 200 and len(response.data) == 853
    run = body_of(response)
    assert list(run) == RUN_KEYS
    assert blank(run) == blank(
        {
            "dag_run_id": "sdk_run_1",
            "dag_id": DAG,
            "logical_date": "2024-01-10T00:00:00Z",
            "queued_at": "<now>",
            "start_date": None,
            "end_date": None,
            "duration": None,
            "data_interval_start": "2024-01-10T00:00:00Z",
            "data_interval_end": "2024-01-10T00:00:00Z",
            "run_after": "<now>",
            "last_scheduling_decision": None,
            "run_type": "manual",
            "state": "queued",
            "triggered_by": "rest_api",
            "triggering_user_name": "admin",
            "conf": {"a": 1, "nested": {"b": [1, 2]}},
            "note": "first run",
            "dag_versions": [EXAMPLE_VERSION],
            "bundle_version": None,
            "dag_display_name": DAG,
            "partition_key": None,
            "partition_date": None,
        }
    )
    assert v2("GET", f"/dags/{DAG}/dagRuns/sdk_run_1").data == response.data  # 65
    generated = body_of(trigger(v2))  # 23
    assert generated["dag_run_id"] == "manual__" + generated["run_after"].replace("Z", "+00:00")
    assert generated["logical_date"] is generated["data_interval_start"] is None
    offset = body_of(
        trigger(v2, dag_run_id="sdk_run_offset", logical_date="2024-01-12T08:00:00+02:00")
    )
    assert offset["logical_date"] == offset["data_interval_end"] == "2024-01-12T08:00:00+02:00"
    again = body_of(v2("GET", f"/dags/{DAG}/dagRuns/sdk_run_offset"))  # 25
    assert again["logical_date"] == "2024-01-12T06:00:00Z"
    epoch = body_of(trigger(v2, dag_run_id="sdk_run_epoch", logical_date=1705104000))  # 29
    assert epoch["logical_date"] == "2024-01-13T00:00:00Z"
    naive_after = body_of(trigger(v2, dag_run_id="after", run_after="2024-02-01T00:00:00"))
    assert naive_after["run_after"] == "2024-02-01T00:00:00Z"  # 31
    intervals = body_of(
        trigger(
            v2,
            "another_dag",
            dag_run_id="di",
            data_interval_start="2024-01-31T00:00:00Z",
            data_interval_end="2024-02-01T00:00:00Z",
        )
    )
    assert intervals["data_interval_start"] is None  # 34: ignored without a logical date
    assert body_of(trigger(v2, "another_dag", dag_run_id="c", conf=None))["conf"] == {}  # 35
    assert body_of(trigger(v2, "another_dag", dag_run_id="n", note=""))["note"] is None  # 38
    assert body_of(trigger(v2, "another_dag", dag_run_id="l", note="n" * 1001))["note"]  # 39
    assert body_of(trigger(v2, dag_run_id=""))["dag_run_id"].startswith("manual__")  # 42
    assert body_of(trigger(v2, dag_run_id="."))["dag_run_id"] == "."  # 62
    ui = v2(
        "POST",
        "/dags/another_dag/dagRuns",
        {"dag_run_id": "r", "logical_date": None},
        headers={"Referer": "http://127.0.0.1/dags"},
    )
    assert body_of(ui)["triggered_by"] == "ui"  # 56
    assert trigger(v2, "asset_consumer", dag_run_id="consumer_manual_1").status == 200  # 61
    params = body_of(trigger(v2, "params_dag", dag_run_id="p", conf={"name": "sdk", "count": 3}))
    assert params["conf"] == {"name": "sdk", "count": 3}  # 49
    assert mock.get_v2_run(DAG, "sdk_run_1")["note"] == "first run"


TRIGGER_422 = [
    (
        {},
        b'{"detail":[{"type":"missing","loc":["body","logical_date"],"msg":"Field required",'
        b'"input":{}}]}',
    ),  # 22
    (
        {"dag_run_id": "x", "logical_date": "2024-01-13T00:00:00"},
        b'{"detail":[{"type":"timezone_aware","loc":["body","logical_date"],"msg":"Input should '
        b'have timezone info","input":"2024-01-13T00:00:00"}]}',
    ),  # 27
    (
        {
            "dag_run_id": "another_run_half",
            "logical_date": "2024-02-02T00:00:00Z",
            "data_interval_start": "2024-02-01T00:00:00Z",
        },
        b'{"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, Either both '
        b'data_interval_start and data_interval_end must be provided or both must be None",'
        b'"input":{"dag_run_id":"another_run_half","logical_date":"2024-02-02T00:00:00Z",'
        b'"data_interval_start":"2024-02-01T00:00:00Z"},"ctx":{"error":{}}}]}',
    ),  # 33
    (
        {"logical_date": None, "conf": [1, 2]},
        b'{"detail":[{"type":"dict_type","loc":["body","conf"],"msg":"Input should be a valid '
        b'dictionary","input":[1,2]}]}',
    ),  # 37
    (
        {"logical_date": None, "foo": 1},
        b'{"detail":[{"type":"extra_forbidden","loc":["body","foo"],"msg":"Extra inputs are not '
        b'permitted","input":1}]}',
    ),  # 40
]


@pytest.mark.parametrize(("body", "expected"), TRIGGER_422)
def test_trigger_validation_errors(v2: V2, body: Dict[str, Any], expected: bytes) -> None:
    assert_json(v2("POST", f"/dags/{DAG}/dagRuns", body), 422, expected)


def test_trigger_framing_errors(v2: V2) -> None:
    path = f"/dags/{DAG}/dagRuns"
    sent = b'{"dag_run_id": "another_no_ct", "logical_date": null}'
    assert_json(
        v2("POST", path, sent, content_type=None),
        422,
        {
            "detail": [
                {
                    "type": "model_attributes_type",
                    "loc": ["body"],
                    "msg": "Input should be a valid dictionary or object to extract fields from",
                    "input": sent.decode(),
                }
            ]
        },
    )  # 57
    assert_json(
        v2("POST", path, b'{"logical_date": null,'),
        422,
        {
            "detail": [
                {
                    "type": "json_invalid",
                    "loc": ["body", 22],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": "Expecting property name enclosed in double quotes"},
                }
            ]
        },
    )  # 59
    assert_json(
        v2("POST", path, b""),
        422,
        {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]},
    )  # 60
    # A body that is not JSON is refused before the credentials are looked at.
    assert v2("POST", path, b"{", token=NONE).status == 422


def test_trigger_business_rules(v2: V2, mock: MockAirflow) -> None:
    trigger(v2, dag_run_id="sdk_run_1", logical_date="2024-01-10T00:00:00Z")
    detail(
        trigger(v2, dag_run_id="bad id"),
        400,
        (
            "The run_id provided 'bad id' does not match regex pattern '^[A-Za-z0-9_.~:+-]+$' or "
            "'^(?:manual|scheduled|asset_triggered)__(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}"
            "\\+00:00)$'"
        ),
    )  # 43
    detail(
        trigger(v2, dag_run_id="a..b"),
        400,
        "The run_id 'a..b' must not contain '..' to prevent path traversal",
    )  # 44
    detail(
        trigger(v2, dag_run_id="scheduled__2024-01-01T00:00:00+00:00"),
        400,
        "A manual DAG run cannot use ID 'scheduled__2024-01-01T00:00:00+00:00' since it is "
        "reserved for scheduled runs",
    )  # 45
    for body in (
        {"dag_run_id": "sdk_run_1"},
        {"dag_run_id": "x", "logical_date": "2024-01-10T00:00:00Z"},
    ):
        conflict = body_of(trigger(v2, **body))  # 47, 48
        assert list(conflict["detail"]) == ["reason", "statement", "orig_error", "message"]
        assert conflict["detail"]["reason"] == "Unique constraint violation"
        assert re.search(r"look for ID [A-Za-z0-9]{8}$", conflict["detail"]["message"])
    detail(
        trigger(v2, "params_dag", dag_run_id="p", conf={"count": 11}),
        400,
        (
            "Invalid input for param count: 11 is greater than the maximum of 10\n\nFailed "
            "validating 'maximum' in schema:\n    {'type': 'integer', 'minimum': 0, 'maximum': "
            "10}\n\nOn instance:\n    11"
        ),
    )  # 50
    detail(trigger(v2, "no_such_dag"), 404, "Dag with dag_id: 'no_such_dag' not found")  # 53
    detail(trigger(v2, "~"), 404, "Dag with dag_id: '~' not found")  # 54
    detail(
        trigger(v2, dag_run_id="p", partition_key="2024-01-01"),
        400,
        "Dag 'example_sdk_dag' is not a partitioned Dag and does not accept a partition_key.",
    )
    mock.set_v2_run_id_pattern("^.+$")  # the variant server (#257-#268)
    assert body_of(trigger(v2, dag_run_id="with space"))["dag_run_id"] == "with space"
    detail(
        trigger(v2, dag_run_id="x..y"),
        400,
        "The run_id 'x..y' must not contain '..' to prevent path traversal",
    )  # 268


# ---------------------------------------------------------------- one run, routing (#65-#83)


def test_get_one_run_and_paths(v2: V2, mock: MockAirflow) -> None:
    assert_json(v2("GET", f"/dags/{DAG}/dagRuns/harness_running_run"), 200, RUNNING_RUN)  # 67
    consumer = v2(
        "GET",
        "/dags/asset_consumer/dagRuns/asset_triggered__2024-01-02T00%3A00%3A00%2B00%3A00_harness1",
    )
    assert len(consumer.data) == 811 and body_of(consumer)["duration"] == 2.0  # 66
    trigger(v2, dag_run_id="manual__2024-01-01T00:00:00+00:00", logical_date="2024-01-01T00:00:00Z")
    base = f"/dags/{DAG}/dagRuns/"
    for path in ("manual__2024-01-01T00:00:00+00:00", "manual__2024-01-01T00%3A00%3A00%2B00%3A00"):
        assert v2("GET", base + path).status == 200  # 68, 69
    detail(
        v2("GET", base + "manual__2024-01-01T00:00:00%2000:00"),
        404,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: "
        "`manual__2024-01-01T00:00:00 00:00` was not found",
    )  # 70
    trigger(v2, dag_run_id=".")
    assert body_of(v2("GET", base + "%2E"))["dag_run_id"] == "."  # 72
    detail(
        v2("GET", base + ".."),
        404,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: `..` was not found",
    )  # 73
    for path in ("a%2Fb", "harness_running_run/", "nope/nope/nope"):  # 75, 79
        assert_json(v2("GET", base + path), 404, b'{"error":"API route not found"}')
    detail(
        v2("GET", "/dags/~/dagRuns/x"),
        404,
        "The DagRun with dag_id: `~` and run_id: `x` was not found",
    )  # 78
    head = v2("HEAD", base + "harness_running_run")  # 81
    assert (head.status, head.headers["allow"], head.headers["content-length"]) == (
        405,
        "GET",
        "31",
    )
    assert list(head.headers)[:4] == ["date", "server", "allow", "content-length"]
    put = v2("PUT", base + "harness_running_run", {})  # 82
    assert_json(put, 405, b'{"detail":"Method Not Allowed"}')
    assert put.headers["allow"] == "GET"
    assert v2("POST", "/no/such/route", {}).headers["allow"] == "GET"
    mock.set_v2_run_id_pattern("^.+$")
    for run_id, path in [("p%q?h#", "p%25q%3Fh%23"), ("résumé-✓", "r%C3%A9sum%C3%A9-%E2%9C%93")]:
        created = trigger(v2, dag_run_id=run_id)  # 260, 266
        assert run_id.encode() in created.data  # raw UTF-8, no \\u escapes
        assert body_of(v2("GET", base + path))["dag_run_id"] == run_id  # 261, 267


# ---------------------------------------------------------------- lists (#84-#139)


@pytest.fixture
def bulk_runs(mock: MockAirflow) -> List[str]:
    """The transcripts' 110 runs of another_dag, triggered before #84 (2023-06-01 + i minutes,
    before the DAG's start date: no task instances)."""
    made = []
    for i in range(110):
        now = mock.v2_store.now()
        date = datetime(2023, 6, 1, i // 60, i % 60, tzinfo=timezone.utc)
        made.append(f"bulk_{i:03d}")
        mock.add_v2_run(
            "another_dag",
            made[-1],
            logical_date=date,
            run_after=now,
            queued_at=now,
            triggering_user_name="admin",
            conf={"i": i},
        )
    return made


def test_list_limits_offsets_and_orders(v2: V2, bulk_runs: List[str]) -> None:
    path = "/dags/another_dag/dagRuns"
    page = body_of(v2("GET", path))  # 85
    assert len(page["dag_runs"]) == 50 and page["total_entries"] == 110
    assert list(page)[1:] == [
        "total_entries",
        "total_entries_limit",
        "next_cursor",
        "previous_cursor",
    ]
    assert page["dag_runs"][0]["dag_versions"] == []  # before the DAG's start date (#178)
    assert len(body_of(v2("GET", path + "?limit=1000"))["dag_runs"]) == 100  # 86
    assert_json(
        v2("GET", path + "?limit=0"),
        200,
        {
            "dag_runs": [],
            "total_entries": 110,
            "total_entries_limit": None,
            "next_cursor": None,
            "previous_cursor": None,
        },
    )  # 87
    assert_json(
        v2("GET", path + "?limit=-1"),
        422,
        {
            "detail": [
                {
                    "type": "greater_than_equal",
                    "loc": ["query", "limit"],
                    "msg": "Input should be greater than or equal to 0",
                    "input": "-1",
                    "ctx": {"ge": 0},
                }
            ]
        },
    )
    assert body_of(v2("GET", path + "?limit=abc"))["detail"][0]["type"] == "int_parsing"  # 89
    assert ids(v2("GET", path + "?limit=2&offset=1")) == bulk_runs[1:3]  # 90
    assert body_of(v2("GET", path + "?offset=1000"))["dag_runs"] == []  # 92
    assert ids(v2("GET", "/dags/~/dagRuns?order_by=-id&limit=3")) == bulk_runs[:-4:-1]  # 93
    assert ids(v2("GET", path + "?order_by=-dag_run_id&limit=2")) == bulk_runs[:-3:-1]  # 94
    detail(
        v2("GET", path + "?order_by=execution_date"),
        400,
        "Ordering with 'execution_date' is disallowed or the attribute does not exist on the model",
    )  # 97
    many = "&".join(["order_by=id"] * 11)
    assert v2("GET", f"{path}?{many}").status == 400
    assert ids(v2("GET", "/dags/~/dagRuns?limit=1&foo=bar")) == ["harness_producer_run"]  # 138
    assert body_of(v2("GET", "/dags/%7E/dagRuns?limit=2"))["total_entries"] == 113  # 137
    detail(
        v2("GET", "/dags/no_such_dag/dagRuns"), 404, "The Dag with ID: `no_such_dag` was not found"
    )  # 136


def test_list_order_nulls_and_ties(v2: V2) -> None:
    made = [body_of(trigger(v2, dag_run_id=f"n{i}"))["dag_run_id"] for i in range(3)]
    dated = [
        body_of(trigger(v2, dag_run_id=f"d{i}", logical_date=f"2024-02-0{i + 1}T00:00:00Z"))[
            "dag_run_id"
        ]
        for i in range(2)
    ]
    newest_first = ids(v2("GET", f"/dags/{DAG}/dagRuns?order_by=-logical_date"))  # 95
    assert newest_first[:2] == dated[::-1]
    assert newest_first[-3:] == made[::-1]  # NULLs last, ties by id descending
    by_state = ids(v2("GET", f"/dags/{DAG}/dagRuns?order_by=state&order_by=-run_after"))  # 96
    assert by_state[-1] == "harness_running_run"


def test_list_filters(v2: V2, mock: MockAirflow) -> None:
    trigger(
        v2,
        dag_run_id="sdk_run_1",
        logical_date="2024-01-10T00:00:00Z",
        conf={"a": 1, "nested": {"b": [1, 2]}},
    )
    trigger(v2, dag_run_id="sdk_run_after", run_after="2030-01-01T00:00:00Z")
    trigger(v2, "params_dag", dag_run_id="params_ok")
    every = "/dags/~/dagRuns?"
    window = "logical_date_gte=2024-01-10T00:00:00%2B00:00&logical_date_lte=2024-01-12T23:59:59Z"
    assert ids(v2("GET", f"/dags/{DAG}/dagRuns?{window}")) == ["sdk_run_1"]  # 107
    assert_json(
        v2("GET", f"/dags/{DAG}/dagRuns?logical_date_gte=2024-01-10T00:00:00+00:00"),
        422,
        b'{"detail":[{"type":"datetime_from_date_parsing","loc":["query","logical_date_gte"],'
        b'"msg":"Input should be a valid datetime or date, unexpected extra characters at the end '
        b'of the input","input":"2024-01-10T00:00:00 00:00","ctx":{"error":"unexpected extra '
        b'characters at the end of the input"}}]}',
    )  # 108
    for naive in ("2024-01-10T00:00:00", "2024-01-10"):  # 109, 110
        failed = v2("GET", f"/dags/{DAG}/dagRuns?logical_date_gte={naive}")
        assert failed.status == 500 and len(failed.data) == 226
        assert body_of(failed)["detail"]["reason"] == "Database error"
    assert ids(v2("GET", every + "start_date_gte=2099-01-01T00:00:00Z")) == [
        "sdk_run_1",
        "sdk_run_after",
        "params_ok",
    ]  # 113: not started = not yet
    assert ids(v2("GET", every + "start_date_lte=2024-01-02T12:00:00Z")) == [
        "harness_producer_run",
        CONSUMER_RUN,
    ]  # 114
    assert "harness_running_run" in ids(v2("GET", every + "end_date_gte=2024-01-01T00:00:00Z"))
    assert ids(v2("GET", every + "duration_gte=100")) == ["harness_producer_run"]  # 116
    assert ids(v2("GET", every + "run_after_gte=2029-01-01T00:00:00Z")) == ["sdk_run_after"]
    assert body_of(v2("GET", every + "updated_at_gte=2099-01-01T00:00:00Z"))["dag_runs"] == []
    assert ids(v2("GET", every + "conf_contains=nested")) == ["sdk_run_1"]  # 118
    assert len(ids(v2("GET", every + "state=running&state=success"))) == 3  # 119
    for query in ("state=running,success", "state=bogus"):  # 120, 121
        detail(
            v2("GET", every + query),
            422,
            "Invalid value for state. Valid values are queued, running, success, failed",
        )
    assert ids(v2("GET", every + "run_type=asset_triggered")) == [CONSUMER_RUN]  # 122
    detail(
        v2("GET", every + "run_type=bogus"),
        422,
        "Invalid value for run type. Valid values are backfill, scheduled, manual, "
        "operator_triggered, asset_triggered, asset_materialization",
    )  # 123
    assert len(ids(v2("GET", f"/dags/{DAG}/dagRuns?dag_version=1"))) == 3  # 124
    assert ids(v2("GET", f"/dags/{DAG}/dagRuns?dag_version=2")) == []  # 125
    assert ids(v2("GET", every + "run_id_pattern=SDK_RUN")) == ["sdk_run_1", "sdk_run_after"]
    assert ids(v2("GET", every + "run_id_pattern=sdk_run_1|params_ok")) == [
        "sdk_run_1",
        "params_ok",
    ]
    assert ids(v2("GET", every + "run_id_prefix_pattern=sdk_run_a")) == ["sdk_run_after"]
    assert ids(v2("GET", every + "run_id_prefix_pattern=SDK")) == []  # case-sensitive
    assert len(ids(v2("GET", every + "triggering_user_name_pattern=admin"))) == 3  # 129
    assert ids(v2("GET", every + "dag_id_prefix_pattern=params")) == ["params_ok"]  # 131
    assert ids(v2("GET", every + "consuming_asset_pattern=harness")) == [CONSUMER_RUN]  # 132
    detail(
        v2("GET", f"/dags/{DAG}/dagRuns?partition_date_gte=2024-01-01"),
        400,
        "Dag with dag_id: 'example_sdk_dag' is not partitioned; partition_date_gte and "
        "partition_date_lte are not supported.",
    )  # 134
    detail(
        v2("GET", every + "partition_date_gte=2024-01-01"),
        400,
        "partition_date_gte and partition_date_lte require a specific dag_id.",
    )  # 135


def test_cursor_paging(v2: V2, bulk_runs: List[str]) -> None:
    path = "/dags/another_dag/dagRuns?limit=2&cursor="
    first = body_of(v2("GET", path))  # 98: the bulk runs are ids 4, 5, ...
    assert [r["dag_run_id"] for r in first["dag_runs"]] == bulk_runs[:2]
    assert (first["next_cursor"], first["previous_cursor"]) == ("kQU", None)  # [5]
    assert (first["total_entries"], first["total_entries_limit"]) == (110, 50000)
    second = body_of(v2("GET", path + first["next_cursor"] + "&offset=50"))  # 99, 101
    assert [r["dag_run_id"] for r in second["dag_runs"]] == bulk_runs[2:4]
    assert (second["next_cursor"], second["previous_cursor"]) == ("kQc", "~kQY")
    back = body_of(v2("GET", path + second["previous_cursor"]))  # 100
    assert back["dag_runs"] == first["dag_runs"] and back["previous_cursor"] is None
    seen, cursor = [], ""
    while cursor is not None:  # 106: every run once, the last page without next_cursor
        page = body_of(v2("GET", f"/dags/another_dag/dagRuns?limit=40&cursor={cursor}"))
        seen += [r["dag_run_id"] for r in page["dag_runs"]]
        cursor = page["next_cursor"]
    assert seen == bulk_runs
    newest = body_of(v2("GET", path + "&order_by=-run_after"))  # 102
    assert [r["dag_run_id"] for r in newest["dag_runs"]] == bulk_runs[:-3:-1]
    assert newest["next_cursor"].startswith("ktf_")  # [run_after timestamp, id]
    follow = v2("GET", path + newest["next_cursor"] + "&order_by=-run_after")  # 103
    assert ids(follow) == [bulk_runs[-3], bulk_runs[-4]]
    detail(
        v2("GET", path + "kQw&order_by=-run_after"),
        400,
        "Cursor token does not match current query shape",
    )  # 104
    detail(v2("GET", path + "garbage"), 400, "Invalid cursor token")  # 105


def test_batch_list(v2: V2, bulk_runs: List[str]) -> None:
    path = "/dags/~/dagRuns/list"
    assert len(body_of(v2("POST", path, {}))["dag_runs"]) == 100  # 140: default page_limit
    everything = body_of(v2("POST", path, {"page_limit": 1000}))  # 143: no clamp
    assert len(everything["dag_runs"]) == 113 and everything["next_cursor"] is None
    assert body_of(v2("POST", path, {"page_limit": 0}))["total_entries"] == 113  # 142
    picked = v2(
        "POST",
        path,
        {
            "dag_ids": [DAG, "asset_consumer"],
            "states": ["running", "success"],
            "order_by": "-run_after",
            "page_limit": 3,
        },
    )
    assert ids(picked) == ["harness_running_run", CONSUMER_RUN]  # 141
    assert ids(v2("POST", path, {"page_offset": 100, "page_limit": 2, "order_by": "id"})) == [
        "bulk_097",
        "bulk_098",
    ]  # 144
    assert body_of(v2("POST", path, {"states": [None]}))["total_entries"] == 0  # 149
    assert body_of(v2("POST", path, {"dag_ids": ["no_such_dag"]}))["total_entries"] == 0  # 153
    assert ids(v2("POST", path, {"conf_contains": '"i": 7}'})) == ["bulk_007"]
    assert_json(
        v2("POST", "/dags/example_sdk_dag/dagRuns/list", {}),
        422,
        b'{"detail":[{"type":"literal_error","loc":["path","dag_id"],"msg":"Input should be '
        b'\'~\'","input":"example_sdk_dag","ctx":{"expected":"\'~\'"}}]}',
    )  # 147
    for body, kind in [
        ({"dag_id": DAG}, "extra_forbidden"),
        ({"states": ["bogus"]}, "enum"),
        ({"page_limit": -1}, "greater_than_equal"),
        ({"logical_date_gte": "2024-01-10T00:00:00"}, "timezone_aware"),
        ({"dag_ids": DAG}, "list_type"),
    ]:  # 145-154
        refused = v2("POST", path, body)
        assert refused.status == 422 and body_of(refused)["detail"][0]["type"] == kind
    detail(
        v2("POST", path, {"order_by": "execution_date"}),
        400,
        "Ordering with 'execution_date' is disallowed or the attribute does not exist on the model",
    )  # 150
    assert v2("POST", path, {"page_limit": 1}, token=VIEWER).status == 200  # 156


# ---------------------------------------------------------------- PATCH, bulk, DELETE


def test_patch_state_and_note(v2: V2) -> None:
    trigger(v2, dag_run_id="sdk_run_1", logical_date="2024-01-10T00:00:00Z", note="first run")
    path = f"/dags/{DAG}/dagRuns/sdk_run_1"
    failed = body_of(v2("PATCH", path, {"state": "failed"}))  # 157
    assert failed["state"] == "failed" and failed["end_date"] is not None
    success = body_of(v2("PATCH", path, {"state": "success"}))  # 158: end date kept
    assert (success["state"], success["end_date"]) == ("success", failed["end_date"])
    queued = body_of(v2("PATCH", path, {"state": "queued"}))  # 159
    assert queued["end_date"] is None and queued["queued_at"] != failed["queued_at"]
    assert_json(
        v2("PATCH", path, {"state": "running"}),
        422,
        b'{"detail":[{"type":"enum","loc":["body","state"],"msg":"Input should be \'queued\', '
        b'\'success\' or \'failed\'","input":"running","ctx":{"expected":"\'queued\', \'success\' '
        b"or 'failed'\"}}]}",
    )  # 160
    assert body_of(v2("PATCH", path, {"note": None}))["note"] is None  # 162
    assert body_of(v2("PATCH", path, {}))["state"] == "queued"  # 163
    masked = body_of(v2("PATCH", path + "?update_mask=note", {"state": "failed", "note": "m"}))
    assert (masked["state"], masked["note"]) == ("queued", "m")  # 165
    both = body_of(
        v2(
            "PATCH",
            path + "?update_mask=state&update_mask=note",
            {"state": "failed", "note": "both"},
        )
    )
    assert (both["state"], both["note"]) == ("failed", "both")  # 166
    assert body_of(v2("PATCH", path + "?update_mask=bogus", {"state": "success"}))["state"] == (
        "failed"
    )  # 167
    assert v2("PATCH", path + "?update_mask=note", {"state": "running", "note": "x"}).status == 422
    assert body_of(v2("PATCH", path, {"conf": {}}))["detail"][0]["type"] == "extra_forbidden"
    long = v2("PATCH", path, {"note": "n" * 1001})  # 170
    assert body_of(long)["detail"][0]["ctx"] == {"max_length": 1000}
    detail(
        v2("PATCH", f"/dags/{DAG}/dagRuns/no_such_run", {"state": "failed"}),
        404,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: `no_such_run` was not found",
    )
    detail(v2("PATCH", path, {"note": "x"}, token=VIEWER), 403, "Forbidden")  # 172
    running = body_of(
        v2("PATCH", f"/dags/{DAG}/dagRuns/harness_running_run", {"state": "success"})
    )  # 197
    assert running["state"] == "success" and running["duration"] > 9e7


def test_bulk(v2: V2, mock: MockAirflow, bulk_runs: List[str]) -> None:
    path = "/dags/another_dag/dagRuns"

    def bulk(*actions: Dict[str, Any], dag_id: str = "another_dag") -> Resp:
        return v2("PATCH", f"/dags/{dag_id}/dagRuns", {"actions": list(actions)})

    assert_json(
        bulk(
            {
                "action": "update",
                "entities": [
                    {"dag_run_id": "bulk_000", "state": "failed"},
                    {"dag_run_id": "bulk_001", "note": "bulk note"},
                ],
            }
        ),
        200,
        {
            "create": None,
            "update": {"success": ["another_dag.bulk_000", "another_dag.bulk_001"], "errors": []},
            "delete": None,
        },
    )  # 173
    missing = [
        {"dag_run_id": "bulk_002", "state": "failed"},
        {"dag_run_id": "no_such_run", "state": "failed"},
    ]
    assert_json(
        bulk({"action": "update", "entities": missing}),
        200,
        {
            "create": None,
            "update": {
                "success": [],
                "errors": [
                    {
                        "error": "The DagRuns with these identifiers: "
                        "[('another_dag', 'no_such_run')] were not found",
                        "status_code": 404,
                    }
                ],
            },
            "delete": None,
        },
    )  # 174
    skip = bulk({"action": "update", "action_on_non_existence": "skip", "entities": missing})
    assert body_of(skip)["update"]["success"] == ["another_dag.bulk_002"]  # 175
    doubled = bulk({"action": "update", "entities": ["bulk_003"]})  # 176: each error twice
    assert doubled.status == 422 and len(doubled.data) == 366
    assert body_of(doubled)["detail"][0] == body_of(doubled)["detail"][1]
    bulk(
        {
            "action": "update",
            "update_mask": ["note"],
            "entities": [{"dag_run_id": "bulk_004", "state": "failed", "note": "masked"}],
        }
    )
    assert mock.get_v2_run("another_dag", "bulk_004")["state"] == "failed"  # 177: mask ignored
    assert_json(
        bulk({"action": "delete", "entities": ["bulk_100", {"dag_run_id": "bulk_101"}]}),
        200,
        {
            "create": None,
            "update": None,
            "delete": {"success": ["another_dag.bulk_100", "another_dag.bulk_101"], "errors": []},
        },
    )  # 180
    running = bulk({"action": "delete", "entities": ["harness_running_run"]}, dag_id=DAG)
    assert body_of(running)["delete"]["errors"] == [
        {
            "error": "The DagRun with dag_id: `example_sdk_dag` and run_id: "
            "`harness_running_run` cannot be deleted in running state",
            "status_code": 409,
        }
    ]  # 182
    create = body_of(bulk({"action": "create", "entities": [{"dag_run_id": "x"}]}))  # 183
    assert create["create"]["errors"][0]["status_code"] == 405
    tilde = body_of(
        bulk(
            {
                "action": "update",
                "entities": [{"dag_id": "another_dag", "dag_run_id": "bulk_006", "note": "via ~"}],
            },
            {
                "action": "delete",
                "entities": [{"dag_id": "another_dag", "dag_run_id": "bulk_103"}, "bulk_104"],
            },
            dag_id="~",
        )
    )  # 184
    assert tilde["update"]["success"] == ["another_dag.bulk_006"]
    assert tilde["delete"]["errors"][0]["status_code"] == 400
    cross = bulk(
        {
            "action": "update",
            "entities": [{"dag_id": "another_dag", "dag_run_id": "bulk_007", "note": "cross"}],
        },
        dag_id=DAG,
    )
    assert body_of(cross)["update"]["success"] == ["another_dag.bulk_007"]  # 185
    empty = v2("PATCH", path, {})  # 186
    assert empty.status == 422 and len(body_of(empty)["detail"]) == 2
    bogus = bulk({"action": "bogus", "entities": []})  # 187
    assert (bogus.status, bogus.data) == (500, b"Internal Server Error")
    assert bogus.headers["content-type"] == "text/plain; charset=utf-8"
    assert "vary" not in bogus.headers
    assert_json(
        v2("PATCH", path, {"actions": []}), 200, {"create": None, "update": None, "delete": None}
    )  # 188
    detail(v2("PATCH", path, {"actions": []}, token=VIEWER), 403, "Forbidden")  # 189


def test_delete(v2: V2, bulk_runs: List[str]) -> None:
    path = "/dags/another_dag/dagRuns/bulk_105"
    deleted = v2("DELETE", path)  # 190
    assert (deleted.status, deleted.data) == (204, b"")
    assert list(deleted.headers) == ["date", "server", "content-type"]
    assert deleted.headers["content-type"] == "application/json"
    detail(
        v2("DELETE", path),
        404,
        "The DagRun with dag_id: `another_dag` and run_id: `bulk_105` was not found",
    )  # 191
    detail(
        v2("DELETE", f"/dags/{DAG}/dagRuns/harness_running_run"),
        409,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: `harness_running_run` cannot "
        "be deleted in running state",
    )  # 193
    assert v2("DELETE", "/dags/another_dag/dagRuns/bulk_107", {"x": 1}).status == 204  # 195
    detail(v2("DELETE", "/dags/another_dag/dagRuns/bulk_108", token=VIEWER), 403, "Forbidden")


# ---------------------------------------------------------------- clear (#198-#227)


def test_clear_one_run(v2: V2, mock: MockAirflow) -> None:
    trigger(v2, dag_run_id="sdk_run_offset", logical_date="2024-01-12T08:00:00+02:00")
    path = f"/dags/{DAG}/dagRuns/sdk_run_offset/clear"
    preview = body_of(v2("POST", path, {}))  # 198: dry run by default
    assert preview["total_entries"] == 2 and list(preview) == ["task_instances", "total_entries"]
    start, end = preview["task_instances"]
    assert (start["task_id"], start["priority_weight"], end["task_id"]) == ("start", 2, "end")
    assert len(start) == 34 and start["dag_version"] == EXAMPLE_VERSION
    assert (start["state"], start["operator"], start["logical_date"]) == (
        None,
        "EmptyOperator",
        "2024-01-12T06:00:00Z",
    )
    cleared = body_of(v2("POST", path, {"dry_run": False}))  # 199
    assert cleared["state"] == "queued" and list(cleared) == RUN_KEYS
    again = body_of(v2("POST", path, {}))["task_instances"]
    assert again[0]["id"] != start["id"]  # clearing gives task instances new ids
    noted = v2(
        "POST",
        "/dags/asset_producer/dagRuns/harness_producer_run/clear",
        {"dry_run": False, "note": "cleared by the harness"},
    )  # 200
    assert len(noted.data) == 832 and body_of(noted)["start_date"] is None
    assert_json(
        v2("POST", path, {"only_failed": True, "only_new": True}),
        422,
        b'{"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, only_new and '
        b'only_failed are mutually exclusive","input":{"only_failed":true,"only_new":true},'
        b'"ctx":{"error":{}}}]}',
    )  # 201
    v2("PATCH", f"/dags/{DAG}/dagRuns/sdk_run_offset", {"state": "failed"})
    skipped = body_of(v2("POST", path, {}))["task_instances"]
    assert {ti["state"] for ti in skipped} == {"skipped"}  # failing skips unstarted tasks
    assert_json(
        v2("POST", path, {"only_failed": True}), 200, {"task_instances": [], "total_entries": 0}
    )  # 202
    assert v2("POST", path, {"reset_dag_runs": True}).status == 422  # 203
    detail(
        v2("POST", f"/dags/{DAG}/dagRuns/no_such_run/clear", {}),
        404,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: `no_such_run` was not found",
    )
    assert_json(
        v2("POST", path, None),
        422,
        {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]},
    )  # 205
    assert v2("POST", path, [1]).status == 500  # the before-validator's data.get on a list
    detail(v2("POST", path, {}, token=VIEWER), 403, "Forbidden")  # 206


def test_clear_dag_runs_and_partitions(v2: V2) -> None:
    trigger(v2, dag_run_id="sdk_run_1", logical_date="2024-01-10T00:00:00Z")
    trigger(v2, dag_run_id="sdk_run_micro", logical_date="2024-01-11T06:30:00.123456Z")
    path = f"/dags/{DAG}/clearDagRuns"
    pair = {"dag_runs": [{"dag_run_id": "sdk_run_1"}, {"dag_run_id": "sdk_run_micro"}]}
    assert body_of(v2("POST", path, pair))["total_entries"] == 4  # 207
    done = body_of(v2("POST", path, dict(pair, dry_run=False)))  # 208
    assert (
        list(done)
        == ["dag_runs", "total_entries", "total_entries_limit", "next_cursor", "previous_cursor"]
        and done["total_entries"] == 2
    )
    tilde = {
        "dag_runs": [
            {"dag_id": DAG, "dag_run_id": "sdk_run_1"},
            {"dag_id": "another_dag", "dag_run_id": "harness"},
        ]
    }
    detail(
        v2("POST", "/dags/~/clearDagRuns", tilde),
        404,
        "The DagRun with dag_id: `another_dag` and run_id: `harness` was not found",
    )
    detail(
        v2("POST", "/dags/~/clearDagRuns", {"dag_runs": [{"dag_run_id": "sdk_run_1"}]}),
        400,
        "When the URL dag_id is '~', every entry must provide a concrete dag_id (missing on "
        "dag_run_id: 'sdk_run_1').",
    )  # 210
    detail(
        v2("POST", path, {"dag_runs": [{"dag_id": "another_dag", "dag_run_id": "b"}]}),
        400,
        "Entry dag_id 'another_dag' does not match the URL dag_id 'example_sdk_dag'.",
    )  # 211
    doubled = v2("POST", path, {})  # 212
    assert doubled.status == 422 and len(doubled.data) == 472
    detail(
        v2("POST", "/dags/~/clearDagRuns", {"partition_key": "x"}),
        400,
        "Partition selectors require a concrete dag_id; '~' is not supported.",
    )  # 214
    assert_json(
        v2("POST", path, {"partition_key": "x"}), 200, {"task_instances": [], "total_entries": 0}
    )  # 215
    detail(
        v2("POST", "/dags/no_such_dag/clearDagRuns", {"dag_runs": [{"dag_run_id": "x"}]}),
        404,
        "The DagRun with dag_id: `no_such_dag` and run_id: `x` was not found",
    )  # 217
    parts = f"/dags/{DAG}/clearPartitions"
    assert_json(
        v2("POST", parts, {"run_id": "sdk_run_1"}),
        200,
        {"dag_runs_cleared": 0, "task_instances_cleared": 0, "dry_run": True},
    )  # 219
    assert_json(
        v2("POST", parts, {"run_id": "sdk_run_1", "dry_run": False, "clear_task_instances": True}),
        200,
        {"dag_runs_cleared": 0, "task_instances_cleared": 2, "dry_run": False},
    )  # 220
    assert len(v2("POST", parts, {}).data) == 228  # 221
    assert (
        len(
            v2(
                "POST",
                parts,
                {
                    "partition_date_start": "2024-02-01T00:00:00Z",
                    "partition_date_end": "2024-01-01T00:00:00Z",
                },
            ).data
        )
        == 252
    )
    detail(
        v2("POST", "/dags/no_such_dag/clearPartitions", {"run_id": "x"}),
        404,
        "The Dag with ID: `no_such_dag` was not found",
    )  # 225
    detail(
        v2("POST", "/dags/~/clearPartitions", {"run_id": "x"}),
        404,
        "The Dag with ID: `~` was not found",
    )  # 226
    detail(v2("POST", parts, {"run_id": "x"}, token=VIEWER), 403, "Forbidden")  # 227


def test_upstream_asset_events(v2: V2) -> None:
    path = (
        "/dags/asset_consumer/dagRuns/asset_triggered__2024-01-02T00%3A00%3A00%2B00%3A00_harness1"
    )
    assert_json(v2("GET", path + "/upstreamAssetEvents"), 200, ASSET_EVENTS)  # 228
    assert v2("GET", path + "/upstreamAssetEvents", token=VIEWER).data == ASSET_EVENTS  # 231
    assert_json(
        v2("GET", f"/dags/{DAG}/dagRuns/harness_running_run/upstreamAssetEvents"),
        200,
        {"asset_events": [], "total_entries": 0},
    )  # 229
    detail(
        v2("GET", "/dags/asset_consumer/dagRuns/no_such_run/upstreamAssetEvents"),
        404,
        "The DagRun with dag_id: `asset_consumer` and run_id: `no_such_run` was not found",
    )
    v2("POST", path + "/clear", {"dry_run": False})  # 232: the consuming run is queued again
    broken = v2("GET", path + "/upstreamAssetEvents")  # 233
    assert (broken.status, broken.data) == (500, b"Internal Server Error")
    assert v2("GET", path).status == 200  # 234


# ---------------------------------------------------------------- /wait (#235-#251)


def raw_request(
    mock: MockAirflow, path: str, token: str, sock: Optional[socket.socket] = None
) -> socket.socket:
    sock = sock or socket.create_connection(("127.0.0.1", mock.port), timeout=10)
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    return sock


def read_stream(sock: socket.socket) -> Tuple[bytes, List[Tuple[float, bytes]], bool]:
    """(head, [(seconds since start, line)], ended with the last chunk) of a chunked answer."""
    started, buffer, lines = time.monotonic(), b"", []
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    text = b""
    while True:
        while b"\r\n" in buffer:
            size_line, _, rest = buffer.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                return head, lines, rest.startswith(b"\r\n") or rest == b""
            if len(rest) < size + 2:
                break
            text += rest[:size]
            buffer = rest[size + 2 :]
            while b"\n" in text:
                line, _, text = text.partition(b"\n")
                lines.append((time.monotonic() - started, line))
        chunk = sock.recv(65536)
        if not chunk:  # closed mid-chunk: keep what came of it
            text += buffer.partition(b"\r\n")[2]
            return head, lines + ([(time.monotonic() - started, text)] if text else []), False
        buffer += chunk


def test_wait_stream_on_a_finished_run(v2: V2, mock: MockAirflow) -> None:
    mock.set_run_state(DAG, "harness_running_run", "success")
    sock = raw_request(
        mock, f"/api/v2/dags/{DAG}/dagRuns/harness_running_run/wait?interval=1", v2.tokens[ADMIN]
    )
    try:
        chunks = b""
        while not chunks.endswith(b"0\r\n\r\n"):
            chunks += sock.recv(65536)
        head, _, body = chunks.partition(b"\r\n\r\n")  # 237
        names = [line.split(b":")[0] for line in head.split(b"\r\n")[1:]]
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert names == [b"date", b"server", b"vary", b"transfer-encoding"]  # no content-type
        assert body == b'14\r\n{"state": "success"}\r\n1\r\n\n\r\n0\r\n\r\n'
        raw_request(
            mock, f"/api/v2/dags/{DAG}/dagRuns/harness_running_run", v2.tokens[ADMIN], sock
        )  # keep-alive after a stream
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
    finally:
        sock.close()
    base = f"/dags/{DAG}/dagRuns/harness_running_run/wait"
    assert_json(
        v2("GET", base),
        422,
        b'{"detail":[{"type":"missing","loc":["query","interval"],'
        b'"msg":"Field required","input":null}]}',
    )  # 235
    assert_json(
        v2("GET", base + "?interval=0"),
        422,
        b'{"detail":[{"type":"greater_than","loc":'
        b'["query","interval"],"msg":"Input should be greater than 0","input":"0","ctx":'
        b'{"gt":0.0}}]}',
    )  # 236
    detail(
        v2("GET", f"/dags/{DAG}/dagRuns/no_such_run/wait?interval=1"),
        404,
        "The DagRun with dag_id: `example_sdk_dag` and run_id: `no_such_run` was not found",
    )
    assert v2("GET", base + "?interval=1&result=start", token=VIEWER).data == (
        b'{"state": "success"}\n'
    )  # 240, 242: no XCom, no results


def test_wait_stream_follows_the_state(v2: V2, mock: MockAirflow) -> None:
    trigger(v2, dag_run_id="waited")
    sock = raw_request(
        mock,
        f"/api/v2/dags/{DAG}/dagRuns/waited/wait?interval=0.1&result=start&result=no_such_task",
        v2.tokens[ADMIN],
    )
    mover = threading.Timer(0.35, lambda: mock.set_run_state(DAG, "waited", "running"))
    finisher = threading.Timer(
        0.55, lambda: mock.set_run_state(DAG, "waited", "success", results={"start": {"rows": 3}})
    )
    mover.start()
    finisher.start()
    try:
        _, lines, ended = read_stream(sock)
    finally:
        sock.close()
        mover.join()
        finisher.join()
    texts = [line for _, line in lines]
    assert texts[0] == b'{"state": "queued"}' and lines[0][0] < 0.1  # the first line at once
    assert b'{"state": "running"}' in texts
    assert texts[-1] == b'{"state": "success", "results": {"start": {"rows": 3}}}'  # 250, 251
    gaps = [b[0] - a[0] for a, b in zip(lines, lines[1:])]
    assert all(0.08 < gap < 0.5 for gap in gaps), gaps  # one line per interval
    assert ended and 4 <= len(lines) <= 8


def test_sched_variant_runs_triggered_runs(v2: V2, mock: MockAirflow) -> None:
    mock.use_sched_variant(start_after=0.05, run_for=0.1)
    token = v2.login(ADMIN)
    assert jwt_parts(token)[1]["exp"] - jwt_parts(token)[1]["iat"] == 5
    run = body_of(
        v2(
            "POST",
            "/dags/another_dag/dagRuns",
            {"dag_run_id": "sched_run_1", "logical_date": None},
            token=token,
        )
    )
    assert run["dag_versions"][0]["id"] == "01a2343d-48a0-7630-96b5-4331237ccf3c"  # 248
    waited = v2(
        "GET", "/dags/another_dag/dagRuns/sched_run_1/wait?interval=0.05&result=hello", token=token
    )
    assert waited.data.splitlines()[-1] == b'{"state": "success", "results": {"hello": "hi"}}'
    finished = body_of(v2("GET", "/dags/another_dag/dagRuns/sched_run_1", token=token))  # 252
    assert finished["last_scheduling_decision"] and finished["duration"] > 0
    v2(
        "POST",
        "/dags/asset_producer/dagRuns",
        {"dag_run_id": "p1", "logical_date": None},
        token=token,
    )  # 254
    mock.advance_clock(1)  # the producer runs, its event makes a consumer run, which runs too
    newest = body_of(
        v2(
            "GET",
            "/dags/asset_consumer/dagRuns?run_type=asset_triggered&order_by=-id&limit=1",
            token=token,
        )
    )["dag_runs"][0]  # 255
    assert re.fullmatch(r"asset_triggered__\S+\+00:00_[A-Za-z0-9]{8}", newest["dag_run_id"])
    assert newest["state"] == "success"
    later = {"dag_run_id": "later", "logical_date": None, "run_after": "2030-01-01T00:00:00Z"}
    v2("POST", f"/dags/{DAG}/dagRuns", later, token=token)  # 30: not before its run_after
    mock.advance_clock(2)
    assert mock.get_v2_run(DAG, "later")["state"] == "queued"
    run_path = "/dags/asset_consumer/dagRuns/" + newest["dag_run_id"].replace("+", "%2B")
    event = body_of(v2("GET", run_path + "/upstreamAssetEvents", token=token))["asset_events"][0]
    assert (event["id"], event["source_run_id"], event["extra"]) == (2, "p1", {})  # 256


# ---------------------------------------------------------------- controls, log, faults


def test_http_control_api(v2: V2, mock: MockAirflow) -> None:
    http = urllib3.PoolManager()
    try:

        def control(method: str, path: str, body: Any = None) -> Any:
            data = None if body is None else json.dumps(body).encode()
            response = http.request(method, f"{mock.root_url}/_mock/{path}", body=data)
            assert response.status == 200, response.data
            return json.loads(response.data)

        control(
            "PUT",
            "config",
            {
                "token_lifetime": 60,
                "jwt_leeway": 0,
                "v2_run_id_pattern": "^.+$",
                "v2_scheduler": False,
            },
        )
        assert (mock.v2.token_lifetime, mock.v2.leeway, mock.v2.run_id_pattern) == (60, 0, "^.+$")
        token = control("POST", "v2/token", {"username": "viewer", "lifetime": 2})["access_token"]
        assert jwt_parts(token)[1]["role"] == "viewer"
        assert v2("GET", f"/dags/{DAG}/dagRuns", token=token).status == 200
        control("POST", "v2/clock", {"advance": 3})
        detail(v2("GET", f"/dags/{DAG}/dagRuns", token=token), 401, "Token Expired")
        moved = control(
            "POST", "v2/state", {"dag_id": DAG, "run_id": "harness_running_run", "state": "failed"}
        )
        assert moved["state"] == "failed" and moved["end_date"]
        control(
            "POST",
            "v2/xcom",
            {"dag_id": DAG, "run_id": "harness_running_run", "task_id": "end", "value": [1, 2]},
        )
        waited = v2(
            "GET",
            f"/dags/{DAG}/dagRuns/harness_running_run/wait?interval=1&result=end",
            token=v2.login(ADMIN),
        )
        assert waited.data == b'{"state": "failed", "results": {"end": [1, 2]}}\n'
        control("POST", "v2/dags", {"dag_id": "fresh", "tasks": ["a", "b"]})
        control(
            "POST",
            "v2/runs",
            {
                "dag_id": "fresh",
                "run_id": "r1",
                "state": "running",
                "logical_date": "2024-05-01T00:00:00Z",
            },
        )
        assert [r["dag_run_id"] for r in control("GET", "v2/runs?dag_id=fresh")] == ["r1"]
        seeded = control("POST", "v2/seed", {"dag_id": "fresh", "count": 3, "run_id_prefix": "s"})
        assert seeded["run_ids"] == ["s00000", "s00001", "s00002"]
        control("POST", "v2/tokens", {"token": "fixed", "role": "admin"})
        assert v2("GET", "/dags/fresh/dagRuns", token="fixed").status == 200
        control("POST", "v2/expire_token", {"token": "fixed"})
        assert v2("GET", "/dags/fresh/dagRuns", token="fixed").status == 401
        control("POST", "reset")
        assert mock.v2_run_ids("fresh") == [] and mock.v2.token_lifetime == 86400
        assert mock.get_v2_run(DAG, "harness_running_run")["state"] == "running"
    finally:
        http.clear()


def test_request_log_and_gzip(v2: V2, mock: MockAirflow) -> None:
    mock.clear_requests()
    v2("GET", "/dags/%7E/dagRuns?state=queued&state=success")
    record = mock.requests[-1]
    assert (record.method, record.path, record.query, record.status) == (
        "GET",
        "/api/v2/dags/%7E/dagRuns",
        "state=queued&state=success",
        200,
    )
    assert record.header("authorization").startswith("Bearer eyJ")
    packed = v2(
        "GET",
        f"/dags/{DAG}/dagRuns/harness_running_run",
        headers={"Accept-Encoding": "gzip"},
        decode_content=False,
    )  # 80
    assert packed.headers["content-encoding"] == "gzip"
    assert (
        packed.headers["transfer-encoding"] == "chunked" and "content-length" not in packed.headers
    )
    assert gzip.decompress(packed.data) == RUNNING_RUN
    small = v2("GET", "/dags/~/dagRuns?limit=0", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and small.headers["vary"] == "Accept-Encoding"


def test_faults_on_v2_paths(v2: V2, mock: MockAirflow) -> None:
    runs = f"/dags/{DAG}/dagRuns"
    mock.add_fault("status", path="^/api/v2/", status=429, headers=[("Retry-After", "2")])
    limited = v2("GET", runs)
    assert (limited.status, limited.headers["retry-after"]) == (429, "2")
    assert (
        limited.data == b'{"detail":"Too Many Requests"}' and limited.headers["server"] == "uvicorn"
    )
    mock.add_fault("status", path="^/api/v2/", status=503, body=b"busy", content_type="text/plain")
    assert v2("GET", runs).data == b"busy"
    mock.add_fault("html", path="^/api/v2/", status=502)
    assert b"502 Bad Gateway" in v2("GET", runs).data
    mock.add_fault("text", path="^/api/v2/")
    text = v2("GET", runs)
    assert (text.status, text.data) == (500, b"Internal Server Error")
    mock.add_fault("malformed_json", path="^/api/v2/")
    with pytest.raises(ValueError):
        json.loads(v2("GET", runs).data)
    mock.add_fault("large", path="^/api/v2/", size=300_000)
    assert len(v2("GET", runs).data) >= 300_000
    for kind, run_id in (("truncate", "t"), ("reset", "r"), ("drop", "d")):
        mock.add_fault(kind, method="POST", path="^/api/v2/")
        with pytest.raises(urllib3.exceptions.HTTPError):
            trigger(v2, dag_run_id=run_id)
        assert mock.get_v2_run(DAG, run_id) is not None, kind  # processed anyway
    mock.add_fault("delay", path="^/api/v2/", delay=0.3)
    started = time.monotonic()
    assert v2("GET", runs).status == 200 and time.monotonic() - started >= 0.3
    assert [r.fault for r in mock.requests_to(path_contains="/api/v2/")][-10:] == [
        "status",
        "status",
        "html",
        "text",
        "malformed_json",
        "large",
        "truncate",
        "reset",
        "drop",
        "delay",
    ]


def test_token_endpoint_down(v2: V2, mock: MockAirflow) -> None:
    mock.add_fault("token_down", headers=[("Retry-After", "5")], times=2)
    down = v2.raw("POST", "/auth/token", {"username": "admin", "password": "admin"})
    assert (down.status, down.headers["retry-after"]) == (503, "5")
    assert down.headers["content-type"].startswith("text/html")
    assert v2("GET", f"/dags/{DAG}/dagRuns").status == 200  # the API itself is up
    assert (
        v2.raw("POST", "/auth/token/cli", {"username": "admin", "password": "admin"}).status == 503
    )
    mock.add_fault("reset", path="^/auth/token$", process=False)
    with pytest.raises(urllib3.exceptions.HTTPError):
        v2.login(ADMIN)
    assert v2.login(ADMIN)  # and back


def test_token_expiring_during_a_stream(v2: V2, mock: MockAirflow) -> None:
    """The server checks the token once, before streaming: the stream goes on to its end; the
    next request with the token is refused."""
    trigger(v2, dag_run_id="long_wait")
    token = v2.login(ADMIN)
    mock.add_fault("token_expiry", path="/wait$", lines=1)
    finisher = threading.Timer(0.3, lambda: mock.set_run_state(DAG, "long_wait", "success"))
    finisher.start()
    try:
        streamed = v2("GET", f"/dags/{DAG}/dagRuns/long_wait/wait?interval=0.05", token=token)
    finally:
        finisher.join()
    lines = streamed.data.splitlines()
    assert streamed.status == 200 and len(lines) > 2
    assert lines[0] == b'{"state": "queued"}' and lines[-1] == b'{"state": "success"}'
    detail(v2("GET", f"/dags/{DAG}/dagRuns/long_wait", token=token), 401, "Token Expired")
    assert v2("GET", f"/dags/{DAG}/dagRuns/long_wait").status == 200  # other tokens are fine


def test_stream_cut_mid_line(v2: V2, mock: MockAirflow) -> None:
    trigger(v2, dag_run_id="cut")
    mock.add_fault("stream_cut", path="/wait$", lines=2, fraction=0.5)
    sock = raw_request(mock, f"/api/v2/dags/{DAG}/dagRuns/cut/wait?interval=0.05", v2.tokens[ADMIN])
    try:
        _, lines, ended = read_stream(sock)
    finally:
        sock.close()
    assert [line for _, line in lines] == [b'{"state": "queued"}'] * 2 + [b'{"state":']
    assert not ended
    mock.add_fault("stream_cut", path="/wait$")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        v2("GET", f"/dags/{DAG}/dagRuns/cut/wait?interval=0.05")


# ---------------------------------------------------------------- spec validation


def test_spec_validation_of_v2_requests(tmp_path: Path, mock_server: MockAirflow) -> None:
    spec = tmp_path / "v2.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: /api/v2}]\npaths:\n"
        "  /dags/{dag_id}/dagRuns:\n    get:\n      parameters:\n"
        "      - {name: dag_id, in: path, required: true, schema: {type: string}}\n"
        "      - {name: limit, in: query, schema: {type: integer, minimum: 0}}\n"
        "      responses: {'200': {description: ok}}\n"
        "  /auth/token:\n    servers: [{url: /}]\n    post:\n      requestBody:\n"
        "        content: {application/json: {schema: {type: object, required: [username]}}}\n"
        "      responses: {'201': {description: ok}}\n"
    )
    with MockAirflow(spec_path=None, v2_spec_path=str(spec)) as mock:
        client = V2(mock)
        try:
            assert client("GET", f"/dags/{DAG}/dagRuns?limit=5").status == 200
            assert mock.spec_violations == []
            client("GET", f"/dags/{DAG}/dagRuns?limit=abc")
            client("GET", f"/dags/{DAG}/dagRuns/harness_running_run")  # not in this spec
            client.raw("POST", "/auth/token", {"password": "x"})
            paths = [v.path for v in mock.take_spec_violations()]
            assert paths == [
                f"/api/v2/dags/{DAG}/dagRuns",
                f"/api/v2/dags/{DAG}/dagRuns/harness_running_run",
                "/auth/token",
            ]
        finally:
            client.pool.close()
    session = mock_server.v2_spec
    assert (session is not None) == Path(DEFAULT_V2_SPEC).is_file()  # picked up when it exists


# ---------------------------------------------------------------- full transcript replay


def _load_replay() -> Any:
    """tests/airflow3/replay.py (beside tests/airflow/replay.py, so not imported by name)."""
    loader = importlib.util.spec_from_file_location("airflow3_replay", REPLAY)
    assert loader is not None and loader.loader is not None
    module = importlib.util.module_from_spec(loader)
    sys.modules[loader.name] = module  # its dataclasses look their module up
    try:
        loader.loader.exec_module(module)
    finally:
        del sys.modules[loader.name]
    return module


class VirtualTime:
    """The replay's ``time`` module on a virtual clock shared with the mocks: its waits (token
    ages, scheduler polls) pass at once; reading a stream still takes real time."""

    def __init__(self, mocks: List[MockAirflow]) -> None:
        self.offset, self.mocks = 0.0, mocks

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.offset += seconds
            for mock in self.mocks:
                mock.advance_clock(seconds)


def test_replays_every_transcript(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    if not REPLAY.is_file():
        pytest.skip(f"no {REPLAY}")
    replay = _load_replay()
    if not Path(replay.DEFAULT_TRANSCRIPTS).is_file():
        pytest.skip(f"no transcripts at {replay.DEFAULT_TRANSCRIPTS}")
    exchanges = replay.parse_transcripts(Path(replay.DEFAULT_TRANSCRIPTS).read_text("utf-8"))
    secret = replay.DEFAULT_JWT_SECRET
    stock = MockAirflow(spec_path=None, v2_spec_path=None, jwt_secret=secret).start()
    sched = MockAirflow(spec_path=None, v2_spec_path=None, jwt_secret=secret).start()
    try:
        sched.use_sched_variant()
        monkeypatch.setattr(replay, "time", VirtualTime([stock, sched]))
        targets = {"28091": stock.root_url, "28092": sched.root_url}
        results = replay.replay(exchanges, targets, jwt_secret=secret)
    finally:
        stock.stop()
        sched.stop()
    counts = replay.count(results)
    with capsys.disabled():
        print(f"\nv2 transcript replay: {len(results)} exchanges: {counts}")
    diffs = [
        replay.format_result(r) for r in results if r.verdict not in ("identical", "equal-blanked")
    ]
    assert not diffs, "\n".join(diffs)
    assert len(results) == 268 and counts["identical"] >= 140
