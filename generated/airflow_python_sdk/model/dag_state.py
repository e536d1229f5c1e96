"""The state of a DAG run. Newer servers may send states not listed here."""

from ..wire import OpenEnum


class DagState(OpenEnum):
    """The state of a DAG run. Newer servers may send states not listed here.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
