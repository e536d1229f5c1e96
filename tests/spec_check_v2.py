"""Check recorded Airflow 3.3 HTTP exchanges against ``openapi-v2.yaml`` with openapi-core.

``parse_transcripts`` reads ``airflow-3.3-dagruns-transcripts.md`` (``### N. title`` then an
```` ```http ```` block: ``> `` request lines, a blank ``> ``, the request body, then ``< ``
response lines, a blank ``< ``, the response body). ``SpecChecker`` maps each exchange to the
operation it targets and reports every way the spec and the recorded exchange disagree.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

SUMMARIZED = "(body summarized by transcripts.sh"
GUNZIPPED = re.compile(r"^\(\d+ bytes of gzip data; gunzipped by transcripts\.sh:\)$")
STREAM_TIME = re.compile(r"^\[\+\d+(?:\.\d+)?s\] ")  # /wait lines are prefixed with their time
CLIENT_GAVE_UP = re.compile(r"^\(curl exit code \d+: .*\)$")
NDJSON = "application/x-ndjson"


@dataclass
class Exchange:
    """One request and its response, as recorded."""

    number: int
    label: str  # "#21", or "#244a"/"#244b" when one entry holds several exchanges
    title: str
    method: str
    target: str  # the request-target: path and query, as sent
    request_headers: List[Tuple[str, str]]
    request_body: Optional[bytes]  # None: no body was sent
    status: int
    response_headers: List[Tuple[str, str]]
    response_body: bytes
    body_state: str = "full"  # "full", "summarized" (by the recorder) or "absent" (not recorded)
    notes: List[str] = field(default_factory=list)

    def header(self, name: str, response: bool = True) -> Optional[str]:
        headers = self.response_headers if response else self.request_headers
        for key, value in headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> List[Tuple[str, str]]:
        # parse_qsl reads '+' as a space, as the server does (#108).
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def is_stream(self) -> bool:
        """A chunked answer without Content-Type (the /wait NDJSON stream)."""
        return self.header("content-type") is None and bool(
            self.header("transfer-encoding") == "chunked"
        )

    def stream_lines(self) -> List[bytes]:
        return [line for line in self.response_body.split(b"\n") if line.strip()]


def _split_entries(text: str) -> Iterator[Tuple[int, str, str]]:
    matches = list(re.finditer(r"^### (\d+)\. (.*)$", text, flags=re.M))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        yield int(match.group(1)), match.group(2), text[match.end() : end]


def _headers(lines: List[str]) -> List[Tuple[str, str]]:
    pairs = []
    for line in lines:
        name, _, value = line.partition(":")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _parse_block(number: int, title: str, block: List[str]) -> List[Exchange]:
    """The exchanges of one ```http block (usually one; #244 has two)."""
    exchanges: List[Exchange] = []
    i = 0
    while i < len(block):
        if not block[i].startswith("> "):
            i += 1  # curl's own '* ' lines
            continue
        request_line = block[i][2:]
        i += 1
        request_header_lines = []
        while i < len(block) and block[i].startswith(">") and block[i].strip() != ">":
            request_header_lines.append(block[i][2:])
            i += 1
        body_lines: List[str] = []
        if i < len(block) and block[i].strip() == ">":  # the blank '> ' line: a body may follow
            i += 1
            while i < len(block) and not block[i].startswith("<"):
                body_lines.append(block[i])
                i += 1
            body_lines = body_lines[:-1]  # the blank line before the response
        status_line = block[i][2:]
        i += 1
        response_header_lines = []
        while i < len(block) and block[i].strip() != "<":
            response_header_lines.append(block[i][2:])
            i += 1
        i += 1  # the blank '< ' line
        response_lines = []
        while i < len(block) and not block[i].startswith(("> ", "* ")):
            response_lines.append(block[i])
            i += 1
        method, target, _ = request_line.split(" ", 2)
        request_headers = _headers(request_header_lines)
        request_body: Optional[bytes] = "\n".join(body_lines).encode()
        if not body_lines and not any(k.lower() == "content-length" for k, _ in request_headers):
            request_body = None
        exchange = Exchange(
            number=number,
            label=f"#{number}",
            title=title,
            method=method,
            target=target,
            request_headers=request_headers,
            request_body=request_body,
            status=int(status_line.split()[1]),
            response_headers=_headers(response_header_lines),
            response_body=b"",
        )
        _read_response_body(exchange, response_lines)
        exchanges.append(exchange)
    if len(exchanges) > 1:
        for index, exchange in enumerate(exchanges):
            exchange.label = f"#{number}{'abcdefgh'[index]}"
    return exchanges


def _read_response_body(exchange: Exchange, lines: List[str]) -> None:
    if lines and lines[0].startswith(SUMMARIZED):
        exchange.body_state = "summarized"
        exchange.notes.append(lines[0])
        return
    if lines and GUNZIPPED.match(lines[0]):
        exchange.notes.append(lines[0])
        lines = lines[1:]
    if exchange.is_stream:
        kept = []
        for line in lines:
            if CLIENT_GAVE_UP.match(line):
                exchange.notes.append(line)
                continue
            kept.append(STREAM_TIME.sub("", line))
        exchange.response_body = "".join(line + "\n" for line in kept).encode()
        return
    body = "\n".join(lines).encode()
    exchange.response_body = body
    length = exchange.header("content-length")
    if not body and length not in (None, "0"):
        exchange.body_state = "absent"  # a HEAD answer, or a body the recorder left out (#244)


def parse_transcripts(text: str) -> List[Exchange]:
    """Every recorded exchange, in order."""
    exchanges = []
    for number, title, section in _split_entries(text):
        match = re.search(r"^```http\n(.*?)^```", section, flags=re.M | re.S)
        if match is None:
            raise ValueError(f"#{number}: no ```http block")
        lines = match.group(1).split("\n")[:-1]  # the block ends with a newline
        exchanges.extend(_parse_block(number, title, lines))
    return exchanges


