"""LocationInner."""

from typing import Union

LocationInner = Union[
    str,
    int,
]
"""LocationInner. One of these types: pydantic picks the one the data fits best."""
