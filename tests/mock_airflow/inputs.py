"""Request input checks that Airflow 2.11 does before (connexion) and in (marshmallow) handlers.

Connexion validates query parameters and JSON bodies against the spec Airflow ships, with
jsonschema's messages; marshmallow then rejects unknown keys and nulls with its own messages.
The messages here are the ones the recorded server gave.
"""

from __future__ import annotations

import calendar
import json
import pprint
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .responses import bad_request, problem, unsupported_media_type

# rfc3339-validator's regex, which jsonschema's 'date-time' format check uses in Airflow.
_RFC3339 = re.compile(
    r"""^(\d{4})-(0[1-9]|1[0-2])-(\d{2})
    T(?:[01]\d|2[0123]):(?:[0-5]\d):(?:[0-5]\d)(?:\.\d+)?
    (?:Z|[+-](?:[01]\d|2[0123]):[0-5]\d)$""",
    re.VERBOSE | re.ASCII,
)
_PARTS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))"
)
DATE_TIME: Dict[str, Any] = {"type": "string", "format": "date-time"}


def is_datetime(value: str) -> bool:
    """True if ``value`` passes the 'date-time' format check (RFC 3339 with an offset)."""
    match = _RFC3339.match(value)
    if match is None:
        return False
    year, month, day = map(int, match.groups())
    return year > 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def parse_datetime(value: str) -> datetime:
    """An aware datetime keeping the offset sent (fraction truncated to microseconds)."""
    match = _PARTS.match(value)
    if match is None:
        raise ValueError(value)
    year, month, day, hour, minute, second, frac, sign, off_h, off_m = match.groups()
    offset = timezone.utc
    if sign:
        delta = timedelta(hours=int(off_h), minutes=int(off_m))
        offset = timezone(-delta if sign == "-" else delta)
    micro = int((frac or "0")[:6].ljust(6, "0"))
    y, mo, d, h, mi, s = (int(part) for part in (year, month, day, hour, minute, second))
    return datetime(y, mo, d, h, mi, s, micro, tzinfo=offset)


def _pretty(value: Any) -> str:
    """jsonschema's rendering of a schema or instance inside an error text."""
    return pprint.pformat(value, width=72, sort_dicts=False).replace("\n", "\n    ")


def schema_error_text(message: str, keyword: str, schema: Dict[str, Any], instance: Any) -> str:
    """``str(jsonschema.ValidationError)`` for an error at the root of ``schema``."""
    return (
        f"{message}\n\nFailed validating {keyword!r} in schema:\n    {_pretty(schema)}"
        f"\n\nOn instance:\n    {_pretty(instance)}"
    )


# ---------------------------------------------------------------- JSON bodies (connexion)


def is_json_type(content_type: str) -> bool:
    """Connexion's is_json_mimetype: application/json or application/*+json."""
    mime = content_type.split(";", 1)[0].strip().lower()
    maintype, _, subtype = mime.partition("/")
    return maintype == "application" and (subtype == "json" or subtype.endswith("+json"))


