"""The client: builds each request, sends it through the transport, and decodes the answer."""

from __future__ import annotations

import datetime
import enum
import functools
import json
import sys
from importlib import import_module
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Generic,
    Mapping,
    Optional,
    Type,
    TypeVar,
    Union,
    cast,
    overload,
)
from urllib.parse import quote

import urllib3
from urllib3.exceptions import ConnectTimeoutError

from . import __version__
from .configuration import Configuration
from .exceptions import ApiDecodeError, exception_class
from .paging import Pages
from .transport import RETRY_STATUSES, RetryPolicy, Transport

if sys.version_info >= (3, 10):
    from typing import Concatenate, ParamSpec, Protocol
else:
    from typing_extensions import Concatenate, ParamSpec, Protocol

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")
Item = TypeVar("Item")
M = TypeVar("M")
R = TypeVar("R", bound="Request[Any]")
P = ParamSpec("P")
_IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))


class Request(Generic[T]):
    """What an operation sends, and the model (`"module:Class"`) its answer decodes into.

    `recover_conflict`, when set, fetches the result after a retried request meets 409: the
    first attempt did land. Likewise a retried DELETE that meets 404 after an attempt that may
    have landed has done its work, and succeeds.
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
        "paging",
    )

    def __init__(
        self,
        method: str,
        path: str,
        path_params: Optional[Mapping[str, str]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        returns: Optional[str] = None,
        idempotent: bool = False,
        recover_conflict: Optional[Callable[[], ApiResponse[T]]] = None,
        paging: Optional[Paging] = None,
    ) -> None:
        self.method = method
        self.path = path
        self.path_params = path_params or {}
        self.query = query or {}
        self.body = body
        self.returns = returns
        self.idempotent = idempotent
        self.recover_conflict = recover_conflict
        self.paging = paging

    def replace(self: R, **changes: Any) -> R:
        """A copy with some parts changed."""
        copy = object.__new__(type(self))
        for name in Request.__slots__:
            setattr(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy


class Paging:
    """Where a paged answer keeps its items and total, and which argument is the offset."""

    __slots__ = ("items", "total", "offset")

    def __init__(self, items: str, total: str, offset: str) -> None:
        self.items = items
        self.total = total
        self.offset = offset


class PagedRequest(Request[T], Generic[T, Item]):
    """A request for one page of a list of `Item`s; `paging` says how to ask for the next."""

    __slots__ = ()
    paging: Paging

    def offset(self) -> int:
        """The offset this request asks for."""
        if self.paging.offset in self.query:
            return int(self.query[self.paging.offset] or 0)
        return int(getattr(self.body, self.paging.offset, None) or 0)

    def at_offset(self, offset: int) -> PagedRequest[T, Item]:
        """The same request for the page starting at `offset` (in the query or the body)."""
        if self.paging.offset in self.query:
            return self.replace(query={**self.query, self.paging.offset: offset})
        body = with_fields(self.body, **{self.paging.offset: offset})
        return self.replace(body=body)


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


class ApiClient:
    """Sends the API's requests over one connection pool; safe to share between threads.

    Use it as a context manager, or call `close()` when done.
    """

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        *,
        transport: Optional[Transport] = None,
    ) -> None:
        self.configuration = config = configuration or Configuration()
        self._owns_transport = transport is None
        self._transport = transport or Transport(config)
        self._base_url = config.host.rstrip("/")
        self._timeout = urllib3.Timeout(connect=config.connect_timeout, read=config.read_timeout)
        self._retry = RetryPolicy(
            total=config.retries,
            other=0,
            allowed_methods=None,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=config.backoff_factor,
            backoff_cap=config.backoff_max,
            max_time=config.retry_max_time,
            raise_on_status=False,
            redirect=False,
        )
        self._no_replay = self._retry.new(read=0, status=0)
        self._user_agent = f"airflow-python-sdk/{__version__}"

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections (those of the client that made them)."""
        if self._owns_transport:
            self._transport.close()

    def with_options(self, **changes: Any) -> ApiClient:
        """A client sharing this one's connections, with some settings changed.

        For example `client.with_options(read_timeout=5, retries=0)`. The connections' own
        settings (TLS, pool size) belong to the pool: change them with a new `ApiClient`.
        """
        pooled = sorted(set(changes) & Transport.SETTINGS)
        if pooled:
            raise ValueError(f"{', '.join(pooled)} cannot change per call: make a new ApiClient")
        return ApiClient(self.configuration.replace(**changes), transport=self._transport)

    def send(self, request: Request[T]) -> ApiResponse[T]:
        """Send a request and decode its answer; errors raise an `ApiException` subclass."""
        url = self._base_url + build_path(request.path, request.path_params)
        query = build_query(request.query)
        if query:
            url = f"{url}?{query}"
        body = None if request.body is None else encode_body(request.body)
        response = self._transport.request(
            request.method,
            url,
            headers=self._headers(body is not None),
            body=body,
            timeout=self._timeout,
            retries=self._retries_for(request),
        )
        if (
            response.status == 409
            and request.recover_conflict
            and _may_have_landed_before(response)
        ):
            return request.recover_conflict()
        if response.status == 404 and request.method == "DELETE" and request.returns is None:
            if _may_have_landed_before(response):  # an earlier attempt deleted it: done
                return ApiResponse(204, response.headers, cast(T, None), b"")
        if not 200 <= response.status < 300:
            raise exception_class(response.status)(
                response.status,
                response.reason,
                method=request.method,
                url=url,
                headers=response.headers,
                body=response.data,
            )
        data = decode(request.returns, response, request.method, url)
        return ApiResponse(response.status, response.headers, data, response.data)

    def _headers(self, has_body: bool) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self._user_agent}
        if has_body:
            headers["Content-Type"] = "application/json"
        authorization = self.configuration.auth_header()
        if authorization:
            headers["Authorization"] = authorization
        return headers

    def _retries_for(self, request: Request[Any]) -> RetryPolicy:
        safe = request.idempotent or request.method in _IDEMPOTENT_METHODS
        return self._retry if safe else self._no_replay


