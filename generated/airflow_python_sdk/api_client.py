"""The client that sends every operation's request, and the base and views of the API classes.

ApiClient      one connection pool, the credentials and default headers; `send(request)`
Api            base of the generated API classes: each operation is a method that builds a
               `Request` and hands it to `_call`, which returns the decoded answer
raw_response   an operation returning the whole `ApiResponse` (the `api.raw` view)
paginated      a list operation returning every item of every page (the `api.paginate` view)
"""

from __future__ import annotations

import copy
import functools
import json
import sys
from types import TracebackType
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    Generator,
    Generic,
    Iterator,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import urllib3
from urllib3.exceptions import ConnectTimeoutError

from . import __version__
from .auth import Credentials
from .configuration import Configuration, check_header_safe
from .exceptions import ApiDecodeError, ApiException, NotFoundException, exception_class
from .paging import Pages, Paging
from .transport import RETRY_STATUSES, RetryPolicy, Transport
from .wire import (
    PLAIN_JSON,
    ApiResponse,
    Request,
    build_path,
    build_query,
    decode,
    encode_body,
)

if sys.version_info >= (3, 10):
    from typing import Concatenate, ParamSpec
else:
    from typing_extensions import Concatenate, ParamSpec

T = TypeVar("T")
Item = TypeVar("Item")
P = ParamSpec("P")
ApiT = TypeVar("ApiT", bound="Api")

RequestTimeout = Union[None, float, Tuple[float, float]]
"""A call's timeout: seconds for each read, or a `(connect, read)` pair; None: the client's."""
RequestHeaders = Optional[Mapping[str, str]]
"""Headers added to one call."""

_IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))


