"""All possible states that a DagRun can be in.  These are \"shared\" with TaskInstanceState in some parts of the code, so please ensure that their values always match the ones with the same name in TaskInstanceState. The values Airflow 3.3.2 knows; newer servers may send others."""

from ...wire import OpenEnum


class DagRunState(OpenEnum):
    """All possible states that a DagRun can be in.  These are \"shared\" with TaskInstanceState in some parts of the code, so please ensure that their values always match the ones with the same name in TaskInstanceState. The values Airflow 3.3.2 knows; newer servers may send others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
