"""The command line: `airflow-sdk COMMAND ...` or `python -m airflow_python_sdk COMMAND ...`.

One command per operation of each API, made from that API's generated command table
(`commands.py`): `get-dag-run` calls `get_dag_run`, its path parameters are arguments, its query
parameters options, its body `--body` plus an option per simple field. The answer is printed as
JSON on stdout; a list with `--all` as one item per line, as the pages arrive.

Design:
- Start-up stays light: the command tables are plain data, and the client, pydantic and the
  models are imported only once a command runs, never for `--help`.
- The connection is `Configuration.from_env()` (AIRFLOW_API_URL, AIRFLOW_USERNAME,
  AIRFLOW_PASSWORD, AIRFLOW_API_TOKEN and the proxy variables) with the options on top. There
  is no password option: it comes from the environment, or is asked (without echo) on a terminal.
- What went wrong is one line on stderr, and the exit status says which kind of failure it was
  (`EXIT_*`). No secret is printed: the SDK's errors carry none, and `--verbose` is the SDK's
  DEBUG log, which redacts credentials.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import textwrap
import time
from importlib import import_module
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from . import __version__

if TYPE_CHECKING:
    from types import ModuleType

    from .api_client import Api
    from .configuration import Configuration

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_CONNECTION_ERROR = 4
EXIT_WAIT_TIMEOUT = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

EXIT_STATUS = f"""\
exit status:
  {EXIT_OK}  success (with --wait: the run succeeded)
  {EXIT_RUN_FAILED}  with --wait: the run finished without success (failed)
  {EXIT_USAGE}  usage error: an unknown option, a missing argument, a body that does not fit
  {EXIT_API_ERROR}  API error: the server refused the call (status, title and detail on stderr)
  {EXIT_CONNECTION_ERROR}  connection error: the server could not be reached or did not answer in time
  {EXIT_WAIT_TIMEOUT}  with --wait: the run had not finished after --timeout seconds
"""

TABLES = {"v1": ".commands", "v2": ".v2.commands"}
"""The command table of each API, by the name `--api` takes (modules of this package)."""
DEFAULT_API = "v2"
"""The API of a host URL that does not end with `/api/v1`: Airflow 3's, the current one."""
SUCCEEDED = frozenset(("success",))
"""The final states of a successful run; a wait that ends in another one exits with 1."""

_METAVARS = {
    "str": "TEXT",
    "int": "N",
    "float": "X",
    "bool": "BOOL",
    "datetime": "DATETIME",
    "date": "DATE",
    "json": "JSON",
}


class Param(NamedTuple):
    """A path or query parameter of an operation, or a field of its body."""

    name: str
    """The method's parameter, or the body's field (`--name-with-dashes` as an option)."""
    help: str
    kind: str
    """How the command line's text is read: str, int, float, bool, datetime, date or json; for
    a body field, empty when only `--body` can set it."""
    many: bool = False
    """An array: the option is given once per item."""
    choices: Sequence[str] = ()
    required: bool = False
    default: Any = None
    """What the server (or the body's model) assumes when it is left out."""


class Body(NamedTuple):
    """An operation's request body: the method's parameter and its model."""

    name: str
    module: str
    """The model's module, relative to the command table's package."""
    model: str
    fields: Tuple[Param, ...]


class Wait(NamedTuple):
    """How to wait on what an operation returns, until `field` is one of `until`."""

    name: str
    """The API's method that waits (`wait_for_dag_run`); the command calls the same pieces."""
    field: str
    until: Sequence[str]
    stream: str = ""
    """An operation streaming a line per interval until done; polling is the fallback."""
    stream_interval: str = ""
    """That operation's parameter for the interval."""


class ThenWait(NamedTuple):
    """After the operation, wait (`wait`: a `Wait.name`) on the thing its answer's `key` names."""

    wait: str
    key: str


