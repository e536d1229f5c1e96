"""Authentication on /api/v2: a token from /auth/token, reused, renewed, and never looped on.

On the mock the request log shows every login; on a real server the clients' recording transport
does (``helpers_v2.exchanges``), and expiry is met on the scheduler server's 5-second tokens or
with tokens signed like the server's own, issued an hour ago.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator, List

import pytest

import airflow_python_sdk.v2 as sdk
from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
from airflow_python_sdk.v2.models.dag_run_patch_body import DAGRunPatchBody
from conftest import Target3
from helpers_v2 import (
    DAG,
    RUNNING_RUN,
    Sched,
    V2Runs,
    close,
    exchanges,
    forge_token,
    headers_of,
    login_token,
    logins,
    make_v2_api,
    run_in_thread,
)
from mock_airflow import MockAirflow

pytestmark = pytest.mark.v2
pytest_plugins = ["helpers_v2"]

MakeApi = Callable[..., DagRunApi]
TOKEN = ("POST", "/auth/token")


def calls(api: DagRunApi) -> List[tuple]:
    """(method, path without query, status) of the API calls a client made (logins left out)."""
    return [(m, p.split("?")[0], s) for m, p, s in exchanges(api) if (m, p) != TOKEN]


# ---------------------------------------------------------------- login once, reuse


def test_login_happens_once_and_the_token_is_reused(
    new_v2_api: MakeApi, v2_sent: Callable[[], object]
) -> None:
    api = new_v2_api()
    for _ in range(3):
        assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN
    api.get_dag_runs(DAG, limit=1)

    assert logins(api) == 1
    assert exchanges(api)[0] == ("POST", "/auth/token", 201)
    received = v2_sent()
    if received is not None:  # the mock: one login, then the same bearer token four times
        assert [(r.method, r.path) for r in received][0] == TOKEN
        tokens = {headers_of(r).get("authorization") for r in received[1:]}
        assert len(tokens) == 1 and next(iter(tokens)).startswith("Bearer ey")
        assert "authorization" not in headers_of(received[0])


def test_with_options_copies_share_the_token(new_v2_api: MakeApi) -> None:
    api = new_v2_api()
    api.get_dag_runs(DAG, limit=1)
    api.with_options(read_timeout=7).get_dag_runs(DAG, limit=1)

    assert logins(api) == 1


@pytest.mark.parametrize("suffix", ["", "/", "/api/v2", "/api/v2/"])
def test_host_with_or_without_the_base_path(
    target3: Target3, new_v2_api: MakeApi, suffix: str
) -> None:
    api = new_v2_api(url=target3.url + suffix)

    assert api.get_dag_run(DAG, RUNNING_RUN).dag_id == DAG

    assert exchanges(api) == [
        ("POST", "/auth/token", 201),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns/{RUNNING_RUN}", 200),
    ]


# ---------------------------------------------------------------- expiry


@pytest.mark.mock_only
def test_a_short_token_is_renewed_before_it_expires(new_v2_api: MakeApi, mock: MockAirflow) -> None:
    mock.set_token_lifetime(3)
    mock.set_jwt_leeway(0)
    api = new_v2_api()
    api.get_dag_runs(DAG, limit=1)
    # The token is renewed a tenth of its lifetime before exp: by 2.7 s after it was issued at
    # the latest, since iat is a whole second (up to 1 s before the issue).
    time.sleep(2.8)

    api.get_dag_runs(DAG, limit=1)

    assert [(r.method, r.path, r.status) for r in mock.requests] == [
        ("POST", "/auth/token", 201),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns", 200),
        ("POST", "/auth/token", 201),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns", 200),
    ]


def test_the_sched_servers_5_second_tokens_are_renewed(sched: Sched) -> None:
    if sched.mock is not None:
        pytest.skip("a real server's tokens; test_a_short_token_is_renewed... is the mock's")
    api = sched.api
    api.get_dag_runs(DAG, limit=1)
    time.sleep(4.7)  # renewed 0.5 s before exp (the server would still take it: 10 s leeway)

    api.get_dag_runs(DAG, limit=1)

    assert [(m, s) for m, _, s in exchanges(api)] == [
        ("POST", 201),
        ("GET", 200),
        ("POST", 201),
        ("GET", 200),
    ]


@pytest.mark.mock_only
def test_an_expired_token_is_renewed_after_the_401_and_the_call_replayed_once(
    new_v2_api: MakeApi, mock: MockAirflow, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()
    api = new_v2_api()
    api.get_dag_run(DAG, run.dag_run_id)
    token = headers_of(mock.requests[-1])["authorization"].split()[1]
    mock.expire_token(token)
    mock.clear_requests()

    patched = api.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(note="after expiry"))

    assert patched.note == "after expiry"
    path = f"/api/v2/dags/{DAG}/dagRuns/{run.dag_run_id}"
    assert [(r.method, r.path, r.status) for r in mock.requests] == [
        ("PATCH", path, 401),
        ("POST", "/auth/token", 201),
        ("PATCH", path, 200),
    ]
    first, _, replay = mock.requests
    assert first.json() == replay.json() == {"note": "after expiry"}
    assert headers_of(replay)["authorization"] != f"Bearer {token}"


@pytest.mark.mock_only
def test_a_token_that_expires_during_a_stream_is_renewed_for_the_next_call(
    new_v2_api: MakeApi, mock: MockAirflow, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger()
    api = new_v2_api()
    api.get_dag_runs(DAG, limit=1)
    mock.clear_requests()
    mock.add_fault("token_expiry", method="GET", path="/wait$", lines=2)
    mover = run_in_thread(lambda: mock.set_run_state(DAG, run.dag_run_id, "success"), 0.3)

    finished = api.wait_for_dag_run(DAG, run.dag_run_id, timeout=5, poll_interval=0.05)
    mover.join()

    assert finished.state == "success"
    path = f"/api/v2/dags/{DAG}/dagRuns/{run.dag_run_id}"
    assert [(r.method, r.path, r.status) for r in mock.requests] == [
        ("GET", path + "/wait", 200),  # the token was checked once, before the stream
        ("GET", path, 401),
        ("POST", "/auth/token", 201),
        ("GET", path, 200),
    ]


def test_a_callable_token_gets_a_fresh_token_after_token_expired(
    new_v2_api: MakeApi, jwt_secret: str
) -> None:
    handed: List[str] = []

    def token() -> str:
        # first an hour-old token, then a fresh one
        issued = time.time() - (3600 if not handed else 0)
        handed.append(forge_token(jwt_secret, lifetime=60, issued_at=issued))
        return handed[-1]

    api = new_v2_api(None, access_token=token)

    assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN

    assert len(handed) == 2
    assert calls(api) == [
        ("GET", f"/api/v2/dags/{DAG}/dagRuns/{RUNNING_RUN}", 401),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns/{RUNNING_RUN}", 200),
    ]


def test_a_server_that_keeps_answering_401_is_asked_twice(
    new_v2_api: MakeApi, jwt_secret: str
) -> None:
    def expired() -> str:
        return forge_token(jwt_secret, lifetime=60, issued_at=time.time() - 3600)

    api = new_v2_api(None, access_token=expired)

    with pytest.raises(sdk.UnauthorizedException) as caught:
        api.get_dag_runs(DAG)

    assert caught.value.detail == "Token Expired"
    assert [s for _, _, s in calls(api)] == [401, 401]


@pytest.mark.mock_only
def test_logins_whose_tokens_keep_failing_are_not_looped(
    new_v2_api: MakeApi, mock: MockAirflow
) -> None:
    mock.add_fault(
        "status", path="/dagRuns", status=401, body={"detail": "Token Expired"}, times=None
    )
    api = new_v2_api()

    with pytest.raises(sdk.UnauthorizedException):
        api.get_dag_runs(DAG)

    assert [(r.method, r.path, r.status) for r in mock.requests] == [
        ("POST", "/auth/token", 201),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns", 401),
        ("POST", "/auth/token", 201),
        ("GET", f"/api/v2/dags/{DAG}/dagRuns", 401),
    ]


# ---------------------------------------------------------------- refused credentials


def test_a_wrong_password_says_the_login_failed(new_v2_api: MakeApi, target3: Target3) -> None:
    api = new_v2_api(None, username="admin", password="not-the-password")

    with pytest.raises(sdk.UnauthorizedException) as caught:
        api.get_dag_runs(DAG)

    error = caught.value
    assert error.status == 401 and error.method == "POST"
    assert error.url == target3.url + "/auth/token"
    assert "the login at /auth/token failed" in str(error)
    assert error.detail == "Invalid credentials"
    assert "not-the-password" not in str(error) and "not-the-password" not in repr(error)
    assert exchanges(api) == [("POST", "/auth/token", 401)]  # no API call was made


def test_viewer_reads_but_may_not_write(
    v2_api: DagRunApi, v2_viewer: DagRunApi, v2_runs: V2Runs
) -> None:
    run = v2_runs.trigger(note="before")

    assert v2_viewer.get_dag_run(DAG, run.dag_run_id).note == "before"
    with pytest.raises(sdk.ForbiddenException) as caught:
        v2_viewer.patch_dag_run(DAG, run.dag_run_id, DAGRunPatchBody(note="viewer"))
    assert caught.value.detail == "Forbidden"
    with pytest.raises(sdk.ForbiddenException):
        v2_viewer.delete_dag_run(DAG, run.dag_run_id)

    stored = v2_api.get_dag_run(DAG, run.dag_run_id)
    assert stored.note == "before"  # neither write happened
    assert [s for _, _, s in calls(v2_viewer)] == [200, 403, 403]  # a 403 is not replayed


def test_a_garbage_static_token_is_403_once(new_v2_api: MakeApi) -> None:
    api = new_v2_api(None, access_token="not-a-jwt")

    with pytest.raises(sdk.ForbiddenException) as caught:
        api.get_dag_runs(DAG)

    assert caught.value.detail == "Invalid JWT token"
    assert exchanges(api) == [("GET", f"/api/v2/dags/{DAG}/dagRuns", 403)]


def test_no_credentials_is_401_not_authenticated(new_v2_api: MakeApi) -> None:
    api = new_v2_api(None)

    with pytest.raises(sdk.UnauthorizedException) as caught:
        api.get_dag_runs(DAG)

    assert caught.value.detail == "Not authenticated"
    assert len(exchanges(api)) == 1


# ---------------------------------------------------------------- static and callable tokens


@pytest.fixture
def server_token(target3: Target3) -> Iterator[str]:
    """A token the server issued itself."""
    yield login_token(target3.url, *target3.admin)


def test_a_static_token_is_sent_as_bearer(
    new_v2_api: MakeApi, server_token: str, v2_sent: Callable[[], object]
) -> None:
    api = new_v2_api(None, access_token=server_token)

    assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN
    assert api.get_dag_runs(DAG, limit=1).total_entries

    assert logins(api) == 0
    received = v2_sent()
    if received is not None:
        assert {headers_of(r)["authorization"] for r in received} == {f"Bearer {server_token}"}


def test_a_callable_token_is_called_for_each_request(
    new_v2_api: MakeApi, server_token: str
) -> None:
    called: List[int] = []

    def token() -> str:
        called.append(1)
        return server_token

    api = new_v2_api(None, access_token=token)
    api.get_dag_run(DAG, RUNNING_RUN)
    api.get_dag_runs(DAG, limit=1)

    assert len(called) == 2 and logins(api) == 0
    assert [s for _, _, s in exchanges(api)] == [200, 200]


def test_the_token_takes_precedence_over_the_password(target3: Target3, server_token: str) -> None:
    api = make_v2_api(target3.url, ("admin", "wrong"), access_token=server_token)
    try:
        assert api.get_dag_run(DAG, RUNNING_RUN).dag_run_id == RUNNING_RUN
        assert logins(api) == 0
    finally:
        close(api)
