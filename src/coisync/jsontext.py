"""JSON text on the hot paths: orjson where it gives the same values, the standard library otherwise.

The store holds many small JSON texts (a ref's ``last_known``, an outbox row's payload): a sync
reads and writes one or more per record. orjson reads and writes them several times faster
than the standard library. What orjson refuses (integers past 64 bits, keys that are not
strings, NaN on reading, UTF-16 text) is handed to the standard library, so every text the
standard library reads or writes still works. Written, a value JSON has no spelling for is its
``str`` (dates and datetimes included, as the standard library's ``default=str`` writes them);
unlike the standard library, orjson writes an enum as its value and NaN as ``null``.
"""

from __future__ import annotations

import json
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
