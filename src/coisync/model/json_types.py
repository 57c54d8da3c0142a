"""Which models' JSON dumps can hold a float, read from their field types.

Python's ``json`` and orjson write every JSON value the same way except floats (``1e-05``
against ``1e-5``). A model whose dump holds no float can therefore have its canonical text
written by orjson, byte for byte what the standard library writes. The answer is read once per
model class from the declared field types (and a plain field serializer's return type); any
type not known to be float-free (``Any``, ``float``, an unknown class) makes the model not so.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

_LEAVES: frozenset[Any] = frozenset({str, int, bool, type(None), Decimal, date, datetime})
_CONTAINERS: frozenset[Any] = frozenset({list, tuple, set, frozenset, dict, Union, types.UnionType})
_known: dict[type[BaseModel], bool] = {}


def float_free(model: type[BaseModel]) -> bool:
    """Whether no float can appear in ``model``'s JSON dump (``model_dump(mode="json")``)."""
    if model not in _known:
        _known[model] = True  # a model that contains itself: decided by its other fields
        _known[model] = _fields_float_free(model)
    return _known[model]


def _fields_float_free(model: type[BaseModel]) -> bool:
    decorators = model.__pydantic_decorators__
    if decorators.model_serializers:
        return False
    serialized: dict[str, Any] = {}
    for decorator in decorators.field_serializers.values():
        try:
            written = typing.get_type_hints(decorator.func).get("return", Any)
        except (NameError, TypeError):
            written = Any
        for name in decorator.info.fields:
            serialized[name] = written
    for name, field in model.model_fields.items():
        if not _type_float_free(serialized.get(name, field.annotation)):
            return False
    return True


def _type_float_free(kind: Any) -> bool:
    origin = get_origin(kind)
    if origin is None:
        if kind in _LEAVES:
            return True
        if isinstance(kind, type) and issubclass(kind, Enum):
            return not any(isinstance(member.value, float) for member in kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return float_free(kind)
        return False
    if origin is Literal:
        return not any(isinstance(value, float) for value in get_args(kind))
    if origin is typing.Annotated:
        return _type_float_free(get_args(kind)[0])
    if origin in _CONTAINERS:
        return all(_type_float_free(arg) for arg in get_args(kind) if arg is not Ellipsis)
    return False
