"""The state of a DAG run. Newer servers may send states not listed here."""

from __future__ import annotations

import enum
from typing import Optional


class DagState(str, enum.Enum):
    """The state of a DAG run. Newer servers may send states not listed here.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"

    @classmethod
    def _missing_(cls, value: object) -> Optional[DagState]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
