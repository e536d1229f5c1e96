"""The note to set."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass


@dataclass(config=ConfigDict(extra="forbid"))
class SetDagRunNote:
    """The note to set."""

    note: str
