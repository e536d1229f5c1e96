"""Bulk Action to be taken if the entity already exists or not."""

from ...wire import OpenEnum


class BulkActionOnExistence(OpenEnum):
    """Bulk Action to be taken if the entity already exists or not.

    A value this SDK does not know (sent by a newer server) is accepted and kept as a member.
    """

    FAIL = "fail"
    SKIP = "skip"
    OVERWRITE = "overwrite"
