"""Detail1."""

from typing import List, Union

from .validation_error import ValidationError

Detail1 = Union[
    List[ValidationError],
    str,
]
"""Detail1. One of these types: pydantic picks the one the data fits best."""
