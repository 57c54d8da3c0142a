"""JSON text on the hot paths: orjson where it gives the same values, the standard library otherwise.

The store holds many small JSON texts (a ref's ``last_known``, an outbox row's payload): a sync
reads and writes one or more per record. orjson reads and writes them several times faster
than the standard library. What orjson refuses (integers past 64 bits, keys that are not
strings, NaN on reading, UTF-16 text) is handed to the standard library, so every text the
standard library reads or writes still works. Written, a value JSON has no spelling for is its
``str`` (dates and datetimes included, as the standard library's ``default=str`` writes them);
unlike the standard library, orjson writes an enum as its value and NaN as ``null``.

Where the text itself must not change (canonical JSON, operation ids), :func:`standard_text`
gives the standard library's exact text, through orjson only for values it spells the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def loads(text: str | bytes) -> Any:
    """The value of a JSON text."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps_sorted(value: Any) -> str:
    """Compact JSON text with sorted keys; a value JSON has no spelling for is written as its ``str``."""
    try:
        return orjson.dumps(value, option=_SORTED, default=str).decode("utf-8")
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def is_plain(value: Any) -> bool:
    """Whether ``value`` holds only text, integers, booleans, None, lists and text-keyed dicts:
    values orjson writes exactly as the standard library does (floats are not among them)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    if kind is list:
        return all(is_plain(v) for v in value)
    return False


def compact_bytes(value: Any) -> bytes | None:
    """``json.dumps(value, separators=(",", ":"), ensure_ascii=False)`` as UTF-8, byte for byte
    (keys in their own order: the body an HTTP client sends for ``json=value``), for a plain
    value (:func:`is_plain`); None for any other value, which the caller writes the standard way.
    """
    if not is_plain(value):
        return None
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer past 64 bits, a lone surrogate
        return None


def standard_text(
    value: Any, *, no_floats: bool | None = None, default: Callable[[Any], Any] | None = None
) -> str:
    """``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default)``,
    byte for byte.

    A plain value (:func:`is_plain`, or any value when the caller says ``no_floats``, knowing
    it from the value's type) is written by orjson, several times faster; anything orjson
    refuses (an integer past 64 bits, a lone surrogate) and every other value by the standard
    library, which raises ``TypeError`` for what it cannot write.
    """
    if is_plain(value) if no_floats is None else no_floats:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        except TypeError:
            pass
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default)
