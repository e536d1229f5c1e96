"""Bulk Action to be taken if the entity does not exist."""

from ...wire import OpenEnum


class BulkActionNotOnExistence(OpenEnum):
    """Bulk Action to be taken if the entity does not exist.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    FAIL = "fail"
    SKIP = "skip"
