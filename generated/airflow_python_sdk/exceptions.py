"""Errors: one class per kind of failure, all subclasses of `ApiException`."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Mapping, Optional, Type

_BODY_EXCERPT = 200


class ApiException(Exception):
    """An API call failed. Carries the status, the problem details and the request.

    `title`, `detail` and `type` come from the server's problem details when it sent them
    (`detail` may be None); `body` is the raw answer, for anything else.
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
        self.url = url
        self.headers: Mapping[str, str] = headers or {}
        self.body = body
        problem = _problem_details(self.headers, body)
        self.title: Optional[str] = title or _text(problem.get("title"))
        self.detail: Optional[str] = detail or _text(problem.get("detail"))
        self.type: Optional[str] = _text(problem.get("type"))
        super().__init__(self._message())

    def _message(self) -> str:
        what = " ".join(str(part) for part in (self.status, self.reason) if part is not None)
        where = f"{self.method} {self.url}".strip()
        said = ": ".join(part for part in (self.title, self.detail) if part) or _excerpt(self.body)
        return ": ".join(part for part in (what, where, said) if part)


class ApiConnectionError(ApiException):
    """The server could not be reached, or the connection broke before a whole answer came."""


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer within the timeout."""


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


class TooManyRequestsException(ApiException):
    """429: rate limited; retried by default for safe requests."""


class ServiceException(ApiException):
    """5xx: the server failed."""


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
    429: TooManyRequestsException,
}


def exception_class(status: int) -> Type[ApiException]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)


def _problem_details(headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
    content_type = headers.get("Content-Type", "")
    if "json" not in content_type or not body:
        return {}
    try:
        problem = json.loads(body)
    except ValueError:
        return {}
    return problem if isinstance(problem, dict) else {}


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _excerpt(body: bytes) -> str:
    text = re.sub(r"<[^>]*>", " ", body[: _BODY_EXCERPT * 8].decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 3] + "..."
