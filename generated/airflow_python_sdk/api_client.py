"""The client: builds each request, sends it through the transport, and decodes the answer."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import sys
import time
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
    overload,
)
from urllib.parse import quote

import urllib3

from . import __version__
from .configuration import Configuration
from .exceptions import ApiDecodeError, exception_class
from .transport import RETRY_STATUSES, RetryPolicy, Transport

if sys.version_info >= (3, 10):
    from typing import Concatenate, ParamSpec, Protocol
else:
    from typing_extensions import Concatenate, ParamSpec, Protocol

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")
P = ParamSpec("P")
_IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))


@dataclasses.dataclass(frozen=True)
class Request(Generic[T]):
    """What an operation sends, and the model (`"module:Class"`) its answer decodes into."""

    method: str
    path: str
    path_params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    body: Any = None
    returns: Optional[str] = None
    idempotent: bool = False
    recover_conflict: Optional[Callable[[], ApiResponse[T]]] = None
    """After a retried request meets 409 (the first attempt did land), fetch the result."""


@dataclasses.dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A whole answer: status, headers, the decoded data and the raw body."""

    status: int
    headers: Mapping[str, str]
    data: T
    raw_data: bytes


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

        For example `client.with_options(read_timeout=5, retries=0)`; connection-pool and TLS
        settings stay those of this client.
        """
        config = dataclasses.replace(self.configuration, **changes)
        return ApiClient(config, transport=self._transport)

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
        if response.status == 409 and request.recover_conflict and _was_retried(response):
            return request.recover_conflict()
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
        policy = self._retry if safe else self._no_replay
        return policy.new(deadline=time.monotonic() + self.configuration.retry_max_time)


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
        return value.isoformat()
    if isinstance(value, datetime.date):
        raise ValueError(f"{name} must be a timezone-aware datetime, got the date {value}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def encode_body(body: Any) -> bytes:
    """JSON of a request model: only the fields that are set, never read-only ones or nulls."""
    if not dataclasses.is_dataclass(body) or isinstance(body, type):
        raise TypeError(f"a request body must be a model instance, got {type(body).__name__}")
    unknown = set(vars(body)) - {field.name for field in dataclasses.fields(body)}
    if unknown:
        raise ValueError(f"{type(body).__name__} has no field(s) {', '.join(sorted(unknown))}")
    read_only: FrozenSet[str] = getattr(type(body), "read_only_fields", frozenset())
    return _adapter(type(body)).dump_json(body, exclude_none=True, exclude=set(read_only))


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


@functools.lru_cache(maxsize=None)
def _adapter(model: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(model)


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _was_retried(response: Any) -> bool:
    return bool(response.retries is not None and response.retries.history)
