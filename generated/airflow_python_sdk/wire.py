"""What goes on the wire: requests and answers as data, path/query/body encoding, RFC 3339,
decoding.

Nothing here imports pydantic: it is imported when the first body is encoded or decoded.
"""

from __future__ import annotations

import datetime
import enum
import functools
import json
from importlib import import_module
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Generic,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
)
from urllib.parse import quote

from .exceptions import ApiDecodeError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")
M = TypeVar("M")


class OpenEnum(str, enum.Enum):
    """A string enum that also takes values it does not list (a newer server's): each becomes a
    member on first sight, so reading an answer never fails on one."""

    @classmethod
    def _missing_(cls, value: object) -> Optional[OpenEnum]:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)


class ApiResponse(Generic[T]):
    """A whole answer: status, headers, the decoded data and the raw body."""

    __slots__ = ("status", "headers", "data", "raw_data")

    def __init__(self, status: int, headers: Mapping[str, str], data: T, raw_data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data
        self.raw_data = raw_data

    def __repr__(self) -> str:
        return f"ApiResponse(status={self.status}, data={self.data!r})"


class ModelRef:
    """A model named by its module (relative to `package`), imported only when an answer is
    decoded into it: importing an API, or calling it for plain JSON, never imports pydantic."""

    __slots__ = ("package", "module", "name")

    def __init__(self, package: Optional[str], module: str, name: str) -> None:
        self.package = package
        self.module = module
        self.name = name

    def load(self) -> Any:
        """The model class (or type alias)."""
        return _load(self.package, self.module, self.name)


@functools.lru_cache(maxsize=None)
def _load(package: Optional[str], module: str, name: str) -> Any:
    return getattr(import_module(module, package), name)


class Request(Generic[T]):
    """What an operation sends, and what its answer decodes into.

    Args:
        method: The HTTP method.
        path: The path template below the API's base path, e.g. `/dags/{dag_id}/dagRuns`.
        path_params: The values of the path template's `{names}`.
        query: Query parameters (`None` values are left out, lists repeat the name).
        body: A model instance sent as JSON (only the fields that are set).
        returns: The model (a `ModelRef`, or a type) the answer decodes into; None for none.
        idempotent: Safe to repeat although the method is not (e.g. a POST that only reads).
        recover_conflict: When a retried request meets 409, fetches what the first attempt
            (which did land) made. Likewise a retried DELETE that meets 404 after an attempt
            that may have landed has done its work, and succeeds.
        token_url: Where the API gives bearer tokens for a user name and password.
        stream: The answer is JSON lines, decoded one by one as they arrive.
    """

    __slots__ = (
        "method",
        "path",
        "path_params",
        "query",
        "body",
        "returns",
        "idempotent",
        "recover_conflict",
        "token_url",
        "stream",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        path_params: Optional[Mapping[str, str]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        returns: Any = None,
        idempotent: bool = False,
        recover_conflict: Optional[Callable[[], ApiResponse[T]]] = None,
        token_url: Optional[str] = None,
        stream: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.path_params = path_params or {}
        self.query = query or {}
        self.body = body
        self.returns = returns
        self.idempotent = idempotent
        self.recover_conflict = recover_conflict
        self.token_url = token_url
        self.stream = stream

    def replace(self, **changes: Any) -> Request[T]:
        """A copy with some parts changed."""
        copy: Request[T] = object.__new__(type(self))
        for name in Request.__slots__:
            setattr(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy


def build_path(template: str, params: Mapping[str, str]) -> str:
    """Fill a path template, percent-encoding each parameter with nothing left safe."""
    encoded = {}
    for name, value in params.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if "/" in value:
            raise ValueError(
                f"{name} {value!r} contains '/': the server decodes %2F before routing, "
                "so no request can address it"
            )
        encoded[name] = "%2E" * len(value) if value in (".", "..") else quote(value, safe="")
    return template.format(**encoded)


def build_query(params: Mapping[str, Any]) -> str:
    """Encode query parameters: lists repeat the name, `None` is left out, `+` becomes %2B."""
    pairs = []
    for name, value in params.items():
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else (value,):
            pairs.append(f"{quote(name, safe='')}={quote(query_value(name, item), safe='')}")
    return "&".join(pairs)


def query_value(name: str, value: Any) -> str:
    """One query value as text; a datetime must carry its timezone."""
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise ValueError(
                f"{name} must be a timezone-aware datetime, got the naive {value.isoformat()} "
                "(for UTC pass tzinfo=datetime.timezone.utc)"
            )
        return rfc3339(value)
    if isinstance(value, datetime.date):
        raise ValueError(f"{name} must be a timezone-aware datetime, got the date {value}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def iso_date(value: Optional[datetime.date]) -> Optional[str]:
    """A calendar date for a query (`YYYY-MM-DD`); a datetime is refused (it is not a day)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValueError(f"a date (not a datetime) is expected here, got {value!r}")
    return value.isoformat()


def rfc3339(value: datetime.datetime) -> str:
    """An aware datetime as RFC 3339 text with a `±hh:mm` offset.

    An offset with seconds (zoneinfo's local mean time before ~1940), which RFC 3339 cannot
    write, is sent as the same instant in UTC.
    """
    offset = value.utcoffset()
    if offset is not None and offset % datetime.timedelta(minutes=1):
        value = value.astimezone(datetime.timezone.utc)
    return value.isoformat()


def encode_body(body: Any) -> bytes:
    """JSON of a request model: only the fields that are set, never read-only ones or nulls.

    Fields marked `NullWhenUnset` (required by the server, yet nullable) are sent as null when
    unset.
    """
    fields = getattr(type(body), "__dataclass_fields__", None)
    if fields is None or isinstance(body, type):
        raise TypeError(f"a request body must be a model instance, got {type(body).__name__}")
    unknown = set(vars(body)) - set(fields)
    if unknown:
        raise ValueError(f"{type(body).__name__} has no field(s) {', '.join(sorted(unknown))}")
    read_only: FrozenSet[str] = getattr(type(body), "read_only_fields", frozenset())
    encoded = adapter(type(body)).dump_json(body, exclude_none=True, exclude=set(read_only))
    for name in _null_when_unset(type(body)):
        if getattr(body, name) is None:
            encoded = _with_null(encoded, name)
    if b"NaN" in encoded or b"Infinity" in encoded:  # models write them as such: find which
        json.loads(encoded, parse_constant=_refuse_constant)
    return encoded


class NullWhenUnset:
    """Marks a field the server requires but takes as null: `Annotated[Optional[T], NullWhenUnset]`.

    A request sends it as null when it is unset (other unset fields are left out).
    """


_NULL_WHEN_UNSET: Dict[type, Tuple[str, ...]] = {}


def _null_when_unset(model: type) -> Tuple[str, ...]:
    """The fields of a model marked `NullWhenUnset`, found once per model."""
    names = _NULL_WHEN_UNSET.get(model)
    if names is None:
        fields = getattr(model, "__pydantic_fields__", {})
        names = tuple(name for name, info in fields.items() if NullWhenUnset in info.metadata)
        _NULL_WHEN_UNSET[model] = names
    return names


def _with_null(encoded: bytes, name: str) -> bytes:
    null = json.dumps(name).encode() + b":null"
    return b"{" + null + (b"," + encoded[1:] if encoded != b"{}" else b"}")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"a request body cannot carry {name}: JSON has no such number")


def with_fields(model: M, **changes: Any) -> M:
    """A copy of a model with some fields changed, validated again."""
    import dataclasses  # loaded with pydantic by now; importing it up front would slow imports

    return dataclasses.replace(model, **changes)  # type: ignore[type-var]


PLAIN_JSON = object()
"""What `decode` takes to read an answer as plain JSON values (dicts, lists, ...): no model."""


def decode(returns: Any, body: bytes, error: Callable[[str, str], ApiDecodeError]) -> Any:
    """Decode an answer's body into `returns`, straight from the bytes.

    `error(title, detail)` makes the exception raised when the body does not fit.
    """
    if returns is None:
        return None
    if returns is PLAIN_JSON:
        return json.loads(body) if body else None
    if isinstance(returns, ModelRef):
        returns = returns.load()
    try:
        return adapter(returns).validate_json(body)
    except ValueError as failure:
        name = getattr(returns, "__name__", str(returns))
        raise error(f"the body is not a valid {name}", _first_error(failure)) from failure


_ADAPTERS: Dict[Any, TypeAdapter[Any]] = {}


def adapter(model: Any) -> TypeAdapter[Any]:
    """The cached pydantic TypeAdapter of a model; pydantic is imported on first use."""
    found = _ADAPTERS.get(model)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])
