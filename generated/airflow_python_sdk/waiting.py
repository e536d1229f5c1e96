"""Waiting: until a field of an answer reaches a terminal value, by polling or from a stream."""

from __future__ import annotations

import time
from typing import Any, Callable, Collection, Iterable, TypeVar

from .exceptions import ApiConnectionError, ApiException, NotFoundException, WaitTimeoutError

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

    The stream is the server's own wait (a line per interval). Where it fails (the server has
    none: 404 or 405; the connection broke or went quiet; it ended early) this polls `fetch`
    for the time left: a run that finishes is never missed. Raises `WaitTimeoutError` at the
    deadline, carrying the last line or answer seen.
    """
    deadline = _deadline(timeout, poll_interval)
    last: Any = None
    quiet = max(30.0, 5 * poll_interval)  # a stream silent this long is given up for polling
    try:
        lines = iter(stream(min(quiet, max(deadline - time.monotonic(), 0.001))))
        try:
            for line in lines:
                last = line
                if _value(line, field) in until or time.monotonic() >= deadline:
                    break
        finally:
            getattr(lines, "close", lambda: None)()  # its connection is free for `fetch`
    except ApiException as error:
        gone = isinstance(error, (ApiConnectionError, NotFoundException)) or error.status == 405
        if not gone:
            raise
    if last is not None and _value(last, field) in until:
        return fetch()
    if last is not None and time.monotonic() >= deadline:
        raise _timed_out(field, _value(last, field), until, timeout, last)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(field, None if last is None else _value(last, field), until, timeout, last)
    return wait_until(fetch, field, until, timeout=remaining, poll_interval=poll_interval)


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
