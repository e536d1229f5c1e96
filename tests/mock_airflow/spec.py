"""Validation of received requests against the project's openapi.yaml with openapi-core.

Only requests are validated (never the mock's answers). A request the spec does not allow is a
``SpecViolation``; the server records it and the test fixture fails the test that sent it.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

# openapi-core says so for OAuth2 security schemes (openapi-v2.yaml has one) on every request.
warnings.filterwarnings("ignore", message="Unsupported scheme type", category=UserWarning)


@dataclass(frozen=True)
class SpecViolation:
    """A request the OpenAPI spec does not allow, and why."""

    method: str
    path: str
    query: str
    errors: Tuple[str, ...]

    def __str__(self) -> str:
        target = self.path + ("?" + self.query if self.query else "")
        return f"{self.method} {target}: " + "; ".join(self.errors)


class SpecRequest:
    """openapi-core's Request protocol for a request the stdlib handler received.

    ``path`` is the path as sent with each segment percent-encoding normalized; ``path_params``
    are the decoded values the server routed with (openapi-core would not decode them).
    """

    def __init__(
        self,
        host_url: str,
        path: str,
        method: str,
        query: Sequence[Tuple[str, str]],
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        path_params: Optional[Dict[str, str]] = None,
    ) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = host_url
        self.path = path
        self.method = method.lower()
        header_map = Headers(list(headers))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(query)),
            header=header_map,
            cookie=ImmutableMultiDict(),
            path=dict(path_params or {}),
        )
        self.content_type = (header_map.get("Content-Type") or "").lower()
        self.body = body or None


def _describe(error: BaseException) -> str:
    """An error and its causes (schema errors included) as one line."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 4:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.append(", ".join(getattr(e, "message", str(e)) for e in schema_errors))
        else:
            parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__
    return " <- ".join(parts)


class SpecValidator:
    """Validates requests against one OpenAPI file (thread-safe)."""

    def __init__(self, spec_path: str) -> None:
        from openapi_core import OpenAPI

        self.spec_path = spec_path
        self._openapi = OpenAPI.from_file_path(spec_path)
        self._lock = threading.Lock()

    def errors(self, request: SpecRequest) -> List[str]:
        """Every reason the spec rejects ``request`` (empty if it is allowed)."""
        from openapi_core.exceptions import OpenAPIError

        with self._lock:
            try:
                self._openapi.validate_request(request)
            except OpenAPIError as error:
                return [_describe(error)]
            except Exception as exc:  # a bug in validation must not pass silently
                return [f"validation crashed: {_describe(exc)}"]
        return []
