"""One line of the `/wait` NDJSON stream, e.g. `{\"state\": \"success\", \"results\": {\"op\": 42}}`."""

from __future__ import annotations

from typing import Any, Dict, Optional

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from ...schema import Model
from .dag_run_state import DagRunState

CONFIG = ConfigDict(
    extra="allow",
    validate_assignment=True,
    ser_json_inf_nan="constants",
)
"""Unknown fields (a newer server's) are kept; assignments are validated; NaN stays NaN."""


@dataclass(config=CONFIG)
class DAGRunWaitLine(Model):
    """One line of the `/wait` NDJSON stream, e.g. `{\"state\": \"success\", \"results\": {\"op\": 42}}`."""

    state: DagRunState
    results: Optional[Dict[str, Any]] = None
    """Only on the last line: the requested tasks' return values (XCom), by task id. Left out when there is none."""
