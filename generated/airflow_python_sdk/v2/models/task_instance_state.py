"""All possible states that a Task Instance can be in.  Note that None is also allowed, so always use this in a type hint with Optional. The values Airflow 3.3.2 knows; newer servers may send others."""

from ...wire import OpenEnum


class TaskInstanceState(OpenEnum):
    """All possible states that a Task Instance can be in.  Note that None is also allowed, so always use this in a type hint with Optional. The values Airflow 3.3.2 knows; newer servers may send others.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    REMOVED = "removed"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    RESTARTING = "restarting"
    FAILED = "failed"
    UP_FOR_RETRY = "up_for_retry"
    UP_FOR_RESCHEDULE = "up_for_reschedule"
    UPSTREAM_FAILED = "upstream_failed"
    SKIPPED = "skipped"
    DEFERRED = "deferred"
    AWAITING_INPUT = "awaiting_input"