class Command(NamedTuple):
    """One operation, as a command named after it (`get_dag_run`: `get-dag-run`)."""

    operation: str
    api: Tuple[str, str]
    """The API class: its module (relative to the command table's package) and name."""
    summary: str
    description: str
    path: Tuple[Param, ...]
    query: Tuple[Param, ...]
    body: Optional[Body] = None
    paged: bool = False
    """`api.paginate.<operation>` exists: the command takes `--all`."""
    streams: bool = False
    """The answer is a stream of lines, printed as they arrive."""
    wait: Optional[Wait] = None
    then_wait: Optional[ThenWait] = None
    alias: str = ""

    @property
    def name(self) -> str:
        return self.operation.replace("_", "-")


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit status 2)."""


def main(argv: Optional[Sequence[str]] = None, prog: str = "airflow-sdk") -> int:
    """Run the command line (`argv`: the arguments, by default `sys.argv[1:]`); return the
    exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args, prog)
    except UsageError as error:
        _say(prog, f"error: {error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say(prog, "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # stdout was closed early (`... | head`): stop quietly, like a command killed by SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(args: List[str], prog: str) -> int:
    api = _option(args, "--api") or _api_of(
        _option(args, "--host") or os.environ.get("AIRFLOW_API_URL")
    )
    if api not in TABLES:
        api = DEFAULT_API  # the parser says what is wrong with the --api given
    table = import_module(TABLES[api], __package__)
    parsed = _parser(prog, api, table).parse_args(args)
    command = next(c for c in table.COMMANDS if parsed.command in (c.name, c.alias))
    if getattr(parsed, "verbose", False):
        _log_requests(prog)
    from .exceptions import ApiConnectionError, ApiException

    try:
        return _run(command, parsed, table, api, prog)
    except ApiConnectionError as error:
        _say(prog, f"connection error: {error}")
        return EXIT_CONNECTION_ERROR
    except ApiException as error:
        _say(prog, f"API error: {error}")
        return EXIT_API_ERROR
    except ValueError as error:  # refused before anything was sent (pydantic's errors too)
        raise UsageError(_one_line(error)) from error


def _option(args: List[str], name: str) -> Optional[str]:
    """The value of option `name` in `args`, if given (read before the parser exists)."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1 :]
    return None


def _api_of(host: Optional[str]) -> str:
    """The API a host URL names by its base path (`.../api/v1`), else the current one."""
    path = (host or "").rstrip("/")
    return next((name for name in TABLES if path.endswith(f"/api/{name}")), DEFAULT_API)


# ---------------------------------------------------------------- the parser


def _parser(prog: str, api: str, table: ModuleType) -> argparse.ArgumentParser:
    connection = _connection_options()
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_wrap(
            "Call Apache Airflow's REST API: one command per operation. The answer is printed "
            "as JSON on stdout; what went wrong, as one line on stderr."
        ),
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[connection],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    others = ", ".join(f"--api {name}" for name in TABLES if name != api)
    commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        title=f"commands of {table.BASE_PATH} ({others} for the other API's)",
    )
    commands.required = True
    for command in table.COMMANDS:
        sub = commands.add_parser(
            command.name,
            aliases=[command.alias] if command.alias else [],
            help=_escape(command.summary),
            description=_wrap(f"{command.summary.rstrip('.')}. {command.description}"),
            epilog=EXIT_STATUS,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[connection],
            allow_abbrev=False,
        )
        _add_arguments(sub, command)
    return parser


def _connection_options() -> argparse.ArgumentParser:
    """The options every command takes, before or after its name."""
    parser = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--api",
        choices=tuple(TABLES),
        help=f"the API: {' or '.join(TABLES)}; by default the one the host's URL ends with, "
        f"else {DEFAULT_API}",
    )
    group.add_argument(
        "--host",
        metavar="URL",
        help="the server, with or without the API's base path (env AIRFLOW_API_URL)",
    )
    group.add_argument(
        "--username",
        metavar="NAME",
        help="the user (env AIRFLOW_USERNAME); the password is AIRFLOW_PASSWORD's, or asked for "
        "on a terminal",
    )
    group.add_argument(
        "--token", metavar="TOKEN", help="a bearer token instead (env AIRFLOW_API_TOKEN)"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log each request on stderr (credentials redacted)",
    )
    return parser


def _add_arguments(parser: argparse.ArgumentParser, command: Command) -> None:
    """The command's arguments and options. A body field named like another option is left to
    `--body`; a query parameter named like one would make argparse fail for every command (the
    tests build every command's parser)."""
    taken = {"--help", "--api", "--host", "--username", "--token", "--verbose", "--body"}
    taken |= {"--all", "--wait", "--timeout", "--poll-interval"}
    for param in command.path:
        parser.add_argument(f"path.{param.name}", metavar=param.name.upper(), help=_help(param))
    for param in command.query:
        _add_option(parser, param, f"query.{param.name}", required=param.required)
        taken.add(_flag(param))
    if command.body:
        body = command.body
        group = parser.add_argument_group(
            f"request body ({body.model})",
            "--body gives the whole body; the options below set fields on top of it",
        )
        group.add_argument(
            "--body",
            metavar="JSON",
            help="the body as JSON text, @FILE to read it from a file, or - from stdin",
        )
        for field in body.fields:
            if field.kind and _flag(field) not in taken:
                _add_option(group, field, f"body.{field.name}", required=False)
    if command.paged:
        parser.add_argument(
            "--all",
            action="store_true",
            help="follow every page: print every item, one JSON document per line, as the "
            "pages arrive",
        )
    if command.wait or command.then_wait:
        group = parser.add_argument_group("waiting")
        group.add_argument(
            "--wait",
            action="store_true",
            help="wait until the run has finished (its states on stderr), then print it; "
            f"exit status {EXIT_RUN_FAILED} if it did not succeed",
        )
        group.add_argument(
            "--timeout",
            type=_seconds,
            default=3600.0,
            metavar="S",
            help=f"stop waiting after S seconds, exit status {EXIT_WAIT_TIMEOUT} (default: 3600)",
        )
        group.add_argument(
            "--poll-interval",
            type=_seconds,
            default=5.0,
            metavar="S",
            help="seconds between two looks at the run (default: 5)",
        )


def _add_option(group: Any, param: Param, dest: str, *, required: bool) -> None:
    """Add `param` as an option of its kind to a parser or argument group."""
    options: Dict[str, Any] = {"dest": dest, "help": _help(param), "required": required}
    if param.kind == "bool" and not param.many:
        options["action"] = argparse.BooleanOptionalAction
    else:
        options["type"] = _READERS[param.kind]
        if param.choices:
            options["choices"] = param.choices
        else:
            options["metavar"] = _METAVARS[param.kind]
        if param.many:
            options["action"] = "append"
    group.add_argument(_flag(param), **options)


def _flag(param: Param) -> str:
    return "--" + param.name.replace("_", "-")


def _help(param: Param) -> str:
    text = param.help or param.name
    if param.many:
        text += " (repeat the option for several)"
    if param.default is not None:
        default = param.default
        if isinstance(default, (list, tuple)):
            default = ", ".join(map(str, default))
        elif isinstance(default, bool):
            default = str(default).lower()
        text += f" (default: {default})"
    return _escape(text)


def _escape(text: str) -> str:
    """Help text as argparse takes it (it formats `%` itself)."""
    return text.replace("%", "%%")


def _wrap(text: str) -> str:
    return _escape("\n".join(textwrap.wrap(" ".join(text.split()), 78)))


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _boolean(text: str) -> bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise argparse.ArgumentTypeError(f"must be true or false, got {text!r}")


def _datetime(text: str) -> datetime.datetime:
    """An RFC 3339 date-time; it must say its UTC offset (`Z` or `+hh:mm`)."""
    try:
        value = datetime.datetime.fromisoformat(
            text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        )
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an RFC 3339 date-time: {text!r} (e.g. 2024-05-01T00:00:00Z)"
        ) from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset: add Z or +hh:mm (e.g. 2024-05-01T00:00:00Z)"
        )
    return value


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 2024-05-01)") from None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from None


