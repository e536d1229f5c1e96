"""The API's schemas, one module each (`model.dag_run.DAGRun`, ...), as pydantic dataclasses.

Importing a model imports pydantic; importing the package does not.
"""

import datetime
from typing import Annotated

from pydantic import AwareDatetime, PlainSerializer

DateTime = Annotated[AwareDatetime, PlainSerializer(datetime.datetime.isoformat, when_used="json")]
"""A timezone-aware datetime, sent as RFC 3339 with a `±hh:mm` offset."""
