"""Errors: one class per kind of failure, all subclasses of `ApiException`.

    ApiException                      status, reason, title, detail, type, body, method, url
    ├── BadRequestException           400
    ├── UnauthorizedException         401
    ├── ForbiddenException            403 (a stock Airflow's answer to missing credentials too)
    ├── NotFoundException             404
    ├── ConflictException             409
    ├── UnprocessableEntityException  422 (`detail` names each refused field)
    ├── TooManyRequestsException      429 (`retry_after` says how long the server asked to wait)
    ├── ServiceException              5xx
    ├── ApiDecodeError                a 2xx whose body is not what the API promises
    └── ApiConnectionError            no (whole) answer: refused, reset, cut, TLS failure
        └── ApiTimeoutError           no answer within the connect or read timeout

Design:
- `title`, `detail` and `type` are parsed from the server's problem details
  (`application/problem+json`, or any JSON object). FastAPI's `detail` (Airflow 3) may be a
  string, a list of `{loc, msg}` (read as `body.logical_date: Input should have timezone info`)
  or an object (read as its `reason` and `message`); `{"error": ...}` is read as the detail too.
  When the answer is not JSON (Airflow's HTML "Ooops!" page, a proxy's page, a text/plain 500)
  `excerpt` holds its text, tags stripped, cut to 200 characters. `body` keeps the raw bytes.
- `str(error)` is one line saying what went wrong and where: status, method and URL, then the
  server's words (each part flattened to one line and cut), e.g.
  `404 NOT FOUND: GET http://host/api/v1/dags/d/dagRuns/r: DAGRun not found: DAGRun with ...`.
- No secret can be in it: the SDK never puts a request header in an error, and a URL's
  `user:password@` part is removed from `url` and from the message.
- Errors pickle (e.g. across multiprocessing) with all their fields.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Mapping, Optional, Tuple, Type
from urllib.parse import urlsplit, urlunsplit

_BODY_EXCERPT = 200
_PART_MAX = 300


class ApiException(Exception):
    """An API call failed. Carries the status, the problem details and the request.

    Attributes:
        status: The HTTP status, or None when no answer came.
        reason: The status's reason phrase, or what went wrong when no answer came.
        title, detail, type: The server's problem details when it sent them (each may be None).
        excerpt: The answer's text, tags stripped and cut, when it had no problem details.
        body: The raw answer.
        headers: The answer's headers.
        method, url: The request (the URL without any `user:password@`).
        retry_after: Seconds the server asked to wait (`Retry-After`), or None.
    """

    def __init__(
        self,
        status: Optional[int] = None,
        reason: Optional[str] = None,
        *,
        method: str = "",
        url: str = "",
        headers: Optional[Mapping[str, str]] = None,
        body: bytes = b"",
        title: Optional[str] = None,
        detail: Optional[str] = None,
    ) -> None:
        self.status = status
        self.reason = reason
        self.method = method
        self.url = redact_url(url)
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body or b""
        problem = _problem_details(self.headers, self.body)
        self.title: Optional[str] = title or _text(problem.get("title"))
        self.detail: Optional[str] = detail or _detail(problem.get("detail", problem.get("error")))
        self.type: Optional[str] = _text(problem.get("type"))
        self.excerpt: Optional[str] = None if problem else (_excerpt(self.body) or None)
        self.retry_after: Optional[float] = _retry_after(self.headers)
        super().__init__(self._message())

    def _message(self) -> str:
        what = " ".join(str(part) for part in (self.status, self.reason) if part is not None)
        where = f"{self.method} {self.url}".strip()
        said = ": ".join(part for part in (self.title, self.detail) if part) or self.excerpt
        return ": ".join(_one_line(part) for part in (what, where, said) if part)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: Type[ApiException], state: Dict[str, Any]) -> ApiException:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._message())
    return error


class ApiConnectionError(ApiException):
    """The server could not be reached, or the connection broke before a whole answer came.

    `status` is None and `reason` says what happened (refused, reset, cut short, TLS
    verification failed). A request that is not safe to repeat may have been processed anyway.
    """


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer within the connect or read timeout."""


class ApiDecodeError(ApiException):
    """The server answered with success, but with a body that is not what the API promises."""


class BadRequestException(ApiException):
    """400: the server rejected the request's arguments."""


class UnauthorizedException(ApiException):
    """401: missing or wrong credentials (where the server is strict)."""


class ForbiddenException(ApiException):
    """403: not allowed; a stock Airflow also answers this to missing or wrong credentials."""


class NotFoundException(ApiException):
    """404: no such DAG, run or route."""


class ConflictException(ApiException):
    """409: the run already exists (same run id or logical date)."""


class UnprocessableEntityException(ApiException):
    """422: the request's body or parameters do not fit the API (FastAPI's validation)."""


class TooManyRequestsException(ApiException):
    """429: rate limited; retried by default for safe requests. See `retry_after`."""


class ServiceException(ApiException):
    """5xx: the server (or a proxy in front of it) failed."""


class WaitTimeoutError(TimeoutError):
    """A wait ended before the awaited state; `last` is the last answer seen."""

    def __init__(self, message: str, *, last: Any, last_state: Any) -> None:
        super().__init__(message)
        self.last = last
        self.last_state = last_state


_BY_STATUS: Dict[int, Type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
    422: UnprocessableEntityException,
    429: TooManyRequestsException,
}


def exception_class(status: int) -> Type[ApiException]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)


def redact_url(url: str) -> str:
    """The URL without the `user:password@` part, if it has one."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _problem_details(headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
    content_type = headers.get("Content-Type") or headers.get("content-type") or ""
    if "json" not in content_type.lower() or not body:
        return {}
    try:
        problem = json.loads(body)
    except ValueError:
        return {}
    return problem if isinstance(problem, dict) else {}


def _retry_after(headers: Mapping[str, str]) -> Optional[float]:
    return retry_after_seconds(headers.get("Retry-After") or headers.get("retry-after"))


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """Seconds a `Retry-After` value asks to wait (a number, or an HTTP date); None if invalid."""
    value = (value or "").strip()
    if re.fullmatch(r"\d{1,10}(\.\d{1,6})?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _detail(value: Any) -> Optional[str]:
    """A problem's detail as text: FastAPI's field errors joined by "; ", an object's
    reason and message, any other value as it is."""
    if isinstance(value, list):
        return "; ".join(_field_error(item) for item in value) or None
    if isinstance(value, dict):
        said = [str(value[key]) for key in ("reason", "message") if value.get(key)]
        return ": ".join(said) if said else json.dumps(value)
    return _text(value)


def _field_error(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    where = ".".join(str(part) for part in error.get("loc") or ())
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _PART_MAX else text[: _PART_MAX - 3] + "..."


def _excerpt(body: bytes) -> str:
    text = body[: _BODY_EXCERPT * 20].decode("utf-8", "replace")
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.DOTALL | re.IGNORECASE)
    text = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 3] + "..."
