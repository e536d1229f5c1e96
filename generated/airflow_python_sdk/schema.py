"""What every generated model is made of: the `Model` conventions, the `DateTime` type and the
`NullWhenUnset` mark.

Models are pydantic dataclasses; importing this module imports pydantic.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, Any, Dict, Type, TypeVar, Union

from pydantic import (
    AwareDatetime,
    GetCoreSchemaHandler,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic_core import CoreSchema, core_schema

from .wire import NullWhenUnset as NullWhenUnset  # for the models: one import
from .wire import adapter, rfc3339

ModelT = TypeVar("ModelT", bound="Model")


class Model:
    """The conversions of openapi-generator's models, on every generated model.

    `to_dict()` gives every field (read-only ones and unknown fields a newer server sent
    included, datetimes as aware `datetime`s); `to_json()` the same as JSON (RFC 3339 dates).
    `X.from_dict(x.to_dict()) == x` and `X.from_json(x.to_json()) == x`. What a request sends
    is not this: it leaves out unset, null and read-only fields.
    """

    def to_dict(self) -> Dict[str, Any]:
        """Every field as a dict (nested models as dicts too)."""
        data: Dict[str, Any] = adapter(type(self)).dump_python(self)
        return data

    def to_json(self) -> str:
        """Every field as JSON text."""
        return adapter(type(self)).dump_json(self).decode()

    @model_serializer(mode="wrap")
    def _with_unknown_fields(self, handler: SerializerFunctionWrapHandler) -> Dict[str, Any]:
        """Serialized, unknown fields kept (pydantic dataclasses would drop them)."""
        data: Dict[str, Any] = handler(self)
        known = getattr(self, "__dataclass_fields__", {})
        data.update((name, value) for name, value in vars(self).items() if name not in known)
        return data

    @classmethod
    def from_dict(cls: Type[ModelT], data: Dict[str, Any]) -> ModelT:
        """The model a dict describes (as `to_dict()` or the server gives it), validated."""
        model: ModelT = adapter(cls).validate_python(data)
        return model

    @classmethod
    def from_json(cls: Type[ModelT], text: Union[str, bytes]) -> ModelT:
        """The model a JSON text describes, validated."""
        model: ModelT = adapter(cls).validate_json(text)
        return model


class _ReadWithFromIsoFormat:
    """Reads a datetime in JSON with `datetime.fromisoformat` (Python 3.11 and later).

    UTC values then share `datetime.timezone.utc`. pydantic's own parser gives every value a
    new tzinfo object that the garbage collector tracks, which made a list of 10,000 runs
    decode about a third slower. The text must end with its offset, so every value is aware.
    Constructed values (Python mode) keep pydantic's AwareDatetime rules.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        python = handler(source)
        if sys.version_info < (3, 11):  # older fromisoformat reads only isoformat()'s output
            return python
        text = core_schema.str_schema(pattern=r"(?:[Zz]|[+-]\d\d:?\d\d)$")
        aware_text = core_schema.custom_error_schema(
            text,
            custom_error_type="datetime_offset",
            custom_error_message="Input should be an RFC 3339 date-time with a timezone offset",
        )
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(
                datetime.fromisoformat, aware_text
            ),
            python_schema=python,
        )


DateTime = Annotated[
    AwareDatetime, _ReadWithFromIsoFormat, PlainSerializer(rfc3339, when_used="json")
]
"""A timezone-aware datetime, sent as RFC 3339 with a `±hh:mm` offset."""
