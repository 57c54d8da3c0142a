"""Named coercions: how one platform value becomes a canonical value, and back.

==========  =====================================================  ===================================
name        forward (platform -> canonical)                        reverse ``format``
==========  =====================================================  ===================================
string      trimmed text; numbers become text; blank is None       (none)
integer     int from a number or numeric text                      ``int`` (default), ``string``
decimal     Decimal from a number or numeric text                  ``string`` (default), ``number``
money       ``{"amount": Decimal, "currency"}`` from ``"$1,000.00"``, ``decimal_string`` (default),
            ``"1000.0"``, numbers, ``{magnitude, unit}``            ``number``, ``magnitude_unit``,
                                                                   ``amount_currency``, ``display``
flag        bool from Y/N, true/false, X, On/Off, 1/0              ``bool`` (default) or ``YES/NO``
                                                                   tokens, e.g. ``Y/N``, ``X/``
date        date from ISO, ``MM/DD/YYYY``, ``M/D/YY`` and more     a ``strftime`` format (ISO default)
datetime    aware datetime (UTC when no offset is given)           a ``strftime`` format (ISO default)
code        a code table lookup (``table = "..."``)                the table's reverse entries
raw         the value unchanged                                    the value unchanged
==========  =====================================================  ===================================

For ``date`` and ``datetime`` the ``format`` is also tried first when reading. Connectors may add
coercions with :func:`register_coercion`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from coisync.mapping.codes import CodeTable
from coisync.mapping.errors import CoercionError
from coisync.mapping.parsing import (
    DEFAULT_CURRENCY,
    is_blank,
    money_amount,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_flag,
    parse_money,
)


@dataclass(frozen=True)
class CoercionOptions:
    """A field's coercion settings from the mapping file.

    Attributes:
        format: Reverse output format (and, for dates, a format tried first when reading).
        currency: Currency of amounts that do not name one.
        table: The code table, for ``code``.
    """

    format: str | None = None
    currency: str = DEFAULT_CURRENCY
    table: CodeTable | None = None


Convert = Callable[[Any, CoercionOptions], Any]
FormatCheck = Callable[[str], str | None]
"""Returns why a ``format`` value is not valid for the coercion, or ``None`` when it is."""


@dataclass(frozen=True)
class Coercion:
    """A named, two-way conversion.

    Attributes:
        name: The name mapping files use in ``coerce = "..."``.
        forward: Platform value to canonical value; raises ``CoercionError``.
        reverse: Canonical value to platform value; raises ``CoercionError``.
        check_format: Validates a field's ``format`` at load time.
        needs_table: The field must name a code table.
        description: One line for ``coisync mappings show``.
    """

    name: str
    forward: Convert
    reverse: Convert
    check_format: FormatCheck
    needs_table: bool = False
    description: str = ""


def _choices(*allowed: str) -> FormatCheck:
    def check(value: str) -> str | None:
        return None if value in allowed else f"format must be one of {', '.join(allowed)}"

    return check


def _no_format(value: str) -> str | None:
    return "this coercion takes no format"


def _strftime(value: str) -> str | None:
    if "%" not in value:
        return "format must be a strftime pattern such as '%m/%d/%Y'"
    try:
        datetime(2000, 1, 2, 3, 4, 5).strftime(value)
    except ValueError as exc:
        return f"format is not a valid strftime pattern ({exc})"
    return None


def _flag_tokens(value: str) -> str | None:
    if value == "bool" or value.count("/") == 1:
        return None
    return "format must be 'bool' or the yes and no spellings separated by '/', e.g. 'Y/N' or 'X/'"


def _string(value: Any, options: CoercionOptions) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, bool | dict | list):
        raise CoercionError(f"expected text, got {type(value).__name__}")
    return str(value).strip()


def _integer(value: Any, options: CoercionOptions) -> int | None:
    if is_blank(value):
        return None
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CoercionError(f"not a whole number: {value!r}")
    return int(number)


def _integer_out(value: Any, options: CoercionOptions) -> Any:
    if value is None:
        return None
    number = _integer(value, options)
    return str(number) if options.format == "string" else number


def _decimal(value: Any, options: CoercionOptions) -> Decimal | None:
    return None if is_blank(value) else parse_decimal(value)


def _decimal_out(value: Any, options: CoercionOptions) -> Any:
    if value is None:
        return None
    number = parse_decimal(value)
    return _number(number) if options.format == "number" else str(number)


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _money(value: Any, options: CoercionOptions) -> dict[str, Any] | None:
    return parse_money(value, options.currency)


def _money_out(value: Any, options: CoercionOptions) -> Any:
    if value is None:
        return None
    amount, currency = money_amount(value)
    fmt = options.format or "decimal_string"
    if fmt == "number":
        return _number(amount)
    if fmt == "magnitude_unit":
        return {"magnitude": _number(amount), "unit": currency}
    if fmt == "amount_currency":
        return {"amount": f"{amount:.2f}", "currency": currency}
    if fmt == "display":
        return f"${amount:,.2f}" if currency == "USD" else f"{currency} {amount:,.2f}"
    return f"{amount:.2f}"


def _flag_out(value: Any, options: CoercionOptions) -> Any:
    if value is None:
        return None
    flag = parse_flag(value)
    fmt = options.format or "bool"
    if fmt == "bool" or flag is None:
        return flag
    yes, no = fmt.split("/")
    return yes if flag else no


def _formats(options: CoercionOptions) -> tuple[str, ...]:
    return (options.format,) if options.format else ()


def _date_out(value: Any, options: CoercionOptions) -> Any:
    day = parse_date(value)
    if day is None:
        return None
    return day.strftime(options.format) if options.format else day.isoformat()


def _datetime_out(value: Any, options: CoercionOptions) -> Any:
    moment = parse_datetime(value)
    if moment is None:
        return None
    if options.format:
        return moment.strftime(options.format)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _code(value: Any, options: CoercionOptions) -> str | None:
    if is_blank(value):
        return None
    assert options.table is not None  # checked when the mapping is loaded
    return options.table.to_canonical(value)[0]


def _code_out(value: Any, options: CoercionOptions) -> str | None:
    if value is None:
        return None
    assert options.table is not None
    return options.table.to_platform(value)


def _raw(value: Any, options: CoercionOptions) -> Any:
    return value


COERCIONS: dict[str, Coercion] = {}
"""Every coercion by name."""


def register_coercion(coercion: Coercion) -> None:
    """Add a coercion mapping files can name.

    Raises:
        ValueError: A coercion of that name exists already.
    """
    if coercion.name in COERCIONS:
        raise ValueError(f"a coercion named {coercion.name!r} is registered already")
    COERCIONS[coercion.name] = coercion


def get_coercion(name: str) -> Coercion:
    """The coercion of that name.

    Raises:
        KeyError: No such coercion; the message lists the valid names.
    """
    try:
        return COERCIONS[name]
    except KeyError:
        raise KeyError(f"unknown coercion {name!r} (valid: {', '.join(sorted(COERCIONS))})") from None


for _coercion in (
    Coercion("string", _string, _string, _no_format, description="text, trimmed"),
    Coercion("integer", _integer, _integer_out, _choices("int", "string"), description="whole number"),
    Coercion("decimal", _decimal, _decimal_out, _choices("string", "number"), description="number"),
    Coercion("money", _money, _money_out, _choices("decimal_string", "number", "magnitude_unit",
                                                   "amount_currency", "display"), description="amount and currency"),
    Coercion("flag", lambda v, o: parse_flag(v), _flag_out, _flag_tokens, description="yes/no"),
    Coercion("date", lambda v, o: parse_date(v, _formats(o)), _date_out, _strftime, description="calendar date"),
    Coercion("datetime", lambda v, o: parse_datetime(v, _formats(o)), _datetime_out, _strftime,
             description="date and time"),
    Coercion("code", _code, _code_out, _no_format, needs_table=True, description="code table"),
    Coercion("raw", _raw, _raw, _no_format, description="unchanged"),
):  # fmt: skip
    register_coercion(_coercion)

__all__ = ["COERCIONS", "Coercion", "CoercionOptions", "Convert", "get_coercion", "register_coercion"]