class _HasClient(Protocol):
    api_client: ApiClient


Api = TypeVar("Api", bound=_HasClient)


class operation(Generic[Api, P, T]):  # noqa: N801 - used as a decorator
    """Makes an API method that builds a `Request` into a call.

    `api.get_dag_run(...)` returns the decoded data; `api.get_dag_run.raw(...)` the whole
    `ApiResponse` (status, headers, data).
    """

    def __init__(self, build: Callable[Concatenate[Api, P], Request[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, api: None, owner: Optional[type] = None) -> operation[Api, P, T]: ...

    @overload
    def __get__(self, api: Api, owner: Optional[type] = None) -> BoundOperation[P, T]: ...

    def __get__(
        self, api: Optional[Api], owner: Optional[type] = None
    ) -> Union[operation[Api, P, T], BoundOperation[P, T]]:
        if api is None:
            return self
        return BoundOperation(functools.partial(self.build, api), api.api_client)


class BoundOperation(Generic[P, T]):
    """An operation of one API object: call it for the data, or `.raw(...)` for the response."""

    def __init__(self, build: Callable[P, Request[T]], client: ApiClient) -> None:
        self.build = build
        self.client = client

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.client.send(self.build(*args, **kwargs)).data

    def raw(self, *args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        """Call the operation and return the whole response."""
        return self.client.send(self.build(*args, **kwargs))


class paged_operation(Generic[Api, P, T, Item]):  # noqa: N801 - used as a decorator
    """An `operation` over a paged list: `.paginate(...)` also iterates over every item."""

    def __init__(self, build: Callable[Concatenate[Api, P], PagedRequest[T, Item]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(
        self, api: None, owner: Optional[type] = None
    ) -> paged_operation[Api, P, T, Item]: ...

    @overload
    def __get__(
        self, api: Api, owner: Optional[type] = None
    ) -> BoundPagedOperation[P, T, Item]: ...

    def __get__(
        self, api: Optional[Api], owner: Optional[type] = None
    ) -> Union[paged_operation[Api, P, T, Item], BoundPagedOperation[P, T, Item]]:
        if api is None:
            return self
        return BoundPagedOperation(functools.partial(self.build, api), api.api_client)


class BoundPagedOperation(BoundOperation[P, T], Generic[P, T, Item]):
    """A paged operation of one API object."""

    build: Callable[P, PagedRequest[T, Item]]

    def paginate(self, *args: P.args, **kwargs: P.kwargs) -> Pages[Item]:
        """Every item of every page matching the arguments, fetched lazily as you iterate.

        The arguments are the operation's; its limit (if given) is the page size.
        """
        return Pages(self.client, self.build(*args, **kwargs))


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
    """JSON of a request model: only the fields that are set, never read-only ones or nulls."""
    fields = getattr(type(body), "__dataclass_fields__", None)
    if fields is None or isinstance(body, type):
        raise TypeError(f"a request body must be a model instance, got {type(body).__name__}")
    unknown = set(vars(body)) - set(fields)
    if unknown:
        raise ValueError(f"{type(body).__name__} has no field(s) {', '.join(sorted(unknown))}")
    read_only: FrozenSet[str] = getattr(type(body), "read_only_fields", frozenset())
    encoded = _adapter(type(body)).dump_json(body, exclude_none=True, exclude=set(read_only))
    if b"NaN" in encoded or b"Infinity" in encoded:  # models write them as such: find which
        json.loads(encoded, parse_constant=_refuse_constant)
    return encoded


def _refuse_constant(name: str) -> None:
    raise ValueError(f"a request body cannot carry {name}: JSON has no such number")


def with_fields(model: M, **changes: Any) -> M:
    """A copy of a model with some fields changed, validated again."""
    import dataclasses  # loaded with pydantic by now; importing it up front would slow imports

    return dataclasses.replace(model, **changes)  # type: ignore[type-var]


def decode(returns: Optional[str], response: Any, method: str, url: str) -> Any:
    """Decode a successful answer's body into its model, straight from the bytes."""
    if returns is None:
        return None
    module, _, name = returns.partition(":")
    try:
        return _adapter(_model(module, name)).validate_json(response.data)
    except ValueError as error:
        raise ApiDecodeError(
            response.status,
            response.reason,
            method=method,
            url=url,
            headers=response.headers,
            body=response.data,
            title=f"the body is not a valid {name}",
            detail=_first_error(error),
        ) from error


@functools.lru_cache(maxsize=None)
def _model(module: str, name: str) -> Any:
    return getattr(import_module(f".model.{module}", __package__), name)


_ADAPTERS: Dict[Any, TypeAdapter[Any]] = {}


def _adapter(model: Any) -> TypeAdapter[Any]:
    """The cached pydantic TypeAdapter of a model; pydantic is imported on first use."""
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[model] = TypeAdapter(model)
    return adapter


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _may_have_landed_before(response: Any) -> bool:
    """True if an earlier attempt of this call may have been processed by the server.

    That is when its connection broke after the request went out, or a gateway answered 502 or
    504 (the server behind it may have acted). A connection that could not be made, a 429 or a
    503 means the server did not act, so a 409 after those is a genuine conflict.
    """
    history = getattr(response.retries, "history", None) or ()
    for attempt in history:
        if attempt.error is not None and not isinstance(attempt.error, ConnectTimeoutError):
            return True  # NewConnectionError is a ConnectTimeoutError: never sent either
        if attempt.status in (502, 504):
            return True
    return False
