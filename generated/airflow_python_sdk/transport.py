"""Transport: HTTP over one `urllib3.PoolManager`, with timeouts, retries and redacted logs.

Design:
- One pool per client, shared by every thread (and by `with_options` copies), through the
  configured forward proxy if any (plain HTTP is forwarded, HTTPS tunnelled with CONNECT): at most
  `pool_size` connections are open to a host; a call that finds them all busy waits for one
  (`block=True`), so a burst of threads never opens more connections than that. `close()`
  closes the sockets at once.
- Retries are urllib3's own loop driven by `RetryPolicy`, a `urllib3.Retry` (1.26.x and 2.x)
  that waits with jittered exponential backoff or as `Retry-After` asks, never retries a read
  timeout, and gives up once the next attempt would start after the call's deadline.
- Which requests may be repeated is decided by the caller (`ApiClient`): a safe request gets the
  full policy, any other one a policy that only retries connections that could not be made.
- Connection failures become `ApiConnectionError` (timeouts `ApiTimeoutError`) with a one-line
  reason: refused, reset or cut short, TLS certificate verification failed (with the fix).
- Logs go to the `logging` logger named after the package, at DEBUG: one line per exchange
  (method, URL, headers with Authorization, Proxy-Authorization and Cookie redacted, sizes,
  status, time), per retry and per failure. Bodies are never logged; nothing turns on
  `http.client`'s process-wide debug printing.
"""

from __future__ import annotations

import logging
import random
import time
from types import TracebackType
from typing import Any, Dict, Generator, Mapping, Optional
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from .configuration import Configuration
from .exceptions import ApiConnectionError, ApiTimeoutError, redact_url, retry_after_seconds

logger = logging.getLogger(__package__ or __name__)

RETRY_STATUSES = frozenset((429, 502, 503, 504))
_REDACTED_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie"))


class RetryPolicy(urllib3.Retry):
    """urllib3's Retry with jittered exponential backoff and a deadline for the whole call.

    The n-th wait is `backoff_factor * 2**(n-1)`, capped at `backoff_cap`, times a random
    factor between 0.5 and 1 (so clients that failed together do not retry together); a
    `Retry-After` header (seconds or an HTTP date) replaces it. A retry whose wait would end
    more than `max_time` seconds after the first failure is not made: the last answer is
    returned, or the last error raised. Read timeouts are never retried.

    One policy serves every call (urllib3 copies it on each failure), so a call that succeeds
    at once costs nothing here.
    """

    RETRY_AFTER_STATUS_CODES = frozenset((429, 503))

    def __init__(
        self,
        *args: Any,
        backoff_cap: float = 30.0,
        max_time: float = 120.0,
        deadline: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.backoff_cap = backoff_cap
        self.max_time = max_time
        self.deadline = deadline
        self.wait = 0.0

    def new(self, **kwargs: Any) -> RetryPolicy:
        kwargs.setdefault("backoff_cap", self.backoff_cap)
        kwargs.setdefault("max_time", self.max_time)
        kwargs.setdefault("deadline", self.deadline or time.monotonic() + self.max_time)
        return super().new(**kwargs)

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Any = None,
        error: Optional[Exception] = None,
        _pool: Any = None,
        _stacktrace: Optional[TracebackType] = None,
    ) -> RetryPolicy:
        """Count the failed attempt; give up when the next wait would pass the deadline."""
        if isinstance(error, ReadTimeoutError):
            raise MaxRetryError(_pool, url or "", error)
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.wait = retry._next_wait(response)
        if retry.deadline is not None and time.monotonic() + retry.wait > retry.deadline:
            raise MaxRetryError(_pool, url or "", error or ResponseError("retry deadline reached"))
        if logger.isEnabledFor(logging.DEBUG):
            cause = f"status {response.status}" if response is not None else _describe(error)
            logger.debug(
                "%s %s: retry %d in %.2f s after %s",
                method,
                url,
                len(retry.history),
                retry.wait,
                cause,
            )
        return retry

    def sleep(self, response: Any = None) -> None:
        if self.wait > 0:
            time.sleep(self.wait)

    def get_retry_after(self, response: Any) -> Optional[float]:
        """Seconds `Retry-After` asks for: whole or fractional seconds or an HTTP date.

        An invalid value is ignored (urllib3 would raise), falling back to the backoff.
        """
        return retry_after_seconds(response.headers.get("Retry-After"))

    def _next_wait(self, response: Any) -> float:
        if response is not None and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response)
            if retry_after is not None:
                return retry_after
        backoff = min(self.backoff_cap, self.backoff_factor * 2 ** max(len(self.history) - 1, 0))
        return float(backoff * random.uniform(0.5, 1.0))


