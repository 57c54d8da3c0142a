"""Normalising the values brokers type: money, dates, check marks, letters, NAIC codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from coisync.intake.values import parse_answer, parse_check, parse_date, parse_letter, parse_money, parse_naic


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("$1,000,000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1M", 1_000_000),
        ("$1,000,000.00", 1_000_000),
        ("2MM", 2_000_000),
        ("500K", 500_000),
        ("$ 2,000,000", 2_000_000),
        ("1.5M", 1_500_000),
        ("10000", 10_000),
        ("$5,000.50", Decimal("5000.50")),
    ],
)
def test_money_spellings_read_as_the_same_amount(raw: str, amount: int | Decimal) -> None:
    value, confidence = parse_money(raw)
    assert value == Decimal(amount)
    assert confidence == 1.0


@pytest.mark.parametrize("raw", ["1,OOO,OOO", "one million", "$1,00,000", "12 34"])
def test_unreadable_or_suspicious_amounts_are_not_trusted(raw: str) -> None:
    value, confidence = parse_money(raw)
    assert confidence < 0.85, (raw, value)


def test_blank_amount_is_absent_not_doubtful() -> None:
    assert parse_money("  ") == (None, 1.0)


@pytest.mark.parametrize(
    ("raw", "day", "sure"),
    [
        ("01/05/2026", date(2026, 1, 5), True),
        ("1/5/26", date(2026, 1, 5), False),
        ("2026-01-05", date(2026, 1, 5), True),
        ("12-31-2026", date(2026, 12, 31), True),
    ],
)
def test_dates(raw: str, day: date, sure: bool) -> None:
    value, confidence = parse_date(raw)
    assert value == day
    assert (confidence == 1.0) is sure
    assert confidence >= 0.85


@pytest.mark.parametrize("raw", ["13/01/2026", "02/30/2026", "Jan 5", "2026/01/05"])
def test_impossible_or_unknown_dates_get_zero_confidence(raw: str) -> None:
    assert parse_date(raw) == (None, 0.0)


@pytest.mark.parametrize("raw", ["X", "x", "Y", "On", "1", "/1", "Yes", "/Yes", "/On"])
def test_check_marks_read_true(raw: str) -> None:
    assert parse_check(raw) == (True, 1.0)


@pytest.mark.parametrize("raw", ["", "N", "No", "Off", "/Off", "0"])
def test_blank_and_off_read_false(raw: str) -> None:
    assert parse_check(raw) == (False, 1.0)


def test_unknown_mark_is_doubtful() -> None:
    assert parse_check("maybe") == (None, 0.0)


def test_letters_naic_and_answers() -> None:
    assert parse_letter(" b ") == ("B", 1.0)
    assert parse_letter("G") == (None, 0.0)
    assert parse_naic("25674") == ("25674", 1.0)
    assert parse_naic("2567") == (None, 0.0)
    assert parse_answer("Y") == ("yes", 1.0)
    assert parse_answer("N/A") == ("na", 1.0)
    assert parse_answer("") == ("na", 1.0)
    assert parse_answer("perhaps") == (None, 0.0)
