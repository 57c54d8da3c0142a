"""Canonical values as plain JSON, so they can be compared, hashed and stored in refs and the outbox."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


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


def dumps(value: Any) -> str:
    """Canonical JSON text (sorted keys, no whitespace)."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