_READERS: Dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": _boolean,
    "datetime": _datetime,
    "date": _date,
    "json": _json,
}


# ---------------------------------------------------------------- running a command


def _run(
    command: Command, parsed: argparse.Namespace, table: ModuleType, api_name: str, prog: str
) -> int:
    """Call the command's operation and print what it returns; the exit status."""
    arguments = {param.name: getattr(parsed, f"path.{param.name}") for param in command.path}
    for param in command.query:
        value = getattr(parsed, f"query.{param.name}")
        if value is not None:
            arguments[param.name] = value
    package = table.__name__.rpartition(".")[0]
    if command.body:
        arguments[command.body.name] = _body(command.body, parsed, package)
    api = _api(command, package, _configuration(parsed, api_name))
    with api.api_client:
        out = _Output()
        if getattr(parsed, "all", False):
            for item in getattr(api.paginate, command.operation)(**arguments):
                out.line(item)
            return EXIT_OK
        if getattr(parsed, "wait", False):
            return _wait(api, command, table, arguments, parsed, prog, out)
        answer = getattr(_plain(api), command.operation)(**arguments)
        if command.streams:
            for line in answer:
                out.line(line)
        else:
            out.document(answer)
    return EXIT_OK


def _body(body: Body, parsed: argparse.Namespace, package: str) -> Any:
    """The request body: `--body`'s JSON object, with the fields given as options set on it."""
    from .wire import adapter

    data: Dict[str, Any] = {}
    if parsed.body is not None:
        data = _json_object(parsed.body)
    for field in body.fields:
        value = getattr(parsed, f"body.{field.name}", None)
        if value is not None:
            data[field.name] = value
    model = getattr(import_module(body.module, package), body.model)
    return adapter(model).validate_python(data)


