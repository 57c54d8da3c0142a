"""JSON text on the hot paths: orjson's speed, the standard library's results."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coisync.http.responses import decode_body
from coisync.jsontext import compact_bytes, dumps_sorted, is_plain, loads
from coisync.sync.values import dumps as values_dumps


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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text() | st.floats(allow_nan=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(value=json_values)
def test_value_text_is_the_standard_librarys(value: Any) -> None:
    try:
        expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:  # a lone surrogate key pair the standard library cannot sort either
        return
    assert values_dumps(value) == expected


def test_values_json_has_no_spelling_for_still_get_one() -> None:
    text = values_dumps({"when": date(2026, 6, 1), "limit": Decimal("1000000.00"), "rate": 1e-05})
    assert text == '{"limit":"1000000","rate":1e-05,"when":"2026-06-01"}'


def _httpx_body(value: Any) -> bytes:
    """The body httpx sends for ``json=value``."""
    return httpx.Request("POST", "https://platform.test/", json=value).content


@settings(max_examples=400, deadline=None)
@given(value=json_values)
def test_compact_bytes_are_the_body_httpx_sends_or_none(value: Any) -> None:
    assume(value is not None)  # json=None is no body at all
    try:
        expected = _httpx_body(value)
    except ValueError:  # NaN is refused by both
        return
    made = compact_bytes(value)
    if made is None:  # left to the standard way: a float, an integer past 64 bits, a lone surrogate
        assert not is_plain(value) or _orjson_refuses(value)
    else:
        assert made == expected


def _orjson_refuses(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return True
    return False


def test_compact_bytes_keep_key_order_and_leave_floats_to_the_standard_library() -> None:
    assert compact_bytes({"updates": [{"id": 7, "status": "compliant", "notes": "é"}]}) == (
        '{"updates":[{"id":7,"status":"compliant","notes":"é"}]}'.encode()
    )
    assert compact_bytes({"limit": 1e16}) is None  # orjson spells it 1e16, the standard library 1e+16
    assert compact_bytes({"n": 2**70}) is None
