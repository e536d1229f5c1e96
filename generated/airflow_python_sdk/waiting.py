"""Waiting: poll an operation until a field of its answer reaches a terminal value."""

from __future__ import annotations

import time
from typing import Callable, Collection, TypeVar

from .exceptions import WaitTimeoutError

T = TypeVar("T")


def wait_until(
    fetch: Callable[[], T],
    field: str,
    until: Collection[str],
    *,
    timeout: float,
    poll_interval: float,
) -> T:
    """Call `fetch` every `poll_interval` seconds until `field` of its answer is in `until`."""
    if timeout <= 0 or poll_interval <= 0:
        raise ValueError(
            f"timeout and poll_interval must be positive, got {timeout}, {poll_interval}"
        )
    deadline = time.monotonic() + timeout
    while True:
        answer = fetch()
        value = getattr(answer, field)
        state = getattr(value, "value", value)
        if state in until:
            return answer
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaitTimeoutError(
                f"{field} still {state!r} after {timeout} s (waiting for {', '.join(until)})",
                last=answer,
                last_state=state,
            )
        time.sleep(min(poll_interval, remaining))
