"""Test targets: the in-process mock Airflow (default) or a real Airflow 2 server.

Options: ``--target mock|airflow`` and ``--airflow-url`` (default: env AIRFLOW_TEST_URL, e.g.
``http://127.0.0.1:PORT/api/v1``).

Fixtures:
  ``target``       where the tests send requests: ``.kind``, ``.url`` (ends in /api/v1),
                   ``.admin``/``.viewer`` (user, password), ``.token`` (bearer, mock only)
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
        choices=("mock", "airflow"),
        default="mock",
        help="run against the in-process mock (default) or a real Airflow (--airflow-url)",
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


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    if config.getoption("--target") != "airflow":
        return
    skip = pytest.mark.skip(reason="mock_only: needs the mock server")
    for item in items:
        if item.get_closest_marker("mock_only"):
            item.add_marker(skip)


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
