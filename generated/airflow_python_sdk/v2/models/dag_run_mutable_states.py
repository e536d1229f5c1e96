"""Dag Run states from which the run may be mutated (patched, deleted), and the states PATCH and bulk update may set (`running` gets 422). The values Airflow 3.3.2 knows; newer servers may accept others."""

from __future__ import annotations

import enum
from typing import Optional


class DagRunMutableStates(str, enum.Enum):
    """Dag Run states from which the run may be mutated (patched, deleted), and the states PATCH and bulk update may set (`running` gets 422). The values Airflow 3.3.2 knows; newer servers may accept others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    SUCCESS = "success"
    FAILED = "failed"

    @classmethod
    def _missing_(cls, value: object) -> Optional[DagRunMutableStates]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
