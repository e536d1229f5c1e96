"""Class with TriggeredBy types for DagRun. The values Airflow 3.3.2 knows; newer servers may send others."""

from __future__ import annotations

import enum
from typing import Optional


class DagRunTriggeredByType(str, enum.Enum):
    """Class with TriggeredBy types for DagRun. The values Airflow 3.3.2 knows; newer servers may send others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    CLI = "cli"
    OPERATOR = "operator"
    REST_API = "rest_api"
    UI = "ui"
    TEST = "test"
    TIMETABLE = "timetable"
    ASSET = "asset"
    BACKFILL = "backfill"

    @classmethod
    def _missing_(cls, value: object) -> Optional[DagRunTriggeredByType]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
