"""Transport: HTTP over one `urllib3.PoolManager`, with timeouts, retries and redacted logs."""

from __future__ import annotations

import logging
import random
import time
from types import TracebackType
from typing import Any, Mapping, Optional

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, ResponseError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from .configuration import Configuration
from .exceptions import ApiConnectionError, ApiTimeoutError

logger = logging.getLogger(__package__ or __name__)

RETRY_STATUSES = frozenset((429, 502, 503, 504))
_REDACTED_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie"))


class RetryPolicy(urllib3.Retry):
    """urllib3's Retry with jittered exponential backoff and a deadline for the whole call."""

    def __init__(
        self, *args: Any, backoff_cap: float = 30.0, deadline: Optional[float] = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.backoff_cap = backoff_cap
        self.deadline = deadline
        self.wait = 0.0

    def new(self, **kwargs: Any) -> RetryPolicy:
        kwargs.setdefault("backoff_cap", self.backoff_cap)
        kwargs.setdefault("deadline", self.deadline)
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
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.wait = retry._next_wait(response)
        if retry.deadline is not None and time.monotonic() + retry.wait > retry.deadline:
            raise MaxRetryError(_pool, url or "", error or ResponseError("retry deadline reached"))
        return retry

    def sleep(self, response: Any = None) -> None:
        if self.wait > 0:
            time.sleep(self.wait)

    def _next_wait(self, response: Any) -> float:
        if response is not None and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response)
            if retry_after is not None:
                return float(retry_after)
        backoff = min(self.backoff_cap, self.backoff_factor * 2 ** max(len(self.history) - 1, 0))
        return float(backoff * random.uniform(0.5, 1.0))


class Transport:
    """Sends requests over a shared, thread-safe connection pool."""

    def __init__(self, config: Configuration) -> None:
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=config.pool_size,
            block=True,
            cert_reqs="CERT_REQUIRED" if config.verify_ssl else "CERT_NONE",
            ca_certs=config.ssl_ca_cert,
            cert_file=config.cert_file,
            key_file=config.key_file,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Optional[bytes],
        timeout: urllib3.Timeout,
        retries: RetryPolicy,
    ) -> urllib3.BaseHTTPResponse:
        """Send one request (and its retries); connection failures raise ApiConnectionError."""
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
                preload_content=True,
                enforce_content_length=True,
            )
        except (HTTPError, OSError) as error:
            raise _connection_error(error, method, url) from error
        if logger.isEnabledFor(logging.DEBUG):
            _log_exchange(method, url, headers, body, response, time.monotonic() - started)
        return response

    def close(self) -> None:
        self._pool.clear()


def _connection_error(error: Exception, method: str, url: str) -> ApiConnectionError:
    reason = error.reason if isinstance(error, MaxRetryError) and error.reason else error
    kind = ApiTimeoutError if isinstance(reason, Urllib3Timeout) else ApiConnectionError
    exception = kind(reason=f"{type(reason).__name__}: {reason}", method=method, url=url)
    exception.__cause__ = error
    return exception


def _log_exchange(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: Optional[bytes],
    response: urllib3.BaseHTTPResponse,
    seconds: float,
) -> None:
    shown = {
        name: "<redacted>" if name.lower() in _REDACTED_HEADERS else value
        for name, value in headers.items()
    }
    logger.debug(
        "%s %s %s (%d bytes) -> %s (%d bytes) in %.1f ms",
        method,
        url,
        shown,
        len(body or b""),
        response.status,
        len(response.data or b""),
        seconds * 1000,
    )
