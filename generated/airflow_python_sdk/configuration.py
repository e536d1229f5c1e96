"""Configuration: where the server is, how to authenticate, and how patient to be.

Safe by default:
- Timeouts are always on: 10 s to connect, 60 s for each read of the answer.
- Requests that are safe to repeat are retried (up to 3 times, within 120 s in all); see
  `Configuration` for which failures, and `retries=0` to switch it off.
- TLS certificates are verified (against the system's CAs, or `ssl_ca_cert`).
- Secrets (`password`, `access_token`, a proxy's `user:password@`) never appear in
  `repr()`/`str()`; a host URL written with `user:password@` has them moved into
  `username`/`password`, so the URL that errors and logs show carries none. Credentials that
  cannot go in an HTTP header (line breaks, control characters, a `:` in a Basic user name) are
  refused with a ValueError that does not quote them.
- A setting that does not exist cannot be set: `config.verfy_ssl = False` is an AttributeError
  that names the closest setting, never silently ignored.
"""

from __future__ import annotations

import base64
import difflib
import os
import re
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from .exceptions import redact_url

TokenSource = Union[str, Callable[[], str]]
"""A bearer token, or a function returning a fresh one for each request."""

_FORBIDDEN_IN_HEADER = re.compile(r"[\x00-\x1f\x7f]")


