"""Cursor tokens of Airflow 3.3's keyset paging: ``base64url(msgpack([sort-key values]))``, no
padding, ``~`` in front for a backward (previous-page) cursor.

The values are those of the page's boundary row for each resolved sort column (the ``order_by``
columns, then ``id`` unless present): ``kQw`` is ``[12]`` (#98), ``ktf_AacI...`` is
``[run_after timestamp, 132]`` (#102). MessagePack is written as msgspec writes it (smallest
integer form, float64, timestamp extension -1 for aware datetimes) and read back with the same
strictness: garbage, truncated or trailing bytes are "Invalid cursor token" (#105), a decoded
value that is not a list "Invalid cursor token structure".
"""

from __future__ import annotations

import base64
import struct
from datetime import datetime, timedelta, timezone
from typing import Any, List, Tuple

BACKWARD = "~"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class CursorError(ValueError):
    """A cursor the server refuses (the message is the 400 detail)."""


# ---------------------------------------------------------------- MessagePack


def pack(value: Any) -> bytes:
    """MessagePack bytes of None, bool, int, float, str, bytes, list, dict or aware datetime."""
    if value is None:
        return b"\xc0"
    if value is True:
        return b"\xc3"
    if value is False:
        return b"\xc2"
    if isinstance(value, int):
        return _pack_int(value)
    if isinstance(value, float):
        return b"\xcb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _sized(len(data), 0xA0, 31, (0xD9, 0xDA, 0xDB)) + data
    if isinstance(value, (bytes, bytearray)):
        return _sized(len(value), None, 0, (0xC4, 0xC5, 0xC6)) + bytes(value)
    if isinstance(value, (list, tuple)):
        return _sized(len(value), 0x90, 15, (None, 0xDC, 0xDD)) + b"".join(map(pack, value))
    if isinstance(value, dict):
        head = _sized(len(value), 0x80, 15, (None, 0xDE, 0xDF))
        return head + b"".join(pack(k) + pack(v) for k, v in value.items())
    if isinstance(value, datetime):
        return _pack_timestamp(value)
    raise TypeError(f"cannot pack {type(value).__name__}")


def _pack_int(value: int) -> bytes:
    if 0 <= value <= 0x7F:
        return bytes([value])
    if -32 <= value < 0:
        return struct.pack(">b", value)
    if value >= 0:
        for code, fmt, limit in ((0xCC, ">B", 1 << 8), (0xCD, ">H", 1 << 16),
                                 (0xCE, ">I", 1 << 32), (0xCF, ">Q", 1 << 64)):  # fmt: skip
            if value < limit:
                return bytes([code]) + struct.pack(fmt, value)
    else:
        for code, fmt, limit in ((0xD0, ">b", 1 << 7), (0xD1, ">h", 1 << 15),
                                 (0xD2, ">i", 1 << 31), (0xD3, ">q", 1 << 63)):  # fmt: skip
            if value >= -limit:
                return bytes([code]) + struct.pack(fmt, value)
    raise OverflowError(value)


def _sized(length: int, fix: Any, fix_max: int, codes: Tuple[Any, Any, Any]) -> bytes:
    if fix is not None and length <= fix_max:
        return bytes([fix | length])
    for code, fmt, limit in zip(codes, (">B", ">H", ">I"), (1 << 8, 1 << 16, 1 << 32)):
        if code is not None and length < limit:
            return bytes([code]) + struct.pack(fmt, length)
    raise OverflowError(length)


def _pack_timestamp(value: datetime) -> bytes:
    if value.tzinfo is None:
        return pack(value.isoformat())  # msgspec writes naive datetimes as strings
    delta = value - _EPOCH
    seconds = delta.days * 86400 + delta.seconds
    nanos = delta.microseconds * 1000
    if nanos == 0 and 0 <= seconds < 1 << 32:
        return b"\xd6\xff" + struct.pack(">I", seconds)
    if 0 <= seconds < 1 << 34:
        return b"\xd7\xff" + struct.pack(">Q", nanos << 34 | seconds)
    return b"\xc7\x0c\xff" + struct.pack(">Iq", nanos, seconds)


def unpack(data: bytes) -> Any:
    """The one value ``data`` holds (ValueError for anything malformed or left over)."""
    value, end = _unpack(data, 0)
    if end != len(data):
        raise ValueError("trailing data")
    return value


