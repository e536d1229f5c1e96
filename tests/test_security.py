"""Security: authentication, secrets kept out of every text the SDK makes, and TLS.

TLS runs against a second mock whose listening socket is wrapped with `ssl`, using a CA and
certificates made with the `openssl` command in a temporary folder (no new dependency).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import logging
import shutil
import socket
import ssl
import subprocess
import traceback
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import quote

import pytest
import urllib3

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.dag_run import DAGRun
from forward_proxy import ForwardProxy
from helpers import DAG, FAST, UTC
from mock_airflow import USERS, MockAirflow

pytestmark = pytest.mark.mock_only

PASSWORD = "pw-Zq8!xK3#secret-ü"
WRONG_PASSWORD = "pw-Wr0ng-Vq7-other"
TOKEN = "tok-7f3a9c1e5b2d-SECRET"


def secret_forms(*secrets: str, user: str = "admin") -> List[str]:
    """Each secret as it could leak: raw, URL-quoted, base64, and as Basic credentials."""
    forms = []
    for secret in secrets:
        basic = base64.b64encode(f"{user}:{secret}".encode()).decode()
        forms += [secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()]
        forms += [basic, f"Basic {basic}", f"Bearer {secret}"]
    return forms


# ---------------------------------------------------------------- leftovers


@pytest.fixture
def clients() -> Iterator[List[sdk.ApiClient]]:
    """Clients a test makes, closed after it."""
    made: List[sdk.ApiClient] = []
    yield made
    for client in made:
        client.close()


def make_api(clients: List[sdk.ApiClient], host: str, **settings: Any) -> DAGRunApi:
    client = sdk.ApiClient(sdk.Configuration(host=host, **{**FAST, **settings}))
    clients.append(client)
    return DAGRunApi(client)


# ---------------------------------------------------------------- authentication


def test_basic_auth_header(mock: MockAirflow, clients: List[sdk.ApiClient]) -> None:
    make_api(clients, mock.url, username="admin", password="admin").get_dag_runs(DAG)
    assert mock.requests[-1].header("Authorization") == "Basic YWRtaW46YWRtaW4="


def test_static_bearer_token_wins_over_basic(
    mock: MockAirflow, clients: List[sdk.ApiClient]
) -> None:
    mock.add_token(TOKEN)
    api = make_api(clients, mock.url, username="viewer", password="viewer", access_token=TOKEN)
    api.post_dag_run(DAG, DAGRun(dag_run_id="by_token"))  # viewer could not
    assert mock.requests[-1].header("Authorization") == f"Bearer {TOKEN}"


def test_token_callable_gives_a_fresh_token_per_request(
    mock: MockAirflow, clients: List[sdk.ApiClient]
) -> None:
    issued: List[str] = []

    def fresh_token() -> str:
        token = f"{TOKEN}-{len(issued)}"
        mock.add_token(token)
        issued.append(token)
        return token

    api = make_api(clients, mock.url, access_token=fresh_token)
    for _ in range(3):
        api.get_dag_runs(DAG)
    assert issued == [f"{TOKEN}-{n}" for n in range(3)]
    assert [r.header("Authorization") for r in mock.requests] == [f"Bearer {t}" for t in issued]


def test_from_env(
    mock: MockAirflow, clients: List[sdk.ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(USERS, "admin", ("admin", PASSWORD))
    monkeypatch.setenv("AIRFLOW_API_URL", mock.url)
    monkeypatch.setenv("AIRFLOW_USERNAME", "admin")
    monkeypatch.setenv("AIRFLOW_PASSWORD", PASSWORD)
    monkeypatch.setenv("AIRFLOW_API_TOKEN", "")  # empty: unset
    config = sdk.Configuration.from_env(read_timeout=7)
    assert (config.host, config.username, config.password) == (mock.url, "admin", PASSWORD)
    assert config.access_token is None and config.read_timeout == 7
    client = sdk.ApiClient(config)
    clients.append(client)
    assert DAGRunApi(client).get_dag_runs(DAG).total_entries == 0
    monkeypatch.setenv("AIRFLOW_API_TOKEN", TOKEN)
    assert sdk.Configuration.from_env().access_token == TOKEN
    explicit = sdk.Configuration.from_env({"AIRFLOW_API_URL": "https://example.test/api/v1"})
    assert explicit.host == "https://example.test/api/v1" and explicit.username is None


def test_credentials_in_the_host_url_move_out_of_it(
    mock: MockAirflow, clients: List[sdk.ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(USERS, "admin", ("admin", PASSWORD))
    host = mock.url.replace("http://", f"http://admin:{quote(PASSWORD, safe='')}@")
    config = sdk.Configuration(host=host)
    assert (config.host, config.username, config.password) == (mock.url, "admin", PASSWORD)
    client = sdk.ApiClient(config)
    clients.append(client)
    DAGRunApi(client).get_dag_runs(DAG)
    for text in (repr(config), str(config)):
        assert not any(form in text for form in secret_forms(PASSWORD)), text


def test_credentials_that_cannot_be_sent_are_refused_without_quoting_them() -> None:
    cases: List[Dict[str, Any]] = [
        {"access_token": f"{TOKEN}\r\nX-Injected: 1"},
        {"access_token": f"{TOKEN}\u2603"},
        {"username": "admin", "password": f"{PASSWORD}\n"},
        {"username": "ad:min", "password": PASSWORD},
        {"access_token": lambda: ""},
    ]
    for settings in cases:
        config = sdk.Configuration(host="http://127.0.0.1:9/api/v1", **settings)
        with pytest.raises((ValueError, TypeError)) as caught:
            config.auth_header()
        text = "".join(traceback.format_exception_only(type(caught.value), caught.value))
        assert not any(form in text for form in secret_forms(PASSWORD, TOKEN)), text


# ---------------------------------------------------------------- secrets never shown


def test_secrets_never_appear_in_reprs_errors_or_debug_logs(
    mock: MockAirflow,
    clients: List[sdk.ApiClient],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(USERS, "admin", ("admin", PASSWORD))
    mock.add_token(TOKEN)
    mock.add_run(DAG, "run_1", datetime(2024, 1, 10, tzinfo=UTC))
    caplog.set_level(logging.DEBUG, logger="airflow_python_sdk")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    basic = make_api(clients, mock.url, username="admin", password=PASSWORD)
    bearer = make_api(clients, mock.url, access_token=TOKEN)
    fresh = make_api(clients, mock.url, access_token=lambda: TOKEN)
    wrong = make_api(clients, mock.url, username="admin", password=WRONG_PASSWORD)
    texts: List[str] = []
    results: List[Any] = []
    errors: List[BaseException] = []

    def call(action: Any) -> None:
        try:
            results.append(action())
        except Exception as error:  # noqa: BLE001 - every failure is inspected below
            errors.append(error)

    # calls that succeed
    call(lambda: basic.raw.get_dag_runs(DAG))
    call(lambda: basic.raw.post_dag_run(DAG, DAGRun(dag_run_id="made", conf={"k": "v"})))
    call(lambda: bearer.raw.get_dag_run(DAG, "run_1"))
    call(lambda: fresh.raw.get_dag_run(DAG, "run_1"))
    mock.add_fault("status", method="GET", status=503, times=1)
    call(lambda: basic.raw.get_dag_run(DAG, "run_1"))  # retried, then succeeds
    mock.add_fault("reset", method="GET", times=1)
    call(lambda: bearer.raw.get_dag_run(DAG, "run_1"))  # connection error, retried
    # calls that fail
    call(lambda: wrong.get_dag_runs(DAG))  # 403
    call(lambda: basic.get_dag_run(DAG, "missing"))  # 404
    mock.add_fault("html", status=500, times=1)
    call(lambda: bearer.get_dag_runs(DAG))
    mock.add_fault("status", method="GET", status=503, times=None)
    call(lambda: basic.get_dag_runs(DAG))  # retries run out
    mock.clear_faults()
    mock.add_fault("delay", method="GET", delay=0.6, times=1)
    call(lambda: basic.with_options(read_timeout=0.1).get_dag_runs(DAG))
    mock.add_fault("drop", method="POST", process=False, times=1)
    call(lambda: basic.with_options(retries=0).post_dag_run(DAG, DAGRun()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = make_api(
        clients, f"http://127.0.0.1:{closed_port}/api/v1", username="admin", password=PASSWORD
    )
    call(lambda: refused.get_dag_runs(DAG))
    call(lambda: make_api(clients, mock.url, access_token=f"{TOKEN}\n").get_dag_runs(DAG))

    assert len(results) == 6 and all(r.status == 200 for r in results)
    kinds = [type(e).__name__ for e in errors]
    assert kinds == [
        "ForbiddenException",
        "NotFoundException",
        "ServiceException",
        "ServiceException",
        "ApiTimeoutError",
        "ApiConnectionError",
        "ApiConnectionError",
        "ValueError",
    ]
    for obj in [basic, bearer, fresh, wrong, refused, *clients, *results]:
        texts += [repr(obj), str(obj)]
    for client in clients:
        texts += [repr(client.configuration), str(client.configuration)]
        texts.append(repr(client.configuration.replace(retries=1)))
    for error in errors:
        texts += [str(error), repr(error)]
        texts.append("".join(traceback.format_exception(type(error), error, error.__traceback__)))
        texts.append(repr(vars(error)) if isinstance(error, sdk.ApiException) else "")
    texts.append(caplog.text)
    texts += [record.getMessage() for record in caplog.records]
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]

    sdk_records = [r for r in caplog.records if r.name == "airflow_python_sdk"]
    assert len(sdk_records) >= 14 and "<redacted>" in caplog.text
    assert any("retry" in r.getMessage() for r in sdk_records)
    assert any("failed" in r.getMessage() for r in sdk_records)
    assert http.client.HTTPConnection.debuglevel == 0
    assert captured.out == ""
    forms = secret_forms(PASSWORD, WRONG_PASSWORD, TOKEN)
    for text in texts:
        leaked = [form for form in forms if form in text]
        assert not leaked, f"{leaked} in {text[:500]}"


# ---------------------------------------------------------------- TLS


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A CA made for the test, and a server (127.0.0.1) and a client certificate it signed."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", "-new", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=SDK test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    for name, usage, extra in (
        ("server", "serverAuth", "subjectAltName=IP:127.0.0.1\n"),
        ("client", "clientAuth", ""),
    ):
        (folder / f"{name}.ext").write_text(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            f"extendedKeyUsage={usage}\nsubjectKeyIdentifier=hash\n"
            f"authorityKeyIdentifier=keyid,issuer\n{extra}"
        )
        _openssl(
            "req", "-new", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={'127.0.0.1' if name == 'server' else 'sdk-client'}",
            cwd=folder,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
            cwd=folder,
        )  # fmt: skip
    return Certificates(
        folder / "ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "client.pem",
        folder / "client.key",
    )


@contextlib.contextmanager
def tls_mock(certs: Certificates, client_ca: bool = False) -> Iterator[str]:
    """A second mock serving HTTPS on 127.0.0.1; yields its API URL. Stopped on exit."""
    server = MockAirflow(spec_path=None)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certs.server_cert), str(certs.server_key))
    if client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(str(certs.ca))
    server.start()
    try:
        assert server._server is not None
        server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
        yield server.url.replace("http://", "https://")
    finally:
        server.stop()


def test_tls_is_verified_by_default(certificates: Certificates) -> None:
    with tls_mock(certificates) as url:
        config = sdk.Configuration(host=url, username="admin", password="admin", **FAST)
        with sdk.ApiClient(config) as client:
            with pytest.raises(sdk.ApiConnectionError) as caught:
                DAGRunApi(client).get_dag_runs(DAG)
    text = str(caught.value)
    assert not isinstance(caught.value, sdk.ApiTimeoutError) and "\n" not in text
    assert "certificate verification failed" in text and "ssl_ca_cert" in text


def test_tls_with_its_ca(certificates: Certificates) -> None:
    with tls_mock(certificates) as url:
        config = sdk.Configuration(
            host=url, username="admin", password="admin", ssl_ca_cert=str(certificates.ca)
        )
        with sdk.ApiClient(config) as client:
            assert DAGRunApi(client).get_dag_runs(DAG).total_entries == 0


def test_tls_without_verification_warns(certificates: Certificates) -> None:
    with tls_mock(certificates) as url:
        config = sdk.Configuration(host=url, username="admin", password="admin", verify_ssl=False)
        with sdk.ApiClient(config) as client, warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            assert DAGRunApi(client).get_dag_runs(DAG).total_entries == 0
    assert any(issubclass(w.category, urllib3.exceptions.InsecureRequestWarning) for w in seen)


def test_tls_client_certificate(certificates: Certificates) -> None:
    with tls_mock(certificates, client_ca=True) as url:
        base = {"username": "admin", "password": "admin", "ssl_ca_cert": str(certificates.ca)}
        with sdk.ApiClient(sdk.Configuration(host=url, retries=0, **base)) as client:
            with pytest.raises(sdk.ApiConnectionError):
                DAGRunApi(client).get_dag_runs(DAG)
        config = sdk.Configuration(
            host=url,
            cert_file=str(certificates.client_cert),
            key_file=str(certificates.client_key),
            **base,
        )
        with sdk.ApiClient(config) as client:
            assert DAGRunApi(client).get_dag_runs(DAG).total_entries == 0


# ---------------------------------------------------------------- proxies

PROXY_SECRET = "proxy-pw-Jk29!secret"


def test_calls_go_through_the_proxy(mock: MockAirflow, clients: List[sdk.ApiClient]) -> None:
    with ForwardProxy() as proxy:
        api = make_api(clients, mock.url, username="admin", password="admin", proxy=proxy.url)
        run = api.post_dag_run(DAG, DAGRun(dag_run_id="via_proxy", conf={"k": "v"}))
        assert api.get_dag_run(DAG, run.dag_run_id).conf == {"k": "v"}
        assert [(method, url) for method, url, _ in proxy.seen] == [
            ("POST", f"{mock.url}/dags/{DAG}/dagRuns"),
            ("GET", f"{mock.url}/dags/{DAG}/dagRuns/via_proxy"),
        ]
        assert mock.get_run(DAG, "via_proxy") is not None


def test_proxy_credentials_are_sent_and_never_shown(
    mock: MockAirflow, clients: List[sdk.ApiClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ForwardProxy(credentials=f"squid:{PROXY_SECRET}") as proxy:
        proxy_url = proxy.url.replace("http://", f"http://squid:{quote(PROXY_SECRET)}@")
        config = sdk.Configuration(
            host=mock.url, username="admin", password="admin", proxy=proxy_url,
            proxy_headers={"X-Proxy-Team": "data"}, **FAST,
        )  # fmt: skip
        client = sdk.ApiClient(config)
        clients.append(client)
        assert DAGRunApi(client).get_dag_runs(DAG).total_entries is not None
        assert proxy.seen[-1][2] == proxy.expected
        assert ("X-Proxy-Team", "data") in proxy.headers[-1]
        wrong = proxy_url.replace(quote(PROXY_SECRET), "wrong-" + quote(PROXY_SECRET))
        texts = [repr(config), str(config), repr(config.replace(proxy=wrong))]
        with pytest.raises(sdk.ApiException) as refused:
            make_api(clients, mock.url, proxy=wrong).get_dag_runs(DAG)
        assert refused.value.status == 407
    with pytest.raises(sdk.ApiConnectionError) as gone:  # the proxy has stopped
        make_api(clients, mock.url, proxy=proxy_url, retries=0).get_dag_runs(DAG)
    for error in (refused.value, gone.value):
        texts.append("".join(traceback.format_exception(type(error), error, None)))
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        assert PROXY_SECRET not in text and quote(PROXY_SECRET) not in text, text
        assert base64.b64encode(f"squid:{PROXY_SECRET}".encode()).decode() not in text, text


def test_https_goes_through_a_connect_tunnel(
    certificates: Certificates, clients: List[sdk.ApiClient]
) -> None:
    with tls_mock(certificates) as url, ForwardProxy() as proxy:
        api = make_api(
            clients, url, username="admin", password="admin", proxy=proxy.url,
            ssl_ca_cert=str(certificates.ca),
        )  # fmt: skip
        assert api.get_dag_runs(DAG).total_entries is not None
        port = url.split(":")[2].split("/")[0]
        assert proxy.seen == [("CONNECT", f"127.0.0.1:{port}", None)]


def test_from_env_reads_the_proxy_variables() -> None:
    def proxy(host: str, **env: str) -> Any:
        return sdk.Configuration.from_env({"AIRFLOW_API_URL": host, **env}).proxy

    http, https = "http://plain-proxy:3128", "http://tls-proxy:3128"
    assert proxy("http://airflow:8080", HTTP_PROXY=http, HTTPS_PROXY=https) == http
    assert proxy("https://airflow", HTTP_PROXY=http, HTTPS_PROXY=https) == https
    assert proxy("https://airflow", https_proxy=https, HTTPS_PROXY=http) == https
    assert proxy("https://airflow", ALL_PROXY=http) == http
    assert proxy("http://airflow:8080", HTTP_PROXY=http, NO_PROXY="other,airflow") is None
    assert proxy("http://a.corp.example:8080", HTTP_PROXY=http, NO_PROXY=".example") is None
    assert proxy("http://airflow:8080", HTTP_PROXY=http, NO_PROXY="airflow:9090") == http
    assert proxy("http://airflow:8080", HTTP_PROXY=http, no_proxy="*") is None
    assert proxy("http://airflow:8080") is None
    with pytest.raises(ValueError, match="proxy must be an http"):
        sdk.Configuration(proxy="socks5://proxy:1080")
    with pytest.raises(ValueError, match="cannot change per call"):
        sdk.ApiClient().with_options(proxy=http)
