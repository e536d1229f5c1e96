"""Waiting: until a field of an answer reaches a terminal value, by polling or from a stream."""

from __future__ import annotations

import time
from typing import Any, Callable, Collection, Iterable, Optional, TypeVar

from .exceptions import ApiException, ApiTimeoutError, NotFoundException, WaitTimeoutError

T = TypeVar("T")
Line = TypeVar("Line")


def wait_until(
    fetch: Callable[[], T],
    field: str,
    until: Collection[str],
    *,
    timeout: float,
    poll_interval: float,
) -> T:
    """Call `fetch` every `poll_interval` seconds until `field` of its answer is in `until`."""
    deadline = _deadline(timeout, poll_interval)
    while True:
        answer = fetch()
        state = _value(answer, field)
        if state in until:
            return answer
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out(field, state, until, timeout, answer)
        time.sleep(min(poll_interval, remaining))


def wait_for_line(
    stream: Callable[[float], Iterable[Line]],
    fetch: Callable[[], T],
    field: str,
    until: Collection[str],
    *,
    timeout: float,
    poll_interval: float,
) -> T:
    """Read `stream(read_timeout)`'s lines until one's `field` is in `until`; return `fetch()`.

    The stream is the server's own wait (one line per interval); where the server has none
    (404 or 405 although the resource exists), this polls `fetch` instead. A line that does
    not come before the deadline ends the wait with `WaitTimeoutError`.
    """
    deadline = _deadline(timeout, poll_interval)
    last: Optional[Line] = None
    try:
        for line in stream(max(deadline - time.monotonic(), 0.001)):
            last = line
            if _value(line, field) in until:
                return fetch()
            if time.monotonic() >= deadline:
                break
    except ApiTimeoutError:
        pass
    except ApiException as error:
        if not isinstance(error, NotFoundException) and error.status != 405:
            raise
        fetch()  # the resource exists (or this raises): the server has no stream to wait on
        remaining = max(deadline - time.monotonic(), 0.001)
        return wait_until(fetch, field, until, timeout=remaining, poll_interval=poll_interval)
    state = _value(last, field) if last is not None else None
    raise _timed_out(field, state, until, timeout, last)


def _deadline(timeout: float, poll_interval: float) -> float:
    if timeout <= 0 or poll_interval <= 0:
        raise ValueError(
            f"timeout and poll_interval must be positive, got {timeout}, {poll_interval}"
        )
    return time.monotonic() + timeout


def _value(answer: Any, field: str) -> Any:
    value = getattr(answer, field)
    return getattr(value, "value", value)


def _timed_out(
    field: str, state: Any, until: Collection[str], timeout: float, last: Any
) -> WaitTimeoutError:
    return WaitTimeoutError(
        f"{field} still {state!r} after {timeout} s (waiting for {', '.join(until)})",
        last=last,
        last_state=state,
    )
