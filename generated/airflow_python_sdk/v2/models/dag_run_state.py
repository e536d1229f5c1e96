"""All possible states that a DagRun can be in.  These are \"shared\" with TaskInstanceState in some parts of the code, so please ensure that their values always match the ones with the same name in TaskInstanceState. The values Airflow 3.3.2 knows; newer servers may send others."""

from __future__ import annotations

import enum
from typing import Optional


class DagRunState(str, enum.Enum):
    """All possible states that a DagRun can be in.  These are \"shared\" with TaskInstanceState in some parts of the code, so please ensure that their values always match the ones with the same name in TaskInstanceState. The values Airflow 3.3.2 knows; newer servers may send others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"

    @classmethod
    def _missing_(cls, value: object) -> Optional[DagRunState]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
