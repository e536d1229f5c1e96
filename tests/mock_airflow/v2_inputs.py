"""Request checks of Airflow 3.3's FastAPI app, and the shapes of its answers.

Bodies and query values are validated with pydantic models declared like Airflow's (same field
types and order, ``extra="forbid"``, the same validators), so the 422 entries are pydantic's own
``{type, loc, msg, input, ctx}`` with FastAPI's ``body``/``query``/``path`` prefix; pydantic is
the one the recorded server ran (2.14). FastAPI's own steps are repeated here: a body is parsed
as JSON only with a JSON Content-Type (none, or another type, is validated as the raw text: 422
``model_attributes_type``, #57/#58), a JSON syntax error is 422 ``json_invalid`` before anything
else (#59), an empty body 422 ``missing`` (#60). Errors are ``{"detail": ...}`` JSON (string,
list or object detail); unexpected exceptions are Starlette's 500 ``text/plain``.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from email.message import Message
from typing import Any, Dict, Generic, List, Optional, Sequence, Tuple, TypeVar, Union

import pydantic_core
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    NonNegativeInt,
    Tag,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from typing_extensions import Annotated, Literal

from .responses import JSON, Response

T = TypeVar("T")
TEXT_PLAIN = "text/plain; charset=utf-8"
VARY = ("vary", "Accept-Encoding")


# ---------------------------------------------------------------- answers


def dumps(obj: Any) -> bytes:
    """Compact JSON as FastAPI/pydantic write it: model key order, raw UTF-8, ``Z`` dates."""
    return pydantic_core.to_json(obj)


def json_response(obj: Any, status: int = 200, headers: Sequence[Tuple[str, str]] = ()) -> Response:
    """An application/json answer of a response model (through Starlette's GZip middleware:
    ``vary``)."""
    return Response(status, dumps(obj), JSON, [*headers, VARY], server="uvicorn")


def error_response(obj: Any, status: int, headers: Sequence[Tuple[str, str]] = ()) -> Response:
    """Starlette's JSONResponse (exception handlers): json.dumps, compact, raw UTF-8, and no
    NaN (a 500 then)."""
    try:
        body = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return Response(500, b"Internal Server Error", TEXT_PLAIN, [], server="uvicorn")
    return Response(status, body.encode("utf-8"), JSON, [*headers, VARY], server="uvicorn")


class V2Error(Exception):
    """Raised by request handling to answer with ``response`` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def http_error(status: int, detail: Any, headers: Sequence[Tuple[str, str]] = ()) -> V2Error:
    """FastAPI's answer to ``HTTPException(status, detail)``: ``{"detail": ...}``."""
    return V2Error(error_response({"detail": detail}, status, headers))


def validation_error(errors: List[Dict[str, Any]]) -> V2Error:
    """422 with the list of validation errors."""
    return V2Error(error_response({"detail": errors}, 422))


def internal_error() -> V2Error:
    """Starlette's ServerErrorMiddleware answer to an unhandled exception (#187, #233)."""
    return V2Error(Response(500, b"Internal Server Error", TEXT_PLAIN, [], server="uvicorn"))


def database_error(reason: str, status: int) -> V2Error:
    """Airflow's handler of database errors: 409 for a unique constraint (#47), else 500 (#109)."""
    from .v2_state import random_id

    message = (
        "Serious error when handling your request. Check logs for more details - you will find it "
        f"in api server when you look for ID {random_id()}"
    )
    detail = {"reason": reason, "statement": "hidden", "orig_error": "hidden", "message": message}
    return http_error(status, detail)


def jsonable(value: Any) -> Any:
    """FastAPI's jsonable_encoder for what an error entry can hold."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, BaseException):
        return {}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def errors_of(exc: ValidationError, *prefix: Any) -> List[Dict[str, Any]]:
    """FastAPI's entries for a pydantic error: loc prefixed, no url, ctx only when present."""
    entries = []
    for error in exc.errors(include_url=False):
        entry = {
            "type": error["type"],
            "loc": [*prefix, *error["loc"]],
            "msg": error["msg"],
            "input": jsonable(error.get("input")),
        }
        if "ctx" in error:
            entry["ctx"] = jsonable(error["ctx"])
        entries.append(entry)
    return entries


# ---------------------------------------------------------------- models (as Airflow declares them)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True, populate_by_name=True)


class DagRunState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class DagRunMutableStates(str, enum.Enum):
    QUEUED = "queued"
    SUCCESS = "success"
    FAILED = "failed"


