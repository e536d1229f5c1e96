"""Bulk Action to be taken if the entity already exists or not."""

from __future__ import annotations

import enum
from typing import Optional


class BulkActionOnExistence(str, enum.Enum):
    """Bulk Action to be taken if the entity already exists or not.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    FAIL = "fail"
    SKIP = "skip"
    OVERWRITE = "overwrite"

    @classmethod
    def _missing_(cls, value: object) -> Optional[BulkActionOnExistence]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
