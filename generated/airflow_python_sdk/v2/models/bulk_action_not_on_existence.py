"""Bulk Action to be taken if the entity does not exist."""

from __future__ import annotations

import enum
from typing import Optional


class BulkActionNotOnExistence(str, enum.Enum):
    """Bulk Action to be taken if the entity does not exist.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    FAIL = "fail"
    SKIP = "skip"

    @classmethod
    def _missing_(cls, value: object) -> Optional[BulkActionNotOnExistence]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
