"""Parsers and formatters for the values platforms send: money, yes/no flags, dates.

Each parser accepts the spellings seen across lease-administration platforms and raises
:class:`~coisync.mapping.errors.CoercionError` with a reason for anything else. ``None`` and
blank text mean "no value" and give ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from coisync.mapping.errors import CoercionError

DEFAULT_CURRENCY = "USD"

TRUE_WORDS = frozenset({"y", "yes", "true", "t", "x", "on", "1", "checked"})
FALSE_WORDS = frozenset({"n", "no", "false", "f", "off", "0", "unchecked"})

_CURRENCY_CODE = re.compile(r"^(?:(?P<pre>[A-Za-z]{3})\s*)?(?P<num>.*?)(?:\s*(?P<post>[A-Za-z]{3}))?$")

# Text formats tried after ISO 8601; each guarded by a pattern so 2-digit years never parse as year 24.
_DATE_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%m/%d/%Y"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{2}$"), "%m/%d/%y"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%m-%d-%Y"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "%Y/%m/%d"),
    (re.compile(r"^\d{8}$"), "%Y%m%d"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "%d-%b-%Y"),
    (re.compile(r"^[A-Za-z]{3} \d{1,2}, \d{4}$"), "%b %d, %Y"),
    (re.compile(r"^[A-Za-z]{4,} \d{1,2}, \d{4}$"), "%B %d, %Y"),
)
_DATETIME_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(:\d{2})?$"), "%m/%d/%Y %H:%M:%S"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(:\d{2})? ?[AaPp][Mm]$"), "%m/%d/%Y %I:%M:%S %p"),
)
_MS_JSON_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<tz>[+-]\d{4})?\)/$")


def is_blank(value: Any) -> bool:
    """True for ``None`` and whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_decimal(value: Any) -> Decimal:
    """A number from an int, float, Decimal or numeric text (``"1,000,000.00"``, ``"$5"``)."""
    if isinstance(value, bool):
        raise CoercionError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "").replace("_", "").replace(" ", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise CoercionError(f"not a number: {value!r}") from None
    else:
        raise CoercionError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise CoercionError(f"not a finite number: {value!r}")
    return result


def normalise_amount(amount: Decimal) -> Decimal:
    """``1000000.00`` and ``1000000.0`` become the same Decimal, so equal amounts hash equal."""
    if amount == amount.to_integral_value():
        return Decimal(int(amount))
    return amount.normalize()


def parse_money(value: Any, currency: str = DEFAULT_CURRENCY) -> dict[str, Any] | None:
    """Money as ``{"amount": Decimal, "currency": "USD"}``.

    Accepts ``"$1,000,000.00"``, ``"1000000.0"``, ``"USD 5,000"``, numbers, and the dict shapes
    ``{"magnitude": n, "unit": "USD"}`` and ``{"amount": n, "currency": "USD"}``.
    """
    if is_blank(value):
        return None
    if isinstance(value, Mapping):
        amount_key = "magnitude" if "magnitude" in value else "amount" if "amount" in value else None
        if amount_key is None:
            raise CoercionError(f"a money object needs 'amount' or 'magnitude', got keys {sorted(value)}")
        unit = value.get("unit", value.get("currency")) or currency
        if is_blank(value[amount_key]):
            return None
        amount = parse_decimal(value[amount_key])
        currency = str(unit).strip().upper()
    elif isinstance(value, str):
        match = _CURRENCY_CODE.match(value.strip())
        assert match is not None  # the pattern matches any text
        code = match.group("pre") or match.group("post")
        try:
            amount = parse_decimal(match.group("num"))
        except CoercionError:
            raise CoercionError(f"not an amount of money: {value!r}") from None
        currency = code.upper() if code else currency
    else:
        amount = parse_decimal(value)
    if amount < 0:
        raise CoercionError(f"a limit cannot be negative: {value!r}")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise CoercionError(f"not a currency code: {currency!r}")
    return {"amount": normalise_amount(amount), "currency": currency}


def money_amount(value: Any) -> tuple[Decimal, str]:
    """Amount and currency of a canonical money value (``Money``, dict or number)."""
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return Decimal(value.amount), str(value.currency)
    parsed = parse_money(value)
    if parsed is None:
        raise CoercionError("no amount")
    return parsed["amount"], parsed["currency"]


def parse_flag(value: Any) -> bool | None:
    """A yes/no flag: ``Y``/``N``, ``true``/``false``, ``X``, ``On``/``Off``, ``1``/``0``, booleans."""
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return None
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise CoercionError(f"not a yes/no value: {value!r}")


@lru_cache(maxsize=8192)
def _datetime_from_text(text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    ms = _MS_JSON_DATE.match(text)
    if ms:
        return datetime.fromtimestamp(int(ms.group("ms")) / 1000, tz=UTC)
    for pattern, fmt in (*_DATE_FORMATS, *_DATETIME_FORMATS):
        if pattern.match(text):
            for candidate in (fmt, fmt.replace(":%S", "")):
                try:
                    return datetime.strptime(text, candidate)
                except ValueError:
                    continue
    raise CoercionError(f"not a date: {text!r}")


def parse_date(value: Any, formats: tuple[str, ...] = ()) -> date | None:
    """A calendar date from ISO text (with or without time), US ``MM/DD/YYYY``/``M/D/YY`` and more.

    Args:
        value: The platform value.
        formats: ``strptime`` formats to try first (e.g. ``("%d/%m/%Y",)`` for day-first platforms).
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise CoercionError(f"expected a date, got {type(value).__name__}")
    return _datetime_from_text(value.strip(), formats).date()


def parse_datetime(value: Any, formats: tuple[str, ...] = ()) -> datetime | None:
    """A timezone-aware datetime; text without an offset is taken as UTC, a bare date as midnight UTC."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        result = _datetime_from_text(value.strip(), formats)
    else:
        raise CoercionError(f"expected a date and time, got {type(value).__name__}")
    return result if result.tzinfo else result.replace(tzinfo=UTC)


__all__ = [
    "DEFAULT_CURRENCY",
    "is_blank",
    "money_amount",
    "normalise_amount",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_flag",
    "parse_money",
]
