"""HTTPException Model used for error response. `detail` is a message, or for database errors (409 on trigger, 500 on lists) an object `{reason, statement, orig_error, message}`."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .detail import Detail

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class HTTPExceptionResponse(Model):
    """HTTPException Model used for error response. `detail` is a message, or for database errors (409 on trigger, 500 on lists) an object `{reason, statement, orig_error, message}`."""

    detail: Detail