def _json_object(source: str) -> Dict[str, Any]:
    """The JSON object `--body` gives: its text, `@FILE`, or `-` for stdin."""
    if source == "-":
        text = sys.stdin.read()
    elif source.startswith("@"):
        try:
            with open(source[1:], encoding="utf-8") as file:
                text = file.read()
        except OSError as error:
            raise UsageError(f"--body: cannot read {source[1:]}: {error.strerror}") from None
    else:
        text = source
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"--body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise UsageError("--body must be a JSON object")
    return data


def _configuration(parsed: argparse.Namespace, api: str) -> Configuration:
    """`Configuration.from_env()` with the options on top; the password asked for if needed."""
    from .configuration import Configuration

    host = getattr(parsed, "host", None) or os.environ.get("AIRFLOW_API_URL")
    if not host:
        raise UsageError("no server: give --host URL or set AIRFLOW_API_URL")
    settings: Dict[str, Any] = {"host": _for_api(host, api)}
    if getattr(parsed, "username", None):
        settings["username"] = parsed.username
    if getattr(parsed, "token", None):
        settings["access_token"] = parsed.token
    config = Configuration.from_env(**settings)
    if config.username and config.password is None and config.access_token is None:
        if not sys.stdin.isatty():
            raise UsageError(
                f"no password for {config.username}: set AIRFLOW_PASSWORD "
                "(it is asked for only when stdin is a terminal)"
            )
        import getpass

        config.password = getpass.getpass(f"Password for {config.username}: ")
    return config


def _for_api(host: str, api: str) -> str:
    """The host without another API's base path at its end (`--api v2 --host .../api/v1`)."""
    trimmed = host.rstrip("/")
    for name in TABLES:
        if name != api and trimmed.endswith(f"/api/{name}"):
            return trimmed[: -len(f"/api/{name}")]
    return host


def _api(command: Command, package: str, config: Configuration) -> Any:
    """The command's API class, on a new client."""
    from .api_client import ApiClient

    module, name = command.api
    api_class: Callable[[ApiClient], Api] = getattr(import_module(module, package), name)
    return api_class(ApiClient(config))


def _plain(api: Api) -> Api:
    """The API answering plain JSON values: printing them needs no model, nor pydantic."""

    def plain(request: Any, timeout: Any, headers: Any) -> Any:
        return api.api_client.send(
            request, api.base_path, timeout=timeout, headers=headers, plain=True
        ).data

    return api._answering(plain)