class TranscriptRequest:
    """openapi-core's Request protocol for a recorded request."""

    def __init__(self, exchange: Exchange, path_params: Dict[str, str]) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        host = exchange.header("host", response=False) or "localhost"
        self.host_url = f"http://{host}"
        self.path = encode_dot_segments(exchange.path)
        self.method = exchange.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(exchange.query),
            header=Headers(exchange.request_headers),
            cookie=ImmutableMultiDict(_cookies(exchange.header("cookie", response=False))),
            path=dict(path_params),
        )
        content_type = exchange.header("content-type", response=False)
        # No Content-Type: openapi-core then reads the body as the first declared media type.
        self.content_type = content_type.lower() if content_type else None
        self.body = exchange.request_body


class TranscriptResponse:
    """openapi-core's Response protocol for a recorded response (or one /wait line)."""

    def __init__(self, exchange: Exchange, data: bytes, content_type: Optional[str]) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = exchange.status
        self.headers = Headers(
            [(k, v) for k, v in exchange.response_headers if k.lower() != "content-type"]
        )
        self.content_type = content_type
        self.data = data


def _cookies(header: Optional[str]) -> List[Tuple[str, str]]:
    if not header:
        return []
    return [tuple(part.strip().split("=", 1)) for part in header.split(";")]  # type: ignore[misc]


def encode_dot_segments(path: str) -> str:
    """'.' and '..' segments as %2E: openapi-core joins URLs, which would drop them (#71, #73)."""
    return "/".join(
        {".": "%2E", "..": "%2E%2E"}.get(segment, segment) for segment in path.split("/")
    )


def _ndjson_line(value: bytes, **_: Any) -> Any:
    """Deserializer for one NDJSON line: the checker validates a stream line by line."""
    text = value.decode("utf-8")
    if "\n" in text.strip():
        raise ValueError("more than one NDJSON line")
    return json.loads(text)


@dataclass
class Operation:
    operation_id: str
    responses: Dict[str, List[str]]  # each declared status (or range): its media types


