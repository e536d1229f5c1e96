"""Class with TriggeredBy types for DagRun. The values Airflow 3.3.2 knows; newer servers may send others."""

from ...wire import OpenEnum


class DagRunTriggeredByType(OpenEnum):
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
