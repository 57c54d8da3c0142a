"""JSON text on the hot paths: orjson's speed, the standard library's results."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from coisync.http.responses import decode_body
from coisync.jsontext import dumps_sorted, loads


def _standard(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": {"d": 2, "c": [1, 2.5, None, True]}, "é": "ü"},
        {"when": datetime(2026, 6, 1, 12, 30, tzinfo=UTC), "day": date(2026, 6, 1)},
        {"limit": Decimal("1000000.00"), "nested": {"z": "last", "a": "first"}},
        {"big": 2**70},  # past 64 bits: the standard library writes it
        {1: "one", 2: "two"},  # keys that are not text: the standard library writes them
    ],
)
def test_sorted_text_is_what_the_standard_library_writes(value: Any) -> None:
    assert dumps_sorted(value) == _standard(value)
    assert loads(dumps_sorted(value)) == json.loads(_standard(value))


def test_loads_reads_what_orjson_refuses() -> None:
    assert loads('{"n": 1180591620717411303424}') == {"n": 2**70}
    assert math.isnan(loads('{"x": NaN}')["x"])
    assert loads('{"a": "ü"}'.encode("utf-16")) == {"a": "ü"}
    with pytest.raises(json.JSONDecodeError):
        loads("{not json")


def test_a_response_body_in_utf16_is_still_read() -> None:
    request = httpx.Request("GET", "https://platform.test/items")
    body = json.dumps([{"name": "Zoë"}]).encode("utf-16")
    response = httpx.Response(200, content=body, request=request)
    assert decode_body(response) == [{"name": "Zoë"}]