class TriggerDAGRunPostBody(StrictModel):
    dag_run_id: Optional[str] = None
    data_interval_start: Optional[AwareDatetime] = None
    data_interval_end: Optional[AwareDatetime] = None
    logical_date: Optional[AwareDatetime]
    run_after: Optional[datetime] = None
    conf: Optional[dict] = Field(default_factory=dict)
    note: Optional[str] = None
    partition_key: Optional[str] = None

    @model_validator(mode="after")
    def check_data_intervals(self) -> "TriggerDAGRunPostBody":
        if (self.data_interval_start is None) != (self.data_interval_end is None):
            raise ValueError(
                "Either both data_interval_start and data_interval_end must be provided or both "
                "must be None"
            )
        return self


class DAGRunPatchBody(StrictModel):
    state: Optional[DagRunMutableStates] = None
    note: Optional[str] = Field(None, max_length=1000)


class BulkDAGRunBody(StrictModel):
    dag_run_id: str
    dag_id: Optional[str] = None
    state: Optional[DagRunMutableStates] = None
    note: Optional[str] = Field(None, max_length=1000)


class DAGRunsBatchBody(StrictModel):
    order_by: Optional[str] = None
    page_offset: NonNegativeInt = 0
    page_limit: NonNegativeInt = 100
    dag_ids: Optional[List[str]] = None
    states: Optional[List[Optional[DagRunState]]] = None
    run_after_gte: Optional[AwareDatetime] = None
    run_after_gt: Optional[AwareDatetime] = None
    run_after_lte: Optional[AwareDatetime] = None
    run_after_lt: Optional[AwareDatetime] = None
    logical_date_gte: Optional[AwareDatetime] = None
    logical_date_gt: Optional[AwareDatetime] = None
    logical_date_lte: Optional[AwareDatetime] = None
    logical_date_lt: Optional[AwareDatetime] = None
    start_date_gte: Optional[AwareDatetime] = None
    start_date_gt: Optional[AwareDatetime] = None
    start_date_lte: Optional[AwareDatetime] = None
    start_date_lt: Optional[AwareDatetime] = None
    end_date_gte: Optional[AwareDatetime] = None
    end_date_gt: Optional[AwareDatetime] = None
    end_date_lte: Optional[AwareDatetime] = None
    end_date_lt: Optional[AwareDatetime] = None
    duration_gte: Optional[float] = None
    duration_gt: Optional[float] = None
    duration_lte: Optional[float] = None
    duration_lt: Optional[float] = None
    conf_contains: Optional[str] = None


def _check_selectors(body: Any, extra_active: bool, extra_name: str) -> None:
    """PartitionSelectorMixin._check_exactly_one_selection_mode."""
    has_key = body.partition_key is not None
    has_window = body.partition_date_start is not None or body.partition_date_end is not None
    if sum([extra_active, has_key, has_window]) != 1:
        raise ValueError(
            f"Exactly one of {extra_name}, partition_key, or a partition date window "
            "(partition_date_start / partition_date_end) must be provided."
        )
    start, end = body.partition_date_start, body.partition_date_end
    if start is not None and end is not None and start > end:
        raise ValueError("partition_date_start must be on or before partition_date_end.")


def _only_new_only_failed(data: Any) -> Any:
    """BaseDAGRunClear's before-validator (``data.get`` on a non-dict raises: a 500)."""
    if data.get("only_new") and data.get("only_failed"):
        raise ValueError("only_new and only_failed are mutually exclusive")
    return data