class SpecChecker:
    """Maps exchanges to the spec's operations and lists every disagreement."""

    def __init__(self, spec_path: Path) -> None:
        from openapi_core import Config, OpenAPI
        from openapi_core.templating.paths.finders import APICallPathFinder

        config = Config(extra_media_type_deserializers={NDJSON: _ndjson_line})
        self.openapi = OpenAPI.from_file_path(str(spec_path), config=config)
        self.finder = APICallPathFinder(self.openapi.spec)

    def operation(self, exchange: Exchange) -> Optional[Tuple[Operation, Dict[str, str]]]:
        """The operation an exchange targets and its decoded path parameters (None: no route)."""
        from openapi_core.templating.paths.exceptions import PathError

        host = exchange.header("host", response=False) or "localhost"
        url = f"http://{host}{encode_dot_segments(exchange.path)}"
        try:
            found = self.finder.find(exchange.method.lower(), url)
        except PathError:
            return None
        operation = found.operation
        params = {name: unquote(value) for name, value in found.path_result.variables.items()}
        responses = {}
        for status in (operation / "responses").str_keys():
            response = operation / "responses" / status
            content = list((response / "content").str_keys()) if "content" in response else []
            responses[status] = content
        return (
            Operation(
                operation_id=(operation / "operationId").read_str(),
                responses=responses,
            ),
            params,
        )

    def request_errors(self, exchange: Exchange) -> List[str]:
        """Why the spec rejects the recorded request (empty: it is allowed)."""
        from openapi_core.exceptions import OpenAPIError

        found = self.operation(exchange)
        if found is None:
            return ["no operation in the spec"]
        request = TranscriptRequest(exchange, found[1])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # oauth2 is "unsupported", allowEmptyValue
                self.openapi.validate_request(request)
        except OpenAPIError as error:
            return [describe(error)]
        return []

    def response_errors(self, exchange: Exchange) -> List[str]:
        """Why the recorded response does not match what the spec declares for its status."""
        from openapi_core.exceptions import OpenAPIError

        found = self.operation(exchange)
        if found is None:
            return ["no operation in the spec"]
        operation, params = found
        content = _declared_response(operation.responses, exchange.status)
        if content is None:
            return [f"status {exchange.status} is not declared for {operation.operation_id}"]
        content_type = exchange.header("content-type")
        if not content:
            # No content declared: the body must be empty. A Content-Type header on an empty
            # body describes nothing and is not checked (DELETE 204, #190).
            if exchange.response_body:
                return [f"{exchange.status} declares no content, got a body"]
            return []
        media = _media_type(content, content_type)
        if media is None:
            return [f"Content-Type {content_type!r} is not declared (declared: {sorted(content)})"]
        if exchange.body_state != "full":
            return []  # status and content type checked; the body was not recorded in full
        if media == NDJSON:
            bodies = exchange.stream_lines()  # each line against the (one-line) schema
            if not bodies:
                return ["empty stream"]
        else:
            bodies = [exchange.response_body]
        request = TranscriptRequest(exchange, params)
        errors = []
        for body in bodies:
            response = TranscriptResponse(exchange, body, content_type)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.openapi.validate_response(request, response)
            except OpenAPIError as error:
                errors.append(describe(error))
        return errors


def _declared_response(responses: Dict[str, List[str]], status: int) -> Optional[List[str]]:
    """The media types declared for a status (empty: no content), or None if it is not declared."""
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            return responses[key]
    return None


def _media_type(content: List[str], content_type: Optional[str]) -> Optional[str]:
    """The declared media type a response's Content-Type selects (openapi-core's rules)."""
    if content_type is None:
        return content[0]  # openapi-core reads a missing Content-Type as the first one
    essence = content_type.split(";")[0].strip().lower()
    for key in content:
        if key == essence or re.fullmatch(re.escape(key).replace(r"\*", ".*"), essence):
            return key
    return None


def describe(error: BaseException) -> str:
    """An openapi-core error and its causes (schema errors included) as one line."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 4:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.append("; ".join(_schema_error(e) for e in schema_errors))
        else:
            parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    return " <- ".join(parts)[:600]


def _schema_error(error: Any) -> str:
    path = "/".join(str(p) for p in getattr(error, "absolute_path", []))
    message = getattr(error, "message", str(error))
    best = getattr(error, "context", None)
    if best:
        message += " [" + "; ".join(getattr(e, "message", str(e))[:120] for e in best[:4]) + "]"
    return f"{path or '<body>'}: {message}"
