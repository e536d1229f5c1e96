"""Class with DagRun types. The values Airflow 3.3.2 knows; newer servers may send others."""

from ...wire import OpenEnum


class DagRunType(OpenEnum):
    """Class with DagRun types. The values Airflow 3.3.2 knows; newer servers may send others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    BACKFILL = "backfill"
    SCHEDULED = "scheduled"
    MANUAL = "manual"
    OPERATOR_TRIGGERED = "operator_triggered"
    ASSET_TRIGGERED = "asset_triggered"
    ASSET_MATERIALIZATION = "asset_materialization"
