"""Property tests: reverse then forward gives the value back, for money, dates, flags and paths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from coisync.mapping import CoercionOptions, get_coercion, parse_path

amounts = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
MONEY_FORMATS = ("decimal_string", "number", "magnitude_unit", "amount_currency", "display")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "%d-%b-%Y", "%B %d, %Y")


@given(amount=amounts, fmt=st.sampled_from(MONEY_FORMATS), currency=st.sampled_from(["USD", "CAD", "EUR"]))
def test_money_round_trip(amount: Decimal, fmt: str, currency: str) -> None:
    money = get_coercion("money")
    canonical = money.forward({"amount": str(amount), "currency": currency}, CoercionOptions())
    written = money.reverse(canonical, CoercionOptions(format=fmt))
    assert money.forward(written, CoercionOptions(currency=currency)) == canonical


@given(
    day=st.dates(min_value=date(1971, 1, 1), max_value=date(2068, 12, 31)), fmt=st.sampled_from(DATE_FORMATS)
)
def test_date_round_trip(day: date, fmt: str) -> None:
    coercion = get_coercion("date")
    written = coercion.reverse(day, CoercionOptions(format=fmt))
    assert coercion.forward(written, CoercionOptions()) == day


@given(
    flag=st.booleans(), fmt=st.sampled_from(["bool", "Y/N", "X/", "On/Off", "true/false", "1/0", "yes/no"])
)
def test_flag_round_trip(flag: bool, fmt: str) -> None:
    coercion = get_coercion("flag")
    written = coercion.reverse(flag, CoercionOptions(format=fmt))
    back = coercion.forward(written, CoercionOptions())
    assert back is flag or (written == "" and back is None and flag is False)


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
steps = st.lists(st.one_of(names, st.integers(min_value=0, max_value=3)), min_size=1, max_size=5).filter(
    lambda s: isinstance(s[0], str)
)


@given(path_steps=steps, value=st.one_of(st.integers(), st.text(max_size=5), st.none()))
def test_path_set_then_get(path_steps: list[Any], value: Any) -> None:
    text = ""
    for step in path_steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    path = parse_path(text)
    assert str(path) == text
    data: dict[str, Any] = {}
    path.set(data, value)
    assert path.get(data) == value
