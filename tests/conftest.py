"""Test targets: the in-process mock Airflow (default; it speaks /api/v1 and /api/v2), a real
Airflow 2 server (/api/v1) or a real Airflow 3 server (/api/v2).

Options: ``--target mock|airflow|airflow3``, ``--airflow-url`` (default: env AIRFLOW_TEST_URL,
e.g. ``http://127.0.0.1:PORT/api/v1``), ``--airflow3-url`` (env AIRFLOW3_TEST_URL, the server's
root ``http://127.0.0.1:PORT``) and ``--airflow3-sched-url`` (env AIRFLOW3_SCHED_URL: a second
Airflow 3 with a scheduler, 5-second tokens and any run id allowed).

The v1 tests run on ``mock`` and ``airflow``; the v2 tests (marked ``v2``: the ``test_v2_*``
modules) on ``mock`` and ``airflow3``.

Fixtures:
  ``target``       where the v1 tests send requests: ``.kind``, ``.url`` (ends in /api/v1),
                   ``.admin``/``.viewer`` (user, password), ``.token`` (bearer, mock only)
  ``target3``      where the v2 tests send requests: ``.kind`` ("mock" or "airflow3"), ``.url``
                   (the server's root), ``.admin``/``.viewer``, ``.sched_url`` (the scheduler
                   server's root on airflow3, None on the mock: its controls move run states)
  ``mock``         the ``MockAirflow`` controller, reset before and after the test; skips the
                   test on the airflow target
  ``mock_server``  the session's mock (no reset), for session/module-scoped fixtures

Markers: ``mock_only`` (skipped on the airflow target), ``allow_spec_violations`` (the test may
send requests openapi.yaml does not allow). Any other request the mock receives that the spec
does not allow fails the test at teardown; a block of deliberate ones can also be wrapped in
``with mock.allow_spec_violations():``.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

TESTS_DIR = Path(__file__).resolve().parent
SPEC_PATH = TESTS_DIR.parent / "openapi.yaml"
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from mock_airflow import MOCK_TOKEN, MockAirflow  # noqa: E402


@dataclass(frozen=True)
class Target:
    """A server the tests talk to."""

    kind: str  # "mock" or "airflow"
    url: str  # base URL ending in /api/v1
    admin: Tuple[str, str] = ("admin", "admin")
    viewer: Tuple[str, str] = ("viewer", "viewer")
    token: Optional[str] = None  # a bearer token with admin rights (the mock's)

    @property
    def is_mock(self) -> bool:
        return self.kind == "mock"

    def basic_auth(self, role: str = "admin") -> Dict[str, str]:
        """An Authorization header for ``role`` ('admin' or 'viewer')."""
        user, password = getattr(self, role)
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {encoded}"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("airflow target")
    group.addoption(
        "--target",
        choices=("mock", "airflow", "airflow3"),
        default="mock",
        help="the in-process mock (default), a real Airflow 2 or a real Airflow 3",
    )
    group.addoption(
        "--airflow3-url",
        default=os.environ.get("AIRFLOW3_TEST_URL"),
        help="root URL of the real Airflow 3 (env AIRFLOW3_TEST_URL)",
    )
    group.addoption(
        "--airflow3-sched-url",
        default=os.environ.get("AIRFLOW3_SCHED_URL"),
        help="root URL of the real Airflow 3 with a scheduler (env AIRFLOW3_SCHED_URL)",
    )
    group.addoption(
        "--airflow-url",
        default=os.environ.get("AIRFLOW_TEST_URL"),
        help="base URL of the real Airflow's API, ending in /api/v1 (env AIRFLOW_TEST_URL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mock_only: needs the mock server's controls; skipped on --target airflow"
    )
    config.addinivalue_line(
        "markers",
        "allow_spec_violations: the test deliberately sends requests openapi.yaml does not allow",
    )
    config.addinivalue_line(
        "markers", "v2: tests the Airflow 3 API (/api/v2): runs on --target mock and airflow3"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    target = config.getoption("--target")
    if target == "mock":
        return
    mock_only = pytest.mark.skip(reason="mock_only: needs the mock server")
    other_api = pytest.mark.skip(reason=f"not an API of --target {target}")
    for item in items:
        if item.get_closest_marker("mock_only"):
            item.add_marker(mock_only)
        elif bool(item.get_closest_marker("v2")) != (target == "airflow3"):
            item.add_marker(other_api)


def _on_mock(config: pytest.Config) -> bool:
    return bool(config.getoption("--target") == "mock")


@pytest.fixture(scope="session")
def mock_server(pytestconfig: pytest.Config) -> Iterator[MockAirflow]:
    """The session's mock Airflow on 127.0.0.1 (an ephemeral port), stopped at session end."""
    if not _on_mock(pytestconfig):
        pytest.skip("needs the mock server (--target mock)")
    server = MockAirflow(spec_path=str(SPEC_PATH)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Target:
    """The server under test."""
    if _on_mock(pytestconfig):
        server: MockAirflow = request.getfixturevalue("mock_server")
        return Target("mock", server.url, token=MOCK_TOKEN)
    url = pytestconfig.getoption("--airflow-url")
    if not url:
        pytest.skip("--target airflow needs --airflow-url or AIRFLOW_TEST_URL")
    return Target("airflow", str(url).rstrip("/"))


@dataclass(frozen=True)
class Target3:
    """An Airflow 3 server the v2 tests talk to."""

    kind: str  # "mock" or "airflow3"
    url: str  # the server's root: http://127.0.0.1:PORT (the API is below /api/v2)
    admin: Tuple[str, str] = ("admin", "admin")
    viewer: Tuple[str, str] = ("viewer", "viewer")
    sched_url: Optional[str] = None  # a server with a scheduler (airflow3 only)

    @property
    def is_mock(self) -> bool:
        return self.kind == "mock"


@pytest.fixture(scope="session")
def target3(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Target3:
    """The Airflow 3 server under test."""
    if _on_mock(pytestconfig):
        server: MockAirflow = request.getfixturevalue("mock_server")
        return Target3("mock", server.root_url)
    url = pytestconfig.getoption("--airflow3-url")
    if not url:
        pytest.skip("--target airflow3 needs --airflow3-url or AIRFLOW3_TEST_URL")
    sched = pytestconfig.getoption("--airflow3-sched-url")
    return Target3("airflow3", str(url).rstrip("/"), sched_url=sched and str(sched).rstrip("/"))


@pytest.fixture
def mock(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[MockAirflow]:
    """The mock's controller, in its seed state; reset again after the test."""
    if not _on_mock(pytestconfig):
        pytest.skip("needs the mock server's controls (--target mock)")
    server: MockAirflow = request.getfixturevalue("mock_server")
    server.reset()
    yield server
    server.reset()


@pytest.fixture(autouse=True)
def _fail_on_spec_violations(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config
) -> Iterator[None]:
    """Fail a test that sent the mock a request openapi.yaml does not allow."""
    if not _on_mock(pytestconfig):
        yield
        return
    server: MockAirflow = request.getfixturevalue("mock_server")
    server.clear_spec_violations()
    yield
    violations = server.take_spec_violations()
    if violations and not request.node.get_closest_marker("allow_spec_violations"):
        lines = "\n".join(f"  {v}" for v in violations)
        pytest.fail(f"requests that openapi.yaml does not allow:\n{lines}", pytrace=False)


def _open_sockets() -> int:
    """How many sockets this process holds (Linux; -1 elsewhere)."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return -1
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


@pytest.fixture(scope="module", autouse=True)
def _no_leftovers(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[None]:
    """Fail a module that leaves a thread, a socket or a server behind (after a grace period)."""
    if not _on_mock(pytestconfig):
        yield
        return
    request.getfixturevalue("mock_server")  # the session's, started before the snapshot
    threads, sockets = set(threading.enumerate()), _open_sockets()
    yield
    deadline = time.monotonic() + 10
    while True:
        extra = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
        if (not extra and _open_sockets() <= sockets) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not extra, f"threads left running: {extra}"
    assert _open_sockets() <= sockets, "sockets left open"