def _log_requests(prog: str) -> None:
    """Show the SDK's DEBUG log (each request, credentials redacted) on stderr."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_escape(prog) + ": %(message)s"))
    logger = logging.getLogger(__package__ or __name__)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


# ---------------------------------------------------------------- waiting


def _wait(
    api: Any,
    command: Command,
    table: ModuleType,
    arguments: Dict[str, Any],
    parsed: argparse.Namespace,
    prog: str,
    out: _Output,
) -> int:
    """Wait until the run has finished (trigger it first for `then_wait`); print it.

    This is what the API's generated wait (`wait_for_dag_run`) does, with each state seen
    shown on stderr: it reads the server's stream of states where the API has one, else polls.
    """
    from .exceptions import WaitTimeoutError
    from .waiting import wait_for_line, wait_until

    target = [arguments[param.name] for param in command.path]
    waiter = command
    if command.then_wait:
        waiter = next(c for c in table.COMMANDS if c.wait and c.wait.name == command.then_wait.wait)
        answer = getattr(api, command.operation)(**arguments)
        target.append(str(getattr(answer, command.then_wait.key)))
    wait = waiter.wait
    if wait is None:
        raise TypeError(f"{waiter.name} cannot be waited on")
    progress = _Progress(f"{prog}: {'/'.join(target)}")
    fetch_operation = getattr(api, waiter.operation)
    timeout, interval = parsed.timeout, parsed.poll_interval

    def fetch() -> Any:
        run = fetch_operation(*target)
        progress.saw(_state(run, wait.field))
        return run

    def lines(read_timeout: float) -> Iterator[Any]:
        stream = getattr(api, wait.stream)
        options = {wait.stream_interval: interval, "_request_timeout": read_timeout}
        for line in stream(*target, **options):
            progress.saw(_state(line, wait.field))
            yield line

    try:
        if wait.stream:
            run = wait_for_line(
                lines, fetch, wait.field, wait.until, timeout=timeout, poll_interval=interval
            )
        else:
            run = wait_until(fetch, wait.field, wait.until, timeout=timeout, poll_interval=interval)
    except WaitTimeoutError as error:
        progress.end()
        _say(prog, f"{'/'.join(target)}: still {error.last_state} after {timeout:g} s (--timeout)")
        return EXIT_WAIT_TIMEOUT
    progress.end()
    out.document(run)
    return EXIT_OK if _state(run, wait.field) in SUCCEEDED else EXIT_RUN_FAILED


def _state(answer: Any, field: str) -> Any:
    value = getattr(answer, field, None)
    return getattr(value, "value", value)


class _Progress:
    """Shows a wait's states on stderr: a line per change, or one live line on a terminal."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._live = sys.stderr.isatty()
        self._started = time.monotonic()
        self._last: Any = None
        self._shown = False

    def saw(self, state: Any) -> None:
        elapsed = time.monotonic() - self._started
        if self._live:
            sys.stderr.write(f"\r\033[K{self._label}: {state} ({elapsed:.0f} s)")
        elif not self._shown or state != self._last:
            sys.stderr.write(f"{self._label}: {state} ({elapsed:.1f} s)\n")
        sys.stderr.flush()
        self._last, self._shown = state, True

    def end(self) -> None:
        if self._live and self._shown:
            sys.stderr.write("\n")


# ---------------------------------------------------------------- output


class _Output:
    """Answers as JSON on stdout: a document (indented on a terminal), or one line per item."""

    def __init__(self) -> None:
        self._indent = sys.stdout.isatty()

    def document(self, value: Any) -> None:
        if value is None:
            return
        text = _to_json(value)
        if self._indent:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        self._write(text)

    def line(self, value: Any) -> None:
        self._write(_to_json(value))

    @staticmethod
    def _write(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def _to_json(value: Any) -> str:
    """A model as its `to_json()` (datetimes in RFC 3339), plain JSON values as they came;
    anything else through pydantic."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return str(to_json())
    if value is None or isinstance(value, (dict, list, str, int, float)):
        return json.dumps(value, ensure_ascii=False)
    from .wire import adapter

    return adapter(type(value)).dump_json(value).decode()


def _one_line(error: Exception) -> str:
    """An error as one line: pydantic's first complaint, or the message flattened."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        found = errors()
        where = ".".join(str(part) for part in found[0]["loc"])
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return f"{where}: {found[0]['msg']}{more}" if where else f"{found[0]['msg']}{more}"
    return " ".join(str(error).split())


def _say(prog: str, message: str) -> None:
    sys.stderr.write(f"{prog}: {message}\n")
    sys.stderr.flush()
