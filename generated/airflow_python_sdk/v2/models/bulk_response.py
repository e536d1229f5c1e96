"""Serializer for responses to bulk entity operations.  This represents the results of create, update, and delete actions performed on entity in bulk. Each action (if requested) is represented as a field containing details about successful keys and any encountered errors. Fields are populated in the response only if the respective action was part of the request, else are set None."""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .bulk_action_response import BulkActionResponse

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class BulkResponse(Model):
    """Serializer for responses to bulk entity operations.  This represents the results of create, update, and delete actions performed on entity in bulk. Each action (if requested) is represented as a field containing details about successful keys and any encountered errors. Fields are populated in the response only if the respective action was part of the request, else are set None."""

    create: Optional[BulkActionResponse] = None
    """Details of the bulk create operation, including successful keys and errors."""
    update: Optional[BulkActionResponse] = None
    """Details of the bulk update operation, including successful keys and errors."""
    delete: Optional[BulkActionResponse] = None
    """Details of the bulk delete operation, including successful keys and errors."""
