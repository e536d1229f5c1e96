"""The 404 answer when no route matches, e.g. a run id with `/` (sent as `%2F`, which the server decodes before routing): `{\"error\": \"API route not found\"}`."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class RouteNotFoundResponse(Model):
    """The 404 answer when no route matches, e.g. a run id with `/` (sent as `%2F`, which the server decodes before routing): `{\"error\": \"API route not found\"}`."""

    error: str