class DAGRunClearBody(StrictModel):
    dry_run: bool = True
    only_failed: bool = False
    only_new: bool = False
    run_on_latest_version: Optional[bool] = None
    note: Optional[str] = Field(None, max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def validate_only_new_only_failed_mutually_exclusive(cls, data: Any) -> Any:
        return _only_new_only_failed(data)


class BulkDAGRunClearBody(StrictModel):
    partition_key: Optional[str] = None
    partition_date_start: Optional[datetime] = None
    partition_date_end: Optional[datetime] = None
    dry_run: bool = True
    only_failed: bool = False
    only_new: bool = False
    run_on_latest_version: Optional[bool] = None
    note: Optional[str] = Field(None, max_length=1000)
    dag_runs: List[BulkDAGRunBody] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def validate_only_new_only_failed_mutually_exclusive(cls, data: Any) -> Any:
        return _only_new_only_failed(data)

    @model_validator(mode="after")
    def validate_exactly_one_selection_mode(self) -> "BulkDAGRunClearBody":
        _check_selectors(self, bool(self.dag_runs), "dag_runs (non-empty)")
        return self


class ClearPartitionsBody(StrictModel):
    partition_key: Optional[str] = None
    partition_date_start: Optional[datetime] = None
    partition_date_end: Optional[datetime] = None
    run_id: Optional[str] = None
    clear_task_instances: bool = False
    dry_run: bool = True

    @model_validator(mode="after")
    def validate_exactly_one_selector(self) -> "ClearPartitionsBody":
        _check_selectors(self, self.run_id is not None, "run_id")
        return self


class BulkAction(str, enum.Enum):
    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"


class BulkActionOnExistence(enum.Enum):
    FAIL = "fail"
    SKIP = "skip"
    OVERWRITE = "overwrite"


class BulkActionNotOnExistence(enum.Enum):
    FAIL = "fail"
    SKIP = "skip"


class BulkBaseAction(StrictModel, Generic[T]):
    action: BulkAction


class BulkCreateAction(BulkBaseAction[T]):
    action: Literal[BulkAction.CREATE]
    entities: List[T]
    action_on_existence: BulkActionOnExistence = BulkActionOnExistence.FAIL


class BulkUpdateAction(BulkBaseAction[T]):
    action: Literal[BulkAction.UPDATE]
    entities: List[T]
    update_mask: Optional[List[str]] = None
    action_on_non_existence: BulkActionNotOnExistence = BulkActionNotOnExistence.FAIL


class BulkDeleteAction(BulkBaseAction[T]):
    action: Literal[BulkAction.DELETE]
    entities: List[Union[str, T]]
    action_on_non_existence: BulkActionNotOnExistence = BulkActionNotOnExistence.FAIL


def _action_discriminator(action: Any) -> str:
    """Airflow's: an unknown or missing action raises, which the server answers with 500 (#187)."""
    return BulkAction(action["action"]).value


class BulkBody(StrictModel, Generic[T]):
    actions: List[
        Annotated[
            Union[
                Annotated[BulkCreateAction[T], Tag("create")],
                Annotated[BulkUpdateAction[T], Tag("update")],
                Annotated[BulkDeleteAction[T], Tag("delete")],
            ],
            Discriminator(_action_discriminator),
        ]
    ]


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str


ADAPTERS: Dict[Any, TypeAdapter] = {}


def _adapter(kind: Any) -> TypeAdapter:
    if kind not in ADAPTERS:
        ADAPTERS[kind] = TypeAdapter(kind)
    return ADAPTERS[kind]


# ---------------------------------------------------------------- bodies


def read_body(content_type: Optional[str], raw: bytes) -> Any:
    """FastAPI's body reading: JSON only for a JSON content type; None when empty."""
    if not raw:
        return None
    if not content_type:
        return raw
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    ):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as err:
            entry = {
                "type": "json_invalid",
                "loc": ["body", err.pos],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": err.msg},
            }
            raise validation_error([entry]) from None
        except UnicodeDecodeError:
            raise internal_error() from None
    return raw


def validate_body(model: Any, body: Any) -> Tuple[Any, List[Dict[str, Any]]]:
    """(the model, errors): ``missing`` for no body, pydantic's errors under ``body``.

    Exceptions other than validation errors (a discriminator or validator that raises) are the
    server's 500.
    """
    if body is None:
        return None, [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    try:
        return _adapter(model).validate_python(body, from_attributes=True), []
    except ValidationError as exc:
        return None, errors_of(exc, "body")
    except Exception:
        raise internal_error() from None


# ---------------------------------------------------------------- query parameters


class Query:
    """Decoded query parameters (``+`` read as a space, repeated keys kept) and typed reads that
    collect FastAPI's validation errors in ``errors``."""

    def __init__(self, pairs: List[Tuple[str, str]]) -> None:
        self.pairs = pairs
        self.errors: List[Dict[str, Any]] = []

    def all(self, name: str) -> List[str]:
        return [value for key, value in self.pairs if key == name]

    def last(self, name: str) -> Optional[str]:
        values = self.all(name)
        return values[-1] if values else None

    def value(self, name: str, kind: Any, default: Any = None, required: bool = False) -> Any:
        """A scalar parameter validated as ``kind`` (the last of repeated values)."""
        raw = self.last(name)
        if raw is None:
            if required:
                self.errors.append(
                    {
                        "type": "missing",
                        "loc": ["query", name],
                        "msg": "Field required",
                        "input": None,
                    }  # fmt: skip
                )
            return default
        try:
            return _adapter(kind).validate_python(raw)
        except ValidationError as exc:
            self.errors.extend(errors_of(exc, "query", name))
            return default

    def values(self, name: str, kind: Any = str) -> Optional[List[Any]]:
        """A repeated parameter (None when absent)."""
        raw = self.all(name)
        if not raw:
            return None
        try:
            return _adapter(List[kind]).validate_python(raw)  # type: ignore[valid-type]
        except ValidationError as exc:
            self.errors.extend(errors_of(exc, "query", name))
            return None

    def raise_errors(self) -> None:
        if self.errors:
            raise validation_error(self.errors)


NonNegative = NonNegativeInt
PositiveFloat = Annotated[float, Field(gt=0.0)]
OptionalDatetime = Optional[datetime]
OptionalFloat = Optional[float]
OptionalDate = Optional[date]