class ApiClient:
    """Sends the API's requests over one connection pool; safe to share between threads.

    `header_name`/`header_value` (or `set_default_header`) add a header to every call, e.g.
    one a gateway in front of the server needs. Use the client as a context manager, or call
    `close()` when done.
    """

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        *,
        transport: Optional[Transport] = None,
    ) -> None:
        self.configuration = config = configuration or Configuration()
        self.default_headers: Dict[str, str] = {}
        if header_name is not None:
            self.set_default_header(header_name, header_value or "")
        self._owns_transport = transport is None
        self._transport = transport or Transport(config)
        self._credentials = Credentials()
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
        self.user_agent = f"airflow-python-sdk/{__version__}"

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

    def set_default_header(self, name: str, value: str) -> None:
        """Send this header on every call (of this client and its `with_options` copies)."""
        check_header_safe(f"header {name!r}", f"{name}{value}")
        self.default_headers[name] = value

    def with_options(self, **changes: Any) -> ApiClient:
        """A client sharing this one's connections, tokens and default headers, with some
        settings changed: e.g. `client.with_options(read_timeout=5, retries=0)`.

        The connections' own settings (TLS, pool size, proxy) belong to the pool: change them
        with a new `ApiClient`.
        """
        pooled = sorted(set(changes) & Transport.SETTINGS)
        if pooled:
            raise ValueError(f"{', '.join(pooled)} cannot change per call: make a new ApiClient")
        client = ApiClient(self.configuration.replace(**changes), transport=self._transport)
        client.default_headers = self.default_headers
        client._credentials = self._credentials
        return client

    def send(
        self,
        request: Request[T],
        base_path: str = "",
        *,
        timeout: RequestTimeout = None,
        headers: RequestHeaders = None,
        plain: bool = False,
    ) -> ApiResponse[T]:
        """Send a request below `base_path` and decode its answer into its model (with `plain`,
        into plain JSON values: no model, nor pydantic, is imported).

        Errors raise an `ApiException` subclass; a streamed answer's data is an iterator over
        its decoded lines.
        """
        root = self._root(base_path)
        url = root + base_path + build_path(request.path, request.path_params)
        query = build_query(request.query)
        if query:
            url = f"{url}?{query}"
        body = None if request.body is None else encode_body(request.body)
        limits = _timeout(timeout) or self._timeout
        response = self._exchange(request, root, url, body, limits, headers)
        if (
            response.status == 409
            and request.recover_conflict
            and _may_have_landed_before(response)
        ):
            try:
                return request.recover_conflict()
            except NotFoundException:
                pass  # the attempt that may have landed did not: a genuine conflict
        if response.status == 404 and request.method == "DELETE" and request.returns is None:
            if _may_have_landed_before(response):  # an earlier attempt deleted it: done
                return ApiResponse(204, response.headers, cast(T, None), b"")
        if not 200 <= response.status < 300:
            raise _error(response, request.method, url)
        returns = PLAIN_JSON if plain else request.returns
        if request.stream:
            lines = self._transport.lines(response, request.method, url)
            data = cast(T, _decoded(returns, lines))
            return ApiResponse(response.status, response.headers, data, b"")
        failed = functools.partial(_decode_error, response, request.method, url)
        data = decode(returns, response.data, failed)
        return ApiResponse(response.status, response.headers, data, response.data)

    def _exchange(
        self,
        request: Request[Any],
        root: str,
        url: str,
        body: Optional[bytes],
        timeout: urllib3.Timeout,
        extra: RequestHeaders,
    ) -> urllib3.BaseHTTPResponse:
        """Send with credentials; after a 401, once more with a renewed token if one can be."""
        config, token_url = self.configuration, request.token_url
        safe = request.idempotent or request.method in _IDEMPOTENT_METHODS
        login = functools.partial(self._login, root)
        for attempt in (1, 2):
            authorization = self._credentials.header(config, token_url, login)
            response = self._transport.request(
                request.method,
                url,
                headers=self._headers(body is not None, authorization, extra),
                body=body,
                timeout=timeout,
                retries=self._retry if safe else self._no_replay,
                stream=request.stream,
            )
            if (
                attempt == 1
                and response.status == 401
                and authorization
                and self._credentials.renewable(config, token_url)
            ):
                response.drain_conn()
                self._credentials.forget(config, token_url, authorization)
                continue
            break
        return response

    def _login(self, root: str, token_url: str, credentials: Dict[str, str]) -> str:
        """Post the credentials to the token endpoint (a path from `root`, or a URL); return
        its `access_token`."""
        url = token_url if "://" in token_url else root + token_url
        response = self._transport.request(
            "POST",
            url,
            headers=self._headers(True, None, None),
            body=json.dumps(credentials).encode(),
            timeout=self._timeout,
            retries=self._retry,
        )
        if not 200 <= response.status < 300:
            raise _error(response, "POST", url, title=f"the login at {token_url} failed")
        try:
            token = json.loads(response.data)["access_token"]
        except (ValueError, KeyError, TypeError) as error:
            raise _decode_error(
                response, "POST", url, "the login gave no access_token", str(error)
            ) from error
        return cast(str, token)

    def _root(self, base_path: str) -> str:
        """The server's URL: the configured host without the base path, if it ends with it."""
        host = self.configuration.host.rstrip("/")
        if base_path and host.endswith(base_path):
            return host[: -len(base_path)]
        return host

    def _headers(
        self, has_body: bool, authorization: Optional[str], extra: RequestHeaders
    ) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if has_body:
            headers["Content-Type"] = "application/json"
        if authorization:
            headers["Authorization"] = authorization
        headers.update(self.default_headers)
        for name, value in (extra or {}).items():
            check_header_safe(f"header {name!r}", f"{name}{value}")
            headers[name] = value
        return headers


class Api:
    """The base of the generated API classes: the operations of one API, on one client.

    Each operation is a method that builds its `Request` and hands it to `_call`; every one
    takes the keyword-only per-call options `_request_timeout` (seconds, or a `(connect, read)`
    pair) and `_headers` (extra headers for this call).
    """

    base_path: ClassVar[str] = ""
    """Where the API lives on the server (e.g. `/api/v2`)."""

    def __init__(self, api_client: Optional[ApiClient] = None) -> None:
        self.api_client = api_client or ApiClient()

    def with_options(self: ApiT, **changes: Any) -> ApiT:
        """The same operations through `api_client.with_options(**changes)`, e.g. a timeout."""
        return type(self)(self.api_client.with_options(**changes))

    def _call(self, request: Request[T], timeout: RequestTimeout, headers: RequestHeaders) -> T:
        """Send an operation's request; return the decoded answer."""
        return self._send(request, timeout, headers).data

    def _send(
        self, request: Request[T], timeout: RequestTimeout, headers: RequestHeaders
    ) -> ApiResponse[T]:
        return self.api_client.send(request, self.base_path, timeout=timeout, headers=headers)

    def _answering(self: ApiT, answer: Callable[..., Any]) -> ApiT:
        """A copy of this API whose operations return `answer(request, timeout, headers)`."""
        view = copy.copy(self)
        vars(view)["_call"] = answer
        return view