class Transport:
    """Sends requests over a shared, thread-safe connection pool."""

    SETTINGS = frozenset(
        (
            "verify_ssl",
            "ssl_ca_cert",
            "cert_file",
            "key_file",
            "pool_size",
            "proxy",
            "proxy_headers",
        )
    )
    """The configuration settings the pool is made with."""

    def __init__(self, config: Configuration) -> None:
        options: Dict[str, Any] = {
            "num_pools": 4,
            "maxsize": config.pool_size,
            "block": True,
            "cert_reqs": "CERT_REQUIRED" if config.verify_ssl else "CERT_NONE",
            "ca_certs": config.ssl_ca_cert,
            "cert_file": config.cert_file,
            "key_file": config.key_file,
        }
        self._pool: urllib3.PoolManager
        if config.proxy:
            proxy = urlsplit(config.proxy)
            headers = dict(config.proxy_headers or {})
            if proxy.username is not None:
                credentials = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
                headers.update(urllib3.make_headers(proxy_basic_auth=credentials))
            self._pool = urllib3.ProxyManager(
                redact_url(config.proxy), proxy_headers=headers, **options
            )
        else:
            self._pool = urllib3.PoolManager(**options)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Optional[bytes],
        timeout: urllib3.Timeout,
        retries: RetryPolicy,
        stream: bool = False,
    ) -> urllib3.BaseHTTPResponse:
        """Send one request (and its retries); connection failures raise ApiConnectionError.

        With `stream`, the body is left to be read (`lines`) and the connection stays taken
        until it is read or the response released.
        """
        started = time.monotonic()
        try:
            response = self._pool.urlopen(
                method,
                url,
                body=body,
                headers=dict(headers),
                timeout=timeout,
                retries=retries,
                redirect=False,
                preload_content=not stream,
                enforce_content_length=True,
            )
        except (HTTPError, OSError) as error:
            failure = _connection_error(error, method, url, timeout)
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s %s failed in %.1f ms: %s",
                    method,
                    redact_url(url),
                    _redacted(headers),
                    (time.monotonic() - started) * 1000,
                    failure.reason,
                )
            raise failure from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(method, url, headers, body, response, time.monotonic() - started)
        return response

    @staticmethod
    def lines(
        response: urllib3.BaseHTTPResponse, method: str, url: str
    ) -> Generator[bytes, None, None]:
        """The lines of a streamed answer as they arrive (without their line break).

        A connection that breaks (or times out) mid-stream raises ApiConnectionError; a last
        line that came without its line break, cut off, is not returned as a line.
        """
        pending, finished = b"", False
        try:
            for chunk in response.stream(8192, decode_content=True):
                pending += chunk
                *complete, pending = pending.split(b"\n")
                yield from (line for line in complete if line.strip())
            finished = True
        except (HTTPError, OSError) as error:
            raise _connection_error(error, method, url) from error
        finally:
            if not finished:  # left early or broken: the connection cannot serve another call
                response.close()
            response.release_conn()
        if pending.strip():
            raise ApiConnectionError(
                reason="the stream ended in the middle of a line", method=method, url=url
            )

    def close(self) -> None:
        """Close every pooled connection now; one still in use is closed when it comes back.

        `PoolManager.clear()` alone only forgets the pools (urllib3 1.26 and 2.x): their
        sockets would stay open until garbage-collected.
        """
        pools = self._pool.pools
        for key in list(pools.keys()):
            pool = pools.get(key)
            if pool is not None:
                pool.close()
        self._pool.clear()


def _connection_error(
    error: Exception, method: str, url: str, timeout: Optional[urllib3.Timeout] = None
) -> ApiConnectionError:
    reason = error.reason if isinstance(error, MaxRetryError) and error.reason else error
    timed_out = isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)
    kind = ApiTimeoutError if timed_out else ApiConnectionError
    return kind(reason=_describe(reason, timeout), method=method, url=url)


def _describe(error: Optional[BaseException], timeout: Optional[urllib3.Timeout] = None) -> str:
    """What went wrong, in one line a person can act on."""
    if error is None:
        return "unknown error"
    text = " ".join(str(error).split())
    if isinstance(error, ReadTimeoutError):
        limit = f" of {timeout.read_timeout:g} s" if timeout and timeout.read_timeout else ""
        return f"no answer within the read timeout{limit}"
    if isinstance(error, NewConnectionError):
        return f"could not connect: {text.rpartition('connection: ')[2] or text}"
    if isinstance(error, ConnectTimeoutError):
        limit = f" of {timeout.connect_timeout:g} s" if timeout and timeout.connect_timeout else ""
        return f"could not connect within the connect timeout{limit}"
    if isinstance(error, SSLError) or "SSL" in type(error).__name__:
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return (
                f"TLS certificate verification failed ({text}); set ssl_ca_cert to the CA "
                "bundle that signed the server's certificate (verify_ssl=False turns checking "
                "off, for tests only)"
            )
        return f"TLS error: {text}"
    if isinstance(error, ProtocolError):
        if len(error.args) == 2 and isinstance(error.args[0], str):
            said, cause = error.args[0].rstrip("."), error.args[1]
            text = said if type(cause).__name__ in said else f"{said}: {cause}"
        return f"the connection broke before a whole answer came ({' '.join(text.split())})"
    return f"{type(error).__name__}: {text}"


def _redacted(headers: Mapping[str, str]) -> Mapping[str, str]:
    return {
        name: "<redacted>" if name.lower() in _REDACTED_HEADERS else value
        for name, value in headers.items()
    }


def _log_exchange(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: Optional[bytes],
    response: urllib3.BaseHTTPResponse,
    seconds: float,
) -> None:
    logger.debug(
        "%s %s %s (%d bytes) -> %s (%d bytes) in %.1f ms",
        method,
        redact_url(url),
        _redacted(headers),
        len(body or b""),
        response.status,
        len(response.data or b""),
        seconds * 1000,
    )
