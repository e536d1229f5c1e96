"""The API's schemas, one module each (`model.dag_run.DAGRun`, ...), as pydantic dataclasses.

Importing a model imports pydantic; importing the package does not.
"""

from typing import Annotated

from pydantic import AwareDatetime, PlainSerializer

from ..api_client import rfc3339

DateTime = Annotated[AwareDatetime, PlainSerializer(rfc3339, when_used="json")]
"""A timezone-aware datetime, sent as RFC 3339 with a `±hh:mm` offset."""
