"""The API's schemas, one module each (`model.dag_run.DAGRun`, ...), as pydantic dataclasses.

Importing a model imports pydantic; importing the package does not.
"""

import sys
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, GetCoreSchemaHandler, PlainSerializer
from pydantic_core import CoreSchema, core_schema

from ..api_client import rfc3339


class _ReadWithFromIsoFormat:
    """Reads a datetime in JSON with `datetime.fromisoformat` (Python 3.11 and later).

    UTC values then share `datetime.timezone.utc`. pydantic's own parser gives every value a
    new tzinfo object that the garbage collector tracks, which made a list of 10,000 runs
    decode about a third slower. The text must end with its offset, so every value is aware.
    Constructed values (Python mode) keep pydantic's AwareDatetime rules.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        python = handler(source)
        if sys.version_info < (3, 11):  # older fromisoformat reads only isoformat()'s output
            return python
        text = core_schema.str_schema(pattern=r"(?:[Zz]|[+-]\d\d:?\d\d)$")
        aware_text = core_schema.custom_error_schema(
            text,
            custom_error_type="datetime_offset",
            custom_error_message="Input should be an RFC 3339 date-time with a timezone offset",
        )
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(
                datetime.fromisoformat, aware_text
            ),
            python_schema=python,
        )


DateTime = Annotated[
    AwareDatetime, _ReadWithFromIsoFormat, PlainSerializer(rfc3339, when_used="json")
]
"""A timezone-aware datetime, sent as RFC 3339 with a `±hh:mm` offset."""