class View(Generic[ApiT]):
    """Another way to call an API's operations (`api.raw`, `api.paginate`)."""

    def __init__(self, api: ApiT) -> None:
        self._api = api

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._api!r}>"


def raw_response(
    operation: Callable[Concatenate[ApiT, P], T],
) -> Callable[Concatenate[View[ApiT], P], ApiResponse[T]]:
    """The operation, returning the whole `ApiResponse`: status, headers, data, raw body."""

    def call(view: View[ApiT], *args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        answer = operation(view._api._answering(view._api._send), *args, **kwargs)
        return cast(ApiResponse[T], answer)

    return _like(operation, call)


def paginated(
    operation: Callable[Concatenate[ApiT, P], T],
    items: Callable[[T], Optional[Sequence[Item]]],
    **paging: Optional[str],
) -> Callable[Concatenate[View[ApiT], P], Pages[Item]]:
    """The list operation, returning every item of every page (see `Paging` for `paging`).

    The arguments are the operation's; its limit (if given) is the page size.
    """
    how = Paging(items, **paging)

    def call(view: View[ApiT], *args: P.args, **kwargs: P.kwargs) -> Pages[Item]:
        def pages(request: Request[Any], timeout: RequestTimeout, headers: RequestHeaders) -> Any:
            return Pages(lambda page: view._api._call(page, timeout, headers), request, how)

        return cast(Pages[Item], operation(view._api._answering(pages), *args, **kwargs))

    return _like(operation, call)


def _like(operation: Callable[..., Any], call: Callable[..., T]) -> Callable[..., T]:
    """`call` with the operation's name, docstring and signature (for help() and IDEs)."""
    return functools.wraps(operation)(call)


def _timeout(timeout: RequestTimeout) -> Optional[urllib3.Timeout]:
    if timeout is None:
        return None
    connect, read = timeout if isinstance(timeout, tuple) else (None, timeout)
    for value in (connect, read):
        if value is not None and (isinstance(value, bool) or not value > 0):
            raise ValueError(
                f"_request_timeout must be seconds or a (connect, read) pair, got {timeout!r}"
            )
    if connect is None:
        return urllib3.Timeout(read=read)
    return urllib3.Timeout(connect=connect, read=read)


def _decoded(returns: Any, lines: Generator[bytes, None, None]) -> Iterator[Any]:
    try:
        for line in lines:
            yield decode(returns, line, functools.partial(_stream_error, line))
    finally:
        lines.close()  # a stream left early gives its connection back now


def _error(
    response: urllib3.BaseHTTPResponse,
    method: str,
    url: str,
    title: Optional[str] = None,
    detail: Optional[str] = None,
    kind: Optional[Type[ApiException]] = None,
) -> ApiException:
    """The exception for an answer: by its status, or `kind` (a 2xx that did not decode)."""
    return (kind or exception_class(response.status))(
        response.status,
        response.reason,
        method=method,
        url=url,
        headers=response.headers,
        body=response.data,
        title=title,
        detail=detail,
    )


def _decode_error(
    response: urllib3.BaseHTTPResponse, method: str, url: str, title: str, detail: str
) -> ApiDecodeError:
    return cast(ApiDecodeError, _error(response, method, url, title, detail, ApiDecodeError))


def _stream_error(line: bytes, title: str, detail: str) -> ApiDecodeError:
    return ApiDecodeError(200, "OK", body=line, title=f"a streamed line: {title}", detail=detail)


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
