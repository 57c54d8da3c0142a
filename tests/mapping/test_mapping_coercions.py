"""Every coercion, forward and reverse, as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from coisync.mapping import CodeTable, CoercionError, CoercionOptions, get_coercion, register_coercion
from coisync.mapping.coercions import COERCIONS, Coercion
from coisync.model import Money

USD_1M = {"amount": Decimal(1000000), "currency": "USD"}

FORWARD: list[tuple[str, str, Any, dict[str, Any], Any]] = [
    # test_name, coercion, platform value, options, expected canonical value (or exception type)
    ("string_trim", "string", "  Acme HVAC  ", {}, "Acme HVAC"),
    ("string_blank", "string", "   ", {}, None),
    ("string_none", "string", None, {}, None),
    ("string_int_id", "string", 311823, {}, "311823"),
    ("string_bool_refused", "string", True, {}, CoercionError),
    ("string_dict_refused", "string", {"a": 1}, {}, CoercionError),
    ("integer_text", "integer", "42", {}, 42),
    ("integer_float_whole", "integer", 42.0, {}, 42),
    ("integer_fraction_refused", "integer", "4.5", {}, CoercionError),
    ("integer_word_refused", "integer", "forty", {}, CoercionError),
    ("decimal_text", "decimal", "1,234.50", {}, Decimal("1234.50")),
    ("decimal_nan_refused", "decimal", "NaN", {}, CoercionError),
    ("money_dollar_commas", "money", "$1,000,000.00", {}, USD_1M),
    ("money_float_text", "money", "1000000.0", {}, USD_1M),
    ("money_int", "money", 1000000, {}, USD_1M),
    ("money_float", "money", 1000000.0, {}, USD_1M),
    ("money_cents_kept", "money", "2500.50", {}, {"amount": Decimal("2500.5"), "currency": "USD"}),
    ("money_magnitude_unit", "money", {"magnitude": 1000000, "unit": "USD"}, {}, USD_1M),
    (
        "money_magnitude_cad",
        "money",
        {"magnitude": "5000", "unit": "cad"},
        {},
        {"amount": Decimal(5000), "currency": "CAD"},
    ),
    ("money_amount_currency", "money", {"amount": "1,000,000", "currency": "USD"}, {}, USD_1M),
    ("money_code_prefix", "money", "EUR 2,000", {}, {"amount": Decimal(2000), "currency": "EUR"}),
    ("money_code_suffix", "money", "2,000 GBP", {}, {"amount": Decimal(2000), "currency": "GBP"}),
    (
        "money_default_currency",
        "money",
        "10",
        {"currency": "CAD"},
        {"amount": Decimal(10), "currency": "CAD"},
    ),
    ("money_blank", "money", "", {}, None),
    ("money_blank_magnitude", "money", {"magnitude": None, "unit": "USD"}, {}, None),
    ("money_negative_refused", "money", "-5", {}, CoercionError),
    ("money_text_refused", "money", "one million", {}, CoercionError),
    ("money_bool_refused", "money", True, {}, CoercionError),
    ("money_dict_without_amount", "money", {"value": 5}, {}, CoercionError),
    ("flag_Y", "flag", "Y", {}, True),
    ("flag_N", "flag", "N", {}, False),
    ("flag_yes", "flag", "Yes", {}, True),
    ("flag_true_text", "flag", "true", {}, True),
    ("flag_false_text", "flag", "FALSE", {}, False),
    ("flag_X", "flag", "X", {}, True),
    ("flag_On", "flag", "On", {}, True),
    ("flag_Off", "flag", "off", {}, False),
    ("flag_1", "flag", 1, {}, True),
    ("flag_0_text", "flag", "0", {}, False),
    ("flag_bool", "flag", False, {}, False),
    ("flag_blank", "flag", "", {}, None),
    ("flag_maybe_refused", "flag", "maybe", {}, CoercionError),
    ("flag_2_refused", "flag", 2, {}, CoercionError),
    ("date_iso", "date", "2024-02-22", {}, date(2024, 2, 22)),
    ("date_iso_midnight", "date", "2024-02-22T00:00:00", {}, date(2024, 2, 22)),
    ("date_iso_millis", "date", "2025-03-01T10:15:32.123", {}, date(2025, 3, 1)),
    ("date_space_millis", "date", "2025-03-01 10:15:32.123", {}, date(2025, 3, 1)),
    ("date_iso_z", "date", "2025-03-01T10:15:32Z", {}, date(2025, 3, 1)),
    ("date_us", "date", "02/22/2024", {}, date(2024, 2, 22)),
    ("date_us_short", "date", "2/2/24", {}, date(2024, 2, 2)),
    ("date_us_unpadded", "date", "2/22/2024", {}, date(2024, 2, 22)),
    ("date_slash_iso", "date", "2024/02/22", {}, date(2024, 2, 22)),
    ("date_compact", "date", "20240222", {}, date(2024, 2, 22)),
    ("date_dmy_month_name", "date", "22-Feb-2024", {}, date(2024, 2, 22)),
    ("date_long", "date", "February 22, 2024", {}, date(2024, 2, 22)),
    ("date_short_month", "date", "Feb 22, 2024", {}, date(2024, 2, 22)),
    ("date_ms_json", "date", "/Date(1708560000000)/", {}, date(2024, 2, 22)),
    ("date_day_first_format", "date", "22/02/2024", {"format": "%d/%m/%Y"}, date(2024, 2, 22)),
    ("date_from_datetime", "date", datetime(2024, 2, 22, 9, 0), {}, date(2024, 2, 22)),
    ("date_blank", "date", " ", {}, None),
    ("date_bad_month_refused", "date", "13/45/2024", {}, CoercionError),
    ("date_word_refused", "date", "soon", {}, CoercionError),
    ("date_number_refused", "date", 20240222, {}, CoercionError),
    (
        "datetime_naive_is_utc",
        "datetime",
        "2025-03-01T10:15:32",
        {},
        datetime(2025, 3, 1, 10, 15, 32, tzinfo=UTC),
    ),
    (
        "datetime_offset_kept",
        "datetime",
        "2025-03-01T10:15:32-05:00",
        {},
        datetime(2025, 3, 1, 10, 15, 32, tzinfo=timezone(timedelta(hours=-5))),
    ),
    ("datetime_z", "datetime", "2025-03-01T10:15:32Z", {}, datetime(2025, 3, 1, 10, 15, 32, tzinfo=UTC)),
    ("datetime_date_only", "datetime", "2025-03-01", {}, datetime(2025, 3, 1, tzinfo=UTC)),
    ("datetime_us_time", "datetime", "03/01/2025 10:15:32", {}, datetime(2025, 3, 1, 10, 15, 32, tzinfo=UTC)),
    ("datetime_us_ampm", "datetime", "03/01/2025 10:15 PM", {}, datetime(2025, 3, 1, 22, 15, tzinfo=UTC)),
    ("raw_dict", "raw", {"a": [1, 2]}, {}, {"a": [1, 2]}),
]


@pytest.mark.parametrize(
    ("test_name", "name", "value", "options", "expected"), FORWARD, ids=[r[0] for r in FORWARD]
)
def test_forward(test_name: str, name: str, value: Any, options: dict[str, Any], expected: Any) -> None:
    coercion = get_coercion(name)
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            coercion.forward(value, CoercionOptions(**options))
    else:
        result = coercion.forward(value, CoercionOptions(**options))
        assert result == expected
        assert type(result) is type(expected)


REVERSE: list[tuple[str, str, Any, dict[str, Any], Any]] = [
    ("string", "string", " x ", {}, "x"),
    ("integer_default", "integer", "7", {}, 7),
    ("integer_string", "integer", 7, {"format": "string"}, "7"),
    ("decimal_string", "decimal", Decimal("1.50"), {}, "1.50"),
    ("decimal_number", "decimal", Decimal("2"), {"format": "number"}, 2),
    ("money_default_decimal_string", "money", USD_1M, {}, "1000000.00"),
    ("money_from_model", "money", Money.usd(2500), {}, "2500.00"),
    ("money_number", "money", USD_1M, {"format": "number"}, 1000000),
    (
        "money_number_cents",
        "money",
        {"amount": Decimal("10.5"), "currency": "USD"},
        {"format": "number"},
        10.5,
    ),
    (
        "money_magnitude_unit",
        "money",
        USD_1M,
        {"format": "magnitude_unit"},
        {"magnitude": 1000000, "unit": "USD"},
    ),
    (
        "money_amount_currency",
        "money",
        USD_1M,
        {"format": "amount_currency"},
        {"amount": "1000000.00", "currency": "USD"},
    ),
    ("money_display", "money", USD_1M, {"format": "display"}, "$1,000,000.00"),
    ("money_display_eur", "money", {"amount": "5", "currency": "EUR"}, {"format": "display"}, "EUR 5.00"),
    ("money_none", "money", None, {}, None),
    ("flag_bool", "flag", True, {}, True),
    ("flag_yn", "flag", False, {"format": "Y/N"}, "N"),
    ("flag_x_blank", "flag", False, {"format": "X/"}, ""),
    ("flag_x", "flag", True, {"format": "X/"}, "X"),
    ("flag_on_off", "flag", True, {"format": "On/Off"}, "On"),
    ("flag_true_false_text", "flag", False, {"format": "true/false"}, "false"),
    ("date_iso", "date", date(2024, 2, 22), {}, "2024-02-22"),
    ("date_us", "date", date(2024, 2, 2), {"format": "%m/%d/%Y"}, "02/02/2024"),
    ("date_from_text", "date", "2024-02-22", {"format": "%m/%d/%y"}, "02/22/24"),
    ("datetime_iso_z", "datetime", datetime(2025, 3, 1, 10, 0, tzinfo=UTC), {}, "2025-03-01T10:00:00Z"),
    (
        "datetime_converted_to_utc",
        "datetime",
        datetime(2025, 3, 1, 5, 0, tzinfo=timezone(timedelta(hours=-5))),
        {},
        "2025-03-01T10:00:00Z",
    ),
    (
        "datetime_format",
        "datetime",
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        {"format": "%Y-%m-%d %H:%M"},
        "2025-03-01 10:00",
    ),
    ("raw", "raw", [1], {}, [1]),
]


@pytest.mark.parametrize(
    ("test_name", "name", "value", "options", "expected"), REVERSE, ids=[r[0] for r in REVERSE]
)
def test_reverse(test_name: str, name: str, value: Any, options: dict[str, Any], expected: Any) -> None:
    result = get_coercion(name).reverse(value, CoercionOptions(**options))
    assert result == expected
    assert type(result) is type(expected)


def test_money_round_trip_through_every_format() -> None:
    money = get_coercion("money")
    for fmt in ("decimal_string", "number", "magnitude_unit", "amount_currency", "display"):
        out = money.reverse(USD_1M, CoercionOptions(format=fmt))
        assert money.forward(out, CoercionOptions()) == USD_1M, fmt


def test_code_coercion_uses_the_table_both_ways() -> None:
    table = CodeTable("status", {"Compliant": "compliant", "Deficient": "non_compliant"}, unknown="error")
    code = get_coercion("code")
    assert code.forward(" compliant ", CoercionOptions(table=table)) == "compliant"
    assert code.reverse("non_compliant", CoercionOptions(table=table)) == "Deficient"
    with pytest.raises(CoercionError, match="not in code table"):
        code.forward("Unknown", CoercionOptions(table=table))


@pytest.mark.parametrize(
    ("name", "fmt", "valid"),
    [
        ("money", "display", True),
        ("money", "euros", False),
        ("flag", "Y/N", True),
        ("flag", "bool", True),
        ("flag", "YN", False),
        ("date", "%m/%d/%Y", True),
        ("date", "MM/DD/YYYY", False),
        ("string", "upper", False),
        ("integer", "string", True),
    ],
)
def test_format_checks(name: str, fmt: str, valid: bool) -> None:
    assert (get_coercion(name).check_format(fmt) is None) is valid


def test_unknown_coercion_lists_valid_names() -> None:
    with pytest.raises(KeyError, match=r"unknown coercion 'moneyy' \(valid: .*money"):
        get_coercion("moneyy")


def test_register_coercion_refuses_duplicates_and_adds_new() -> None:
    upper = Coercion("upper_test", lambda v, o: str(v).upper(), lambda v, o: str(v).lower(), lambda f: None)
    register_coercion(upper)
    try:
        assert get_coercion("upper_test").forward("ab", CoercionOptions()) == "AB"
        with pytest.raises(ValueError, match="registered already"):
            register_coercion(upper)
    finally:
        COERCIONS.pop("upper_test")
