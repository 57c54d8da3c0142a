"""Canonical values as plain JSON, so they can be compared, hashed and stored in refs and the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from coisync.jsontext import standard_text


def jsonable(value: Any) -> Any:
    """A JSON-ready copy: dates as ISO text, Decimals as normalised text, enums as values."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump(mode="json"))
    return value


def _default(value: Any) -> Any:
    converted = jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def dumps(value: Any) -> str:
    """Canonical JSON text (sorted keys, no whitespace): the text of :func:`jsonable`'s copy.

    JSON values are encoded directly (:func:`coisync.jsontext.standard_text`); only the values
    JSON has no spelling for (dates, Decimals, models) go through :func:`jsonable`, so the
    common case costs one encoder pass.
    """
    try:
        return standard_text(value, default=_default)
    except TypeError:  # e.g. keys of mixed types, which only jsonable's copy can sort
        return standard_text(jsonable(value))


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested canonical values as ``dotted.target: value`` pairs."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not _is_money(value):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _is_money(value: Mapping[str, Any]) -> bool:
    return set(value) == {"amount", "currency"}
