"""Responses of the mock Airflow: JSON, problem+json errors and the HTML "Ooops!" page."""

# ruff: noqa: E501  (the recorded HTML page is kept line for line)

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Iterable, List, Optional, Tuple

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
HTML = "text/html; charset=utf-8"
DOCS = (
    "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html#section/Errors/"
)
ERROR_TYPES = {
    400: "BadRequest",
    401: "Unauthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    409: "AlreadyExists",
}

# The page Airflow 2.11's webserver answers for an unhandled exception (#51, #61, #100-102).
OOPS_PAGE = (
    "\n"
    "\n"
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "  <head>\n"
    '    <link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/3.3.5/css/bootstrap.min.css">\n'
    "  </head>\n"
    "  <body>\n"
    '    <div class="container">\n'
    "      <h1> Ooops! </h1>\n"
    "      <div>\n"
    "          <pre>\n"
    "Something bad has happened. For security reasons detailed information about the error is not logged.\n"
    "\n"
    "  * You should check your webserver logs and retrieve details of this error.\n"
    "\n"
    "  * When you get the logs, it might explain the reasons, you should also Look for similar issues using:\n"
    "\n"
    '     * <b><a href="https://github.com/apache/airflow/discussions">GitHub Discussions</a></b>\n'
    '     * <b><a href="https://github.com/apache/airflow/issues">GitHub Issues</a></b>\n'
    '     * <b><a href="https://stackoverflow.com/questions/tagged/airflow">Stack Overflow</a></b>\n'
    "     * the usual search engine you use on a daily basis\n"
    "\n"
    "    All those resources might help you to find a solution to your problem.\n"
    "\n"
    "  * if you run Airflow on a Managed Service, consider opening an issue using the service support channels\n"
    "\n"
    "  * only after you tried it all, and have difficulty with diagnosing and fixing the problem yourself,\n"
    "    get the logs with errors, describe results of your investigation so far, and consider creating a\n"
    '    <b><a href="https://github.com/apache/airflow/issues/new/choose">bug report</a></b> including this information.\n'
    "\n"
    "Python version: 3.11.7\n"
    "Airflow version: 2.11.2\n"
    "Node: redacted\n"
    "-------------------------------------------------------------------------------\n"
    "Error! Please contact server admin.</pre>\n"
    "      </div>\n"
    "    </div>\n"
    "  </body>\n"
    "</html>"
)


@dataclass
class Response:
    """An HTTP answer: status, body bytes, Content-Type (None for none) and extra headers.

    ``server`` says whose headers to write: Airflow 2's gunicorn (v1) or Airflow 3's uvicorn
    (v2: lower-case names, ``headers`` before ``content-length`` only if named ``allow``).
    ``stream`` (v2 ``/wait``) is an iterator of lines sent as chunks instead of ``body``.
    """

    status: int
    body: bytes = b""
    content_type: Optional[str] = JSON
    headers: List[Tuple[str, str]] = field(default_factory=list)
    server: str = "gunicorn"
    stream: Optional[Iterable[bytes]] = None


class ApiError(Exception):
    """Raised by request handling to answer with ``response`` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def reason(status: int) -> str:
    """The reason phrase as Werkzeug writes it (``BAD REQUEST``)."""
    try:
        return HTTPStatus(status).phrase.upper()
    except ValueError:
        return "UNKNOWN"


def dumps(obj: Any) -> bytes:
    """JSON the way Airflow's Flask app writes it: indented, sorted keys, ASCII, final newline."""
    return (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode("ascii")


def json_response(obj: Any, status: int = 200) -> Response:
    """A 200 (or ``status``) application/json answer."""
    return Response(status, dumps(obj))


def problem(
    status: int,
    title: str,
    detail: Optional[str] = None,
    type_: Optional[str] = None,
    headers: Optional[List[Tuple[str, str]]] = None,
) -> ApiError:
    """An RFC 7807 error as Airflow sends it (``type`` is its docs URL unless given)."""
    body = {
        "detail": detail,
        "status": status,
        "title": title,
        "type": type_ or DOCS + ERROR_TYPES.get(status, "Unknown"),
    }
    return ApiError(Response(status, dumps(body), PROBLEM_JSON, list(headers or [])))


def bad_request(detail: Optional[str], title: str = "Bad Request") -> ApiError:
    """A 400 problem."""
    return problem(400, title, detail)


def oops() -> ApiError:
    """The HTML 500 page."""
    return ApiError(Response(500, OOPS_PAGE.encode("utf-8"), HTML))


def no_route() -> ApiError:
    """Werkzeug's 404 for a URL that matches no route."""
    return problem(
        404,
        "Not Found",
        "The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again.",
        "about:blank",
        [("Vary", "Cookie")],
    )


def method_not_allowed() -> ApiError:
    """Werkzeug's 405 for a route that exists with other methods."""
    return problem(
        405,
        "Method Not Allowed",
        "The method is not allowed for the requested URL.",
        "about:blank",
        [("Vary", "Cookie")],
    )


def unsupported_media_type(content_type: str) -> ApiError:
    """Connexion's 415 for a body that is not sent as JSON."""
    return problem(
        415,
        "Unsupported Media Type",
        f"Invalid Content-type ({content_type}), expected JSON data",
        "about:blank",
    )
