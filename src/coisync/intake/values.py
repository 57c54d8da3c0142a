"""Normalisers for the values brokers type on certificates: money, dates, check marks, codes.

Each parser returns ``(value, confidence)``: the normalised value (or None when the text holds
nothing usable) and how sure the reading is, from 0 to 1. A clean, unambiguous spelling gives
1.0; a reading that needed guessing (a two-digit year, a bare ``1`` as an amount) gives less;
text that cannot be read gives ``(None, 0.0)`` so the field goes to review instead of being
silently dropped. Blank text is ``(None, 1.0)``: the certificate really says nothing.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

Reading = tuple[object, float]

_MONEY = re.compile(
    r"^\$?\s*(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<cents>\.\d{1,2})?\s*(?P<suffix>MM|M|K|MIL|MILLION)?$",
    re.IGNORECASE,
)
_SUFFIX = {"K": Decimal(1_000), "M": Decimal(1_000_000), "MM": Decimal(1_000_000), "MIL": Decimal(1_000_000)}
_SUFFIX["MILLION"] = Decimal(1_000_000)
_DECIMAL_WITH_SUFFIX = re.compile(
    r"^\$?\s*(?P<number>\d+\.\d+)\s*(?P<suffix>MM|M|K|MIL|MILLION)$", re.IGNORECASE
)

_US_DATE = re.compile(r"^(?P<m>\d{1,2})[/-](?P<d>\d{1,2})[/-](?P<y>\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")

TRUE_MARKS = frozenset({"x", "y", "yes", "on", "1", "true", "t", "checked", "/1", "/yes", "/on", "✓", "✔"})
FALSE_MARKS = frozenset({"", "n", "no", "off", "0", "false", "f", "/off", "/0", "/no"})

_NAIC = re.compile(r"^\d{5}$")
_LETTER = re.compile(r"^[A-F]$")


def clean_text(raw: str | None) -> str:
    """Text with runs of white space collapsed and the ends trimmed."""
    if raw is None:
        return ""
    return " ".join(str(raw).split())


def parse_money(raw: str | None) -> Reading:
    """Read an amount: ``$1,000,000``, ``1,000,000``, ``1M``, ``$1,000,000.00``, ``2MM``, ``500K``.

    Args:
        raw: The text as printed.

    Returns:
        ``(Decimal, confidence)``; ``(None, 1.0)`` for blank text, ``(None, 0.0)`` for text that
        is not an amount. Amounts below 100 without a suffix read as unlikely limits (0.5).
    """
    text = clean_text(raw)
    if not text:
        return None, 1.0
    match = _MONEY.match(text)
    if match is not None:
        number = Decimal(match.group("number").replace(",", ""))
        if match.group("cents"):
            number += Decimal(match.group("cents"))
        suffix = (match.group("suffix") or "").upper()
        if suffix:
            number *= _SUFFIX[suffix]
        confidence = 1.0
        if "," in match.group("number") and not _well_grouped(match.group("number")):
            confidence = 0.4
        if not suffix and number < 100:
            confidence = min(confidence, 0.5)
        return number.normalize() if number == number.to_integral() else number, confidence
    short = _DECIMAL_WITH_SUFFIX.match(text)
    if short is not None:
        number = Decimal(short.group("number")) * _SUFFIX[short.group("suffix").upper()]
        return number.quantize(Decimal(1)) if number == number.to_integral() else number, 1.0
    return None, 0.0


def _well_grouped(number: str) -> bool:
    head, *groups = number.split(",")
    return 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)


def money_text(value: Decimal) -> str:
    """An amount as canonical JSON writes it (no exponent, no trailing zeros)."""
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value, "f")


def parse_date(raw: str | None) -> Reading:
    """Read a date: ``MM/DD/YYYY``, ``M/D/YY`` (years 2000-2099) or ISO ``YYYY-MM-DD``.

    Two-digit years are read in this century with confidence 0.9; impossible dates give
    ``(None, 0.0)``.
    """
    text = clean_text(raw)
    if not text:
        return None, 1.0
    confidence = 1.0
    match = _ISO_DATE.match(text)
    if match is None:
        match = _US_DATE.match(text)
        if match is None:
            return None, 0.0
        if len(match.group("y")) == 2:
            confidence = 0.9
    year = int(match.group("y"))
    if year < 100:
        year += 2000
    try:
        return date(year, int(match.group("m")), int(match.group("d"))), confidence
    except ValueError:
        return None, 0.0


def parse_check(raw: str | None) -> Reading:
    """Read a check box or a Y/N column: ``X``, ``Y``, ``On``, ``1``, ``/1``, ``Yes`` are true.

    Blank, ``N``, ``No``, ``Off``, ``0`` and ``/Off`` are false (an unchecked box says no).
    Anything else gives ``(None, 0.0)``.
    """
    text = clean_text(raw).casefold()
    if text in TRUE_MARKS:
        return True, 1.0
    if text in FALSE_MARKS:
        return False, 1.0
    return None, 0.0


def parse_yes_no(raw: str | None) -> Reading:
    """Read an explicit Y / N answer (blank stays unknown, unlike a check box)."""
    text = clean_text(raw)
    if not text:
        return None, 1.0
    if text.upper() in {"N/A", "NA"}:
        return None, 1.0
    return parse_check(text)


def parse_answer(raw: str | None) -> Reading:
    """An ACORD 28 grid answer: ``yes``, ``no`` or ``na`` (blank is N/A: the schedule is silent)."""
    text = clean_text(raw).upper().replace(".", "")
    if text in {"", "N/A", "NA"}:
        return "na", 1.0
    if text in {"Y", "YES", "X", "/YES", "/ON", "/1"}:
        return "yes", 1.0
    if text in {"N", "NO", "/NO"}:
        return "no", 1.0
    return None, 0.0


def parse_letter(raw: str | None) -> Reading:
    """An insurer letter A-F."""
    text = clean_text(raw).upper()
    if not text:
        return None, 1.0
    return (text, 1.0) if _LETTER.match(text) else (None, 0.0)


def parse_naic(raw: str | None) -> Reading:
    """A five-digit NAIC company code."""
    text = clean_text(raw).replace(" ", "")
    if not text:
        return None, 1.0
    return (text, 1.0) if _NAIC.match(text) else (None, 0.0)


def parse_text(raw: str | None) -> Reading:
    """Free text with white space collapsed (multi-line text keeps its line breaks)."""
    if raw is None:
        return None, 1.0
    lines = [clean_text(line) for line in str(raw).splitlines()]
    text = "\n".join(line for line in lines if line)
    return (text or None), 1.0


def parse_amount_decimal(text: str) -> Decimal | None:
    """A plain decimal amount or None (used for manual corrections)."""
    value, confidence = parse_money(text)
    if not isinstance(value, Decimal) or confidence < 1.0:
        try:
            return Decimal(text.replace(",", "").replace("$", ""))
        except InvalidOperation:
            return None
    return value


PARSERS = {
    "text": parse_text,
    "money": parse_money,
    "date": parse_date,
    "check": parse_check,
    "yes_no": parse_yes_no,
    "answer": parse_answer,
    "letter": parse_letter,
    "naic": parse_naic,
}
"""Value kind to parser."""
