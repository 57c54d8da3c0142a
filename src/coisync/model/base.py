"""Shared building blocks of the canonical model: the base class, money, clause citations.

Canonical JSON is the documented interchange format. Every document or JSONL line carries
``format_version`` (:data:`FORMAT_VERSION`); readers refuse versions they do not know.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coisync.jsontext import standard_text
from coisync.model.json_types import float_free

FORMAT_VERSION = 1
"""Version of the canonical JSON format written and read by this release."""

DEFAULT_CURRENCY = "USD"


class CanonicalModel(BaseModel):
    """Base of every canonical model: strict types, unknown keys refused, immutable.

    Strict means no silent coercion: canonical JSON is read with ``model_validate_json``
    (ISO dates and enum values as strings are JSON's own types); TOML and CSV input, whose
    native types differ, is read with ``model_validate(data, strict=False)`` after its own checks.
    """

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        validate_default=True,
    )

    def canonical_json(self) -> str:
        """The canonical JSON text: sorted keys, no whitespace, secrets revealed, nulls kept.

        The text is the standard library's ``json.dumps(data, sort_keys=True, separators=(",",
        ":"), ensure_ascii=False)``. For a model whose dump can hold no float (the only values
        the two spell differently), orjson writes the same text several times faster.
        """
        data = self.model_dump(mode="json", context={"canonical": True})
        return standard_text(data, no_floats=float_free(type(self)))

    def canonical_hash(self) -> str:
        """SHA-256 of the canonical JSON: equal content gives an equal hash on any machine."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def _parse_amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("an amount cannot be true or false")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "").replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    raise ValueError(f"not an amount: {value!r}")


class Money(CanonicalModel):
    """An amount of money: a Decimal and an ISO 4217 currency code.

    In canonical JSON it is ``{"amount": "1000000", "currency": "USD"}``; a bare number or
    numeric string (``1000000``, ``"1,000,000"``) is read as US dollars for convenience.
    """

    amount: Decimal = Field(ge=0, description="Amount, never negative")
    currency: str = Field(default=DEFAULT_CURRENCY, pattern=r"^[A-Z]{3}$")

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            if "amount" in value:
                return {**value, "amount": _parse_amount(value["amount"])}
            return value
        if isinstance(value, Money):
            return value
        return {"amount": _parse_amount(value), "currency": DEFAULT_CURRENCY}

    @classmethod
    def usd(cls, amount: int | str | Decimal) -> Self:
        """Shorthand for an amount in US dollars."""
        return cls(amount=_parse_amount(amount), currency=DEFAULT_CURRENCY)

    def __str__(self) -> str:
        quantized = (
            self.amount.quantize(Decimal(1)) if self.amount == self.amount.to_integral() else self.amount
        )
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{symbol}{quantized:,}"


class Clause(CanonicalModel):
    """Where a requirement came from: document, section and, ideally, the quoted words."""

    document: str = Field(description="Lease, contract or policy name, e.g. 'Lease 2024-117'")
    section: str | None = Field(default=None, description="Section or article, e.g. '§ 12.3(b)'")
    text: str | None = Field(default=None, description="The clause's words, quoted")

    def __str__(self) -> str:
        return f"{self.document} {self.section}".strip() if self.section else self.document


class NamedAddress(CanonicalModel):
    """A legal name with an optional postal address (insured, holder, producer)."""

    name: str = Field(min_length=1)
    address: str | None = None

    @field_validator("address")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
