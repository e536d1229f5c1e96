"""A 404 of an operation on one run: `{\"detail\": \"The DagRun with dag_id: ... was not found\"}` from the handler, or `{\"error\": \"API route not found\"}` when no route matches (a run id with `/`, sent as `%2F`, which the server decodes before routing)."""

from typing import Union

from .http_exception_response import HTTPExceptionResponse
from .route_not_found_response import RouteNotFoundResponse

HTTPNotFoundResponse = Union[
    HTTPExceptionResponse,
    RouteNotFoundResponse,
]
"""A 404 of an operation on one run: `{\"detail\": \"The DagRun with dag_id: ... was not found\"}` from the handler, or `{\"error\": \"API route not found\"}` when no route matches (a run id with `/`, sent as `%2F`, which the server decodes before routing). One of these types: pydantic picks the one the data fits best."""