def read_json_body(content_type: Optional[str], raw: bytes) -> Any:
    """The decoded JSON body, or the 400/415 connexion answers (#106-110)."""
    if not raw.strip():
        raise bad_request("Request body must not be empty")
    if not is_json_type(content_type or ""):
        raise unsupported_media_type(content_type or "")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if data is None:
        raise bad_request("Request body is not valid JSON")
    return data


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def _value_error(value: Any, rule: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """The first jsonschema error of ``value`` under ``rule`` as (message, sub-path) or None."""
    if value is None and rule.get("nullable"):
        return None
    if rule.get("readOnly"):
        return "Property is read-only", ""
    kind = rule.get("type")
    if kind and not _TYPES[kind](value):
        return f"{value!r} is not of type {kind!r}", ""
    if "enum" in rule and value not in rule["enum"]:
        return f"{value!r} is not one of {rule['enum']!r}", ""
    if "minimum" in rule and value < rule["minimum"]:
        return f"{value!r} is less than the minimum of {rule['minimum']!r}", ""
    if rule.get("format") == "date-time" and not is_datetime(value):
        return f"{value!r} is not a 'date-time'", ""
    if kind == "array" and "items" in rule:
        for index, item in enumerate(value):
            error = _value_error(item, rule["items"])
            if error:
                return error[0], f".{index}{error[1]}"
    return None


def check_body(body: Any, properties: Sequence[Tuple[str, Dict[str, Any]]]) -> None:
    """Connexion's body validation against an object schema: the first error, as a 400."""
    if not isinstance(body, dict):
        raise bad_request(f"{body!r} is not of type 'object'")
    for name, rule in properties:
        if name in body:
            error = _value_error(body[name], rule)
            if error:
                raise bad_request(f"{error[0]} - '{name}{error[1]}'")


def unknown_fields(body: Dict[str, Any], known: Sequence[str]) -> Dict[str, List[str]]:
    """Marshmallow's errors for keys the schema does not load."""
    return {key: ["Unknown field."] for key in body if key not in known}


# Airflow's own spec (v1.yaml) for the request bodies, property by property, in its order.
Rules = List[Tuple[str, Dict[str, Any]]]
DAG_RUN_BODY: Rules = [
    ("dag_run_id", {"type": "string", "nullable": True}),
    ("dag_id", {"readOnly": True}),
    ("logical_date", {**DATE_TIME, "nullable": True}),
    ("execution_date", {**DATE_TIME, "nullable": True}),
    ("start_date", {"readOnly": True}),
    ("end_date", {"readOnly": True}),
    ("data_interval_start", {**DATE_TIME, "nullable": True}),
    ("data_interval_end", {**DATE_TIME, "nullable": True}),
    ("last_scheduling_decision", {"readOnly": True}),
    ("run_type", {"readOnly": True}),
    ("state", {"readOnly": True}),
    ("external_trigger", {"readOnly": True}),
    ("conf", {"type": "object"}),
    ("note", {"type": "string", "nullable": True}),
]
_BATCH_DATES: Rules = [
    (f"{name}_{bound}", DATE_TIME)
    for name in ("execution_date", "start_date", "end_date")
    for bound in ("gte", "lte")
]
BATCH_FORM_BODY: Rules = [
    ("order_by", {"type": "string"}),
    ("page_offset", {"type": "integer", "minimum": 0}),
    ("page_limit", {"type": "integer", "minimum": 1}),
    ("dag_ids", {"type": "array", "items": {"type": "string"}}),
    ("states", {"type": "array", "items": {"type": "string"}}),
    *_BATCH_DATES,
]
BATCH_FORM_KEYS = [name for name, _ in BATCH_FORM_BODY] + ["updated_at_gte", "updated_at_lte"]
UPDATE_STATE_BODY: Rules = [("state", {"type": "string", "enum": ["success", "failed", "queued"]})]
CLEAR_BODY: Rules = [("dry_run", {"type": "boolean"})]
SET_NOTE_BODY: Rules = [("note", {"type": "string"})]


# ---------------------------------------------------------------- query strings (connexion)


class Query:
    """Decoded query parameters (``+`` read as a space, repeated keys kept)."""

    def __init__(self, pairs: List[Tuple[str, str]]) -> None:
        self.pairs = pairs

    def all(self, name: str) -> List[str]:
        """Every value of a repeated (array) parameter."""
        return [value for key, value in self.pairs if key == name]

    def last(self, name: str) -> Optional[str]:
        """The value of a single parameter (connexion keeps the last one)."""
        values = self.all(name)
        return values[-1] if values else None

    def integer(self, name: str, minimum: Optional[int] = None) -> Optional[int]:
        """An integer parameter, or connexion's 400."""
        raw = self.last(name)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(
                f"Wrong type, expected 'integer' for query parameter '{name}'"
            ) from None
        if minimum is not None and value < minimum:
            schema = {"type": "integer", "minimum": minimum}
            message = f"{value!r} is less than the minimum of {minimum!r}"
            raise bad_request(schema_error_text(message, "minimum", schema, value))
        return value

    def datetime(self, name: str) -> Optional[datetime]:
        """A date-time parameter, or connexion's 400 (#23-25)."""
        raw = self.last(name)
        if raw is None:
            return None
        if not is_datetime(raw):
            message = f"{raw!r} is not a 'date-time'"
            raise bad_request(schema_error_text(message, "format", DATE_TIME, raw))
        return parse_datetime(raw)


def page_limit(value: Optional[int]) -> int:
    """Airflow's check_limit: default and 0 mean 100, above 100 is clamped, negative is 400."""
    if value is None or value == 0 or value > 100:
        return 100
    if value < 0:
        raise problem(400, "Page limit must be a positive integer")
    return value
