"""Configuration: where the server is, how to authenticate, and how patient to be."""

from __future__ import annotations

import base64
import dataclasses
import os
from typing import Callable, Mapping, Optional, Union

TokenSource = Union[str, Callable[[], str]]
"""A bearer token, or a function returning a fresh one for each request."""


@dataclasses.dataclass
class Configuration:
    """Settings of an `ApiClient`. Secrets never appear in `repr()` or `str()`.

    Retries apply to requests that are safe to repeat: connection errors, 429, 502, 503 and 504,
    with exponential backoff and jitter, honouring `Retry-After`, at most `retries` times and
    `retry_max_time` seconds in all. `retries=0` switches them off.
    """

    host: str = "/api/v1"
    """The API's base URL, ending in `/api/v1`."""
    username: Optional[str] = None
    """User name for HTTP Basic authentication."""
    password: Optional[str] = dataclasses.field(default=None, repr=False)
    """Password for HTTP Basic authentication."""
    access_token: Optional[TokenSource] = dataclasses.field(default=None, repr=False)
    """Bearer token (or a function returning one); takes precedence over Basic."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection."""
    read_timeout: float = 60.0
    """Seconds to wait for each read of the answer."""
    retries: int = 3
    """How many times a safe request is repeated at most."""
    backoff_factor: float = 0.5
    """First wait between attempts in seconds; doubles each time, with jitter."""
    backoff_max: float = 30.0
    """Longest wait between two attempts, unless the server's `Retry-After` asks for more."""
    retry_max_time: float = 120.0
    """No retry starts once this many seconds have passed since the first attempt."""
    verify_ssl: bool = True
    """Verify the server's TLS certificate."""
    ssl_ca_cert: Optional[str] = None
    """Path of a CA bundle to verify the server with."""
    cert_file: Optional[str] = None
    """Path of a client certificate for mutual TLS."""
    key_file: Optional[str] = None
    """Path of the client certificate's private key."""
    pool_size: int = 10
    """Most connections kept open to the server; more concurrent calls wait for one."""

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