class Configuration:
    """Settings of an `ApiClient`. Secrets never appear in `repr()` or `str()`.

    Retries apply to requests that are safe to repeat (GET, DELETE, the state and note PATCHes,
    the batch list POST, and `post_dag_run` when the caller chose the `dag_run_id`): on
    connection errors (the connection could not be made, or broke before a whole answer came),
    429, 502, 503 and 504, with exponential backoff and jitter, honouring `Retry-After`, at most
    `retries` times and `retry_max_time` seconds in all. A read timeout is not retried: a server
    that is slow to answer is usually busy, and repeating the call only adds to its load and to
    the caller's wait. A request that is not safe to repeat (`post_dag_run` without a run id,
    `clear_dag_run`) is retried only when its connection could not be made, so the server never
    saw it. `retries=0` switches every retry off.

    Args:
        host: The server's URL, with or without the API's base path: `http://host:8080` or
            `http://host:8080/api/v2` for the Airflow 3 API, `http://host:8080/api/v1` for the
            Airflow 2 one.
        username: User name: for HTTP Basic, or to log in where the API gives tokens.
        password: Its password.
        access_token: Bearer token, or a function returning a fresh one for each request;
            takes precedence over the user name and password.
        connect_timeout: Seconds to wait for a connection (default 10).
        read_timeout: Seconds to wait for each read of the answer (default 60).
        retries: How many times a safe request is repeated at most (default 3; 0: never).
        backoff_factor: First wait between attempts in seconds (default 0.5); doubles each
            time, each wait drawn between half and all of it (jitter).
        backoff_max: Longest wait between two attempts (default 30), unless `Retry-After` asks
            for more.
        retry_max_time: No retry starts once this many seconds would have passed since the
            first attempt (default 120): a `Retry-After` beyond it ends the call with the answer.
        verify_ssl: Verify the server's TLS certificate (default True).
        ssl_ca_cert: Path of a CA bundle to verify the server with.
        cert_file: Path of a client certificate for mutual TLS.
        key_file: Path of the client certificate's private key.
        pool_size: Most connections kept open to the server (default 10); more concurrent calls
            wait for one to be free.
        proxy: A forward proxy's URL (`http://[user:password@]proxy:3128`): every call goes
            through it (a CONNECT tunnel for https); its credentials are secrets too.
        proxy_headers: Headers sent to the proxy (e.g. its own authorization).

    Settings can be changed with `replace(**changes)` (a copy) or, for one call,
    `ApiClient.with_options(...)` / `DAGRunApi.with_options(...)` (timeouts, retries, auth; the
    pool and TLS settings are those of the client whose connections are shared).
    """

    SECRETS: Tuple[str, ...] = ("password", "access_token")
    REDACTED_URLS: Tuple[str, ...] = ("proxy",)
    """Settings shown without their `user:password@` part."""

    host: str
    username: Optional[str]
    password: Optional[str]
    access_token: Optional[TokenSource]
    connect_timeout: float
    read_timeout: float
    retries: int
    backoff_factor: float
    backoff_max: float
    retry_max_time: float
    verify_ssl: bool
    ssl_ca_cert: Optional[str]
    cert_file: Optional[str]
    key_file: Optional[str]
    pool_size: int
    proxy: Optional[str]
    proxy_headers: Optional[Dict[str, str]]

    def __init__(
        self,
        host: str = "http://localhost",
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
        proxy: Optional[str] = None,
        proxy_headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.username = username
        self.password = password
        self.host = host  # after the credentials: a user:password@ in it fills in those unset
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
        self.proxy = proxy
        self.proxy_headers = proxy_headers

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _SETTINGS:
            raise AttributeError(_unknown_setting(name))
        if name == "host":
            value = self._take_credentials(value)
        elif name in _POSITIVE:
            _check_number(name, value, minimum=0.0, exclusive=True)
        elif name in _NON_NEGATIVE:
            _check_number(name, value, minimum=0.0, exclusive=False)
        elif name in ("retries", "pool_size"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if value < (1 if name == "pool_size" else 0):
                raise ValueError(f"{name} must be at least {1 if name == 'pool_size' else 0}")
        elif name == "proxy" and value is not None:
            _check_url(name, value)
        elif name == "proxy_headers" and value is not None:
            for header, text in dict(value).items():
                check_header_safe(f"proxy header {header}", f"{header}{text}")
        super().__setattr__(name, value)

    def _take_credentials(self, host: Any) -> str:
        """The host without `user:password@`; those fill in `username`/`password` when unset."""
        parts = _check_url("host", host)
        if "@" not in parts.netloc:
            return str(host)
        userinfo, _, netloc = parts.netloc.rpartition("@")
        user, has_password, password = userinfo.partition(":")
        if getattr(self, "username", None) is None and user:
            super().__setattr__("username", unquote(user))
        if getattr(self, "password", None) is None and has_password:
            super().__setattr__("password", unquote(password))
        return urlunsplit(parts._replace(netloc=netloc))

    def settings(self) -> Dict[str, Any]:
        """Every setting by name (secrets included: do not log this)."""
        return {name: getattr(self, name) for name in _SETTINGS}

    def __repr__(self) -> str:
        shown = (
            f"{name}={self._shown(name, value)}"
            for name, value in self.settings().items()
            if value is not None
        )
        return f"Configuration({', '.join(shown)})"

    def _shown(self, name: str, value: Any) -> str:
        if name in self.SECRETS:
            return "<redacted>"
        if name in self.REDACTED_URLS:
            return repr(redact_url(value))
        if name == "proxy_headers":
            return repr({header: "<redacted>" for header in value})
        return repr(value)

    __str__ = __repr__

    def replace(self, **changes: Any) -> Configuration:
        """A copy with some settings changed (each checked as when set)."""
        for name in changes:
            if name not in _SETTINGS:
                raise TypeError(_unknown_setting(name))
        copy = Configuration.__new__(Configuration)
        copy.__dict__.update(vars(self))
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    @classmethod
    def from_env(
        cls, environ: Optional[Mapping[str, str]] = None, **settings: Any
    ) -> Configuration:
        """Read AIRFLOW_API_URL, AIRFLOW_USERNAME, AIRFLOW_PASSWORD, AIRFLOW_API_TOKEN, and the
        proxy variables HTTPS_PROXY / HTTP_PROXY / NO_PROXY as requests and httpx read them
        (lower case first; the one for the host's scheme; none for a host NO_PROXY names).

        Empty variables count as unset; `settings` (any `Configuration` argument) are applied
        on top, e.g. `Configuration.from_env(read_timeout=5)`.
        """
        env = os.environ if environ is None else environ
        found: Dict[str, Any] = {}
        for variable, name in (
            ("AIRFLOW_API_URL", "host"),
            ("AIRFLOW_USERNAME", "username"),
            ("AIRFLOW_PASSWORD", "password"),
            ("AIRFLOW_API_TOKEN", "access_token"),
        ):
            value = env.get(variable)
            if value:
                found[name] = value
        host = settings.get("host", found.get("host", "http://localhost"))
        proxy = _proxy_from_env(env, host)
        if proxy:
            found["proxy"] = proxy
        return cls(**{**found, **settings})

    def token(self) -> str:
        """The bearer token for the next request (a callable `access_token` is called)."""
        token = self.access_token() if callable(self.access_token) else self.access_token
        if not isinstance(token, str) or not token:
            raise TypeError("access_token must be (or return) a non-empty str")
        return token

    def auth_header(self) -> Optional[str]:
        """The Authorization header without a login: Bearer (`access_token`), Basic or None.

        A callable `access_token` is called each time, so it can hand out fresh tokens.
        """
        if self.access_token is not None:
            return bearer_header(self.token())
        if self.username is not None:
            return basic_header(self.username, self.password or "")
        return None


_SETTINGS = (
    "host",
    "username",
    "password",
    "access_token",
    "connect_timeout",
    "read_timeout",
    "retries",
    "backoff_factor",
    "backoff_max",
    "retry_max_time",
    "verify_ssl",
    "ssl_ca_cert",
    "cert_file",
    "key_file",
    "pool_size",
    "proxy",
    "proxy_headers",
)
_POSITIVE = ("connect_timeout", "read_timeout")
_NON_NEGATIVE = ("backoff_factor", "backoff_max", "retry_max_time")


def _check_number(name: str, value: Any, *, minimum: float, exclusive: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if value != value or (value <= minimum if exclusive else value < minimum):
        relation = "more than" if exclusive else "at least"
        raise ValueError(f"{name} must be {relation} {minimum:g} seconds, got {value!r}")


def check_header_safe(name: str, value: str) -> None:
    """Refuse what would break (or be refused in) a header, without quoting the value."""
    if _FORBIDDEN_IN_HEADER.search(value):
        raise ValueError(f"{name} contains a line break or control character")


def bearer_header(token: str) -> str:
    """A Bearer Authorization header; the token must fit in a header."""
    check_header_safe("access_token", token)
    if not token.isascii():
        raise ValueError("access_token must be ASCII (an RFC 6750 bearer token)")
    return f"Bearer {token}"


def basic_header(username: str, password: str) -> str:
    """A Basic Authorization header."""
    check_header_safe("username", username)
    if ":" in username:
        raise ValueError("username must not contain ':' (HTTP Basic cannot send it)")
    check_header_safe("password", password)
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _unknown_setting(name: str) -> str:
    close = difflib.get_close_matches(name, _SETTINGS, n=1)
    hint = f": did you mean {close[0]}?" if close else f"; the settings are {', '.join(_SETTINGS)}"
    return f"Configuration has no setting {name!r}{hint}"


def _check_url(name: str, url: Any) -> SplitResult:
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a str, got {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http:// or https:// URL, e.g. http://host:8080")
    return parts


def _proxy_from_env(env: Mapping[str, str], host: str) -> Optional[str]:
    """The proxy the environment gives for `host`, as requests and httpx choose it."""
    parts = urlsplit(host)
    for variable in (f"{parts.scheme}_proxy", "all_proxy"):
        proxy = env.get(variable) or env.get(variable.upper())
        if proxy:
            break
    else:
        return None
    no_proxy = env.get("no_proxy") or env.get("NO_PROXY") or ""
    return None if _bypassed(parts.hostname or "", parts.port, no_proxy) else proxy


def _bypassed(hostname: str, port: Optional[int], no_proxy: str) -> bool:
    """True if NO_PROXY (`*`, or hosts, `.domains` and `host:port`s) names this host."""
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.partition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and str(port) != entry_port:
            continue
        name = name.lstrip(".")
        if hostname.lower() == name or hostname.lower().endswith("." + name):
            return True
    return False
