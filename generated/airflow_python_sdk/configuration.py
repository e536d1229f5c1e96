"""Configuration: where the server is, how to authenticate, and how patient to be."""

from __future__ import annotations

import base64
import os
from typing import Any, Callable, Mapping, Optional, Union

TokenSource = Union[str, Callable[[], str]]
"""A bearer token, or a function returning a fresh one for each request."""


class Configuration:
    """Settings of an `ApiClient`. Secrets never appear in `repr()` or `str()`.

    Retries apply to requests that are safe to repeat: connection errors, 429, 502, 503 and 504,
    with exponential backoff and jitter, honouring `Retry-After`, at most `retries` times and
    `retry_max_time` seconds in all. `retries=0` switches them off.

    Args:
        host: The API's base URL, ending in `/api/v1`.
        username: User name for HTTP Basic authentication.
        password: Password for HTTP Basic authentication.
        access_token: Bearer token, or a function returning a fresh one for each request;
            takes precedence over Basic.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for each read of the answer.
        retries: How many times a safe request is repeated at most.
        backoff_factor: First wait between attempts in seconds; doubles each time, with jitter.
        backoff_max: Longest wait between two attempts, unless `Retry-After` asks for more.
        retry_max_time: No retry starts once this many seconds have passed since the first
            attempt.
        verify_ssl: Verify the server's TLS certificate.
        ssl_ca_cert: Path of a CA bundle to verify the server with.
        cert_file: Path of a client certificate for mutual TLS.
        key_file: Path of the client certificate's private key.
        pool_size: Most connections kept open to the server; more concurrent calls wait.
    """

    _SECRETS = ("password", "access_token")

    def __init__(
        self,
        host: str = "http://localhost/api/v1",
        username: Optional[str] = None,
        password: Optional[str] = None,
        access_token: Optional[TokenSource] = None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        retry_max_time: float = 120.0,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        cert_file: Optional[str] = None,
        key_file: Optional[str] = None,
        pool_size: int = 10,
    ) -> None:
        self.host = host
        self.username = username
        self.password = password
        self.access_token = access_token
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.retry_max_time = retry_max_time
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.pool_size = pool_size

    def __repr__(self) -> str:
        shown = (
            f"{name}={'<redacted>' if name in self._SECRETS else repr(value)}"
            for name, value in vars(self).items()
            if value is not None
        )
        return f"Configuration({', '.join(shown)})"

    def replace(self, **changes: Any) -> Configuration:
        """A copy with some settings changed."""
        unknown = set(changes) - set(vars(self))
        if unknown:
            raise TypeError(f"Configuration has no setting(s) {', '.join(sorted(unknown))}")
        copy = Configuration.__new__(Configuration)
        copy.__dict__.update(vars(self), **changes)
        return copy

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Configuration:
        """Read AIRFLOW_API_URL, AIRFLOW_USERNAME, AIRFLOW_PASSWORD and AIRFLOW_API_TOKEN."""
        env = os.environ if environ is None else environ
        config = cls(
            username=env.get("AIRFLOW_USERNAME"),
            password=env.get("AIRFLOW_PASSWORD"),
            access_token=env.get("AIRFLOW_API_TOKEN"),
        )
        if env.get("AIRFLOW_API_URL"):
            config.host = env["AIRFLOW_API_URL"]
        return config

    def auth_header(self) -> Optional[str]:
        """The Authorization header value for the next request, if any."""
        if self.access_token is not None:
            token = self.access_token() if callable(self.access_token) else self.access_token
            return f"Bearer {token}"
        if self.username is not None:
            pair = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None