def _take(data: bytes, pos: int, size: int) -> Tuple[bytes, int]:
    if pos + size > len(data):
        raise ValueError("truncated")
    return data[pos : pos + size], pos + size


def _unpack(data: bytes, pos: int) -> Tuple[Any, int]:  # noqa: C901 - one table of codes
    code, pos = data[pos] if pos < len(data) else -1, pos + 1
    if code < 0:
        raise ValueError("truncated")
    if code <= 0x7F:
        return code, pos
    if code >= 0xE0:
        return code - 0x100, pos
    if 0xA0 <= code <= 0xBF:
        raw, pos = _take(data, pos, code & 0x1F)
        return raw.decode("utf-8"), pos
    if 0x90 <= code <= 0x9F:
        return _unpack_items(data, pos, code & 0x0F)
    if 0x80 <= code <= 0x8F:
        return _unpack_map(data, pos, code & 0x0F)
    simple = {0xC0: None, 0xC2: False, 0xC3: True}
    if code in simple:
        return simple[code], pos
    fixed = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h",
             0xD2: ">i", 0xD3: ">q", 0xCA: ">f", 0xCB: ">d"}  # fmt: skip
    if code in fixed:
        raw, pos = _take(data, pos, struct.calcsize(fixed[code]))
        return struct.unpack(fixed[code], raw)[0], pos
    sizes = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I",
             0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I"}  # fmt: skip
    if code in sizes:
        raw, pos = _take(data, pos, struct.calcsize(sizes[code]))
        length = struct.unpack(sizes[code], raw)[0]
        if code in (0xDC, 0xDD):
            return _unpack_items(data, pos, length)
        if code in (0xDE, 0xDF):
            return _unpack_map(data, pos, length)
        raw, pos = _take(data, pos, length)
        return (raw.decode("utf-8") if code >= 0xD9 else raw), pos
    extensions = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}
    if code in extensions or code in (0xC7, 0xC8, 0xC9):
        if code in extensions:
            length = extensions[code]
        else:
            fmt = {0xC7: ">B", 0xC8: ">H", 0xC9: ">I"}[code]
            raw, pos = _take(data, pos, struct.calcsize(fmt))
            length = struct.unpack(fmt, raw)[0]
        kind, pos = _take(data, pos, 1)
        raw, pos = _take(data, pos, length)
        if kind != b"\xff":
            raise ValueError("unknown extension")
        return _unpack_timestamp(raw), pos
    raise ValueError(f"invalid code {code:#x}")


def _unpack_items(data: bytes, pos: int, count: int) -> Tuple[List[Any], int]:
    items = []
    for _ in range(count):
        item, pos = _unpack(data, pos)
        items.append(item)
    return items, pos


def _unpack_map(data: bytes, pos: int, count: int) -> Tuple[dict, int]:
    result = {}
    for _ in range(count):
        key, pos = _unpack(data, pos)
        value, pos = _unpack(data, pos)
        result[key] = value
    return result, pos


def _unpack_timestamp(raw: bytes) -> datetime:
    if len(raw) == 4:
        seconds, nanos = struct.unpack(">I", raw)[0], 0
    elif len(raw) == 8:
        value = struct.unpack(">Q", raw)[0]
        seconds, nanos = value & ((1 << 34) - 1), value >> 34
    elif len(raw) == 12:
        nanos, seconds = struct.unpack(">Iq", raw)
    else:
        raise ValueError("bad timestamp")
    if nanos >= 1_000_000_000:
        raise ValueError("bad timestamp")
    return _EPOCH + timedelta(seconds=seconds, microseconds=nanos // 1000)


# ---------------------------------------------------------------- cursor tokens


def encode(values: List[Any]) -> str:
    """A forward cursor token for a row's sort-key values."""
    return base64.urlsafe_b64encode(pack(list(values))).decode("ascii").rstrip("=")


def parse(cursor: str) -> Tuple[str, bool]:
    """(token, is_backward): strips the ``~`` of a previous-page cursor."""
    if cursor.startswith(BACKWARD):
        return cursor[len(BACKWARD) :], True
    return cursor, False


def decode(token: str) -> List[Any]:
    """The sort-key values of a token, or ``CursorError`` with the server's 400 text."""
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
    except Exception:
        raise CursorError("Invalid cursor token") from None
    try:
        data = unpack(raw)
    except Exception:
        raise CursorError("Invalid cursor token") from None
    if not isinstance(data, list):
        raise CursorError("Invalid cursor token structure")
    return data
