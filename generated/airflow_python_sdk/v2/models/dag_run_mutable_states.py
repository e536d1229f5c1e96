"""Dag Run states from which the run may be mutated (patched, deleted), and the states PATCH and bulk update may set (`running` gets 422). The values Airflow 3.3.2 knows; newer servers may accept others."""

from ...wire import OpenEnum


class DagRunMutableStates(OpenEnum):
    """Dag Run states from which the run may be mutated (patched, deleted), and the states PATCH and bulk update may set (`running` gets 422). The values Airflow 3.3.2 knows; newer servers may accept others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    SUCCESS = "success"
    FAILED = "failed"
