"""Detail."""

from typing import Any, Dict, Union

Detail = Union[
    str,
    Dict[str, Any],
]
"""Detail. One of these types: pydantic picks the one the data fits best."""
