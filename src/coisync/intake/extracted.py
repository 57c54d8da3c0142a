"""What extraction found: every field with its value, confidence and where it came from.

A :class:`FieldValue` is one certificate field read from one place: an AcroForm field
(``source="form_field"``, ``location`` = the field name), the text layer (``source="text"``,
``location`` = page and position) or a person (``source="manual"``). An :class:`Extraction` is
every field of one document plus the reasons it cannot be trusted as read; it round-trips
through JSON so the review queue can keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

CONFIDENCE_THRESHOLD = 0.85
"""Fields read with less confidence than this send the certificate to review."""

Source = Literal["form_field", "text", "manual", "canonical"]
Method = Literal["acroform", "text", "scan", "canonical"]


def encode_value(value: object) -> Any:
    """A field value as JSON: dates ISO, amounts as strings, the rest as is."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode_value(kind: str, value: Any) -> object:
    """The typed value of a JSON field value of the given kind."""
    if value is None:
        return None
    if kind == "money":
        return Decimal(str(value))
    if kind == "date":
        return date.fromisoformat(str(value))
    return value


@dataclass(frozen=True)
class FieldValue:
    """One field: key, typed value, the raw text, confidence (0-1), source and location."""

    key: str
    kind: str
    value: object
    raw: str
    confidence: float
    source: Source
    location: str

    @property
    def trusted(self) -> bool:
        """True when the reading is at or above the confidence threshold."""
        return self.confidence >= CONFIDENCE_THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "key": self.key,
            "kind": self.kind,
            "value": encode_value(self.value),
            "raw": self.raw,
            "confidence": round(self.confidence, 3),
            "source": self.source,
            "location": self.location,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FieldValue:
        """Read the form :meth:`as_dict` wrote."""
        kind = str(data["kind"])
        return cls(
            key=str(data["key"]),
            kind=kind,
            value=decode_value(kind, data.get("value")),
            raw=str(data.get("raw") or ""),
            confidence=float(data["confidence"]),
            source=data["source"],
            location=str(data.get("location") or ""),
        )


@dataclass
class Extraction:
    """Every field read from one certificate document and why it may not be trusted."""

    form: Literal["acord25", "acord28"]
    method: Method
    fields: dict[str, FieldValue] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def value(self, key: str) -> object:
        """The value of a field, or None."""
        found = self.fields.get(key)
        return None if found is None else found.value

    def put(self, item: FieldValue) -> None:
        """Add or replace a field."""
        self.fields[item.key] = item

    def low_confidence(self, threshold: float = CONFIDENCE_THRESHOLD) -> list[FieldValue]:
        """Fields read with less confidence than the threshold, in key order."""
        return sorted((f for f in self.fields.values() if f.confidence < threshold), key=lambda f: f.key)

    def corrected(self, key: str, kind: str, value: object, raw: str, actor: str) -> Extraction:
        """A copy with one field set by a person (confidence 1, source ``manual``)."""
        fields = dict(self.fields)
        fields[key] = FieldValue(key, kind, value, raw, 1.0, "manual", f"corrected by {actor}")
        return replace(self, fields=fields, reasons=list(self.reasons))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "form": self.form,
            "method": self.method,
            "reasons": list(self.reasons),
            "fields": [self.fields[k].as_dict() for k in sorted(self.fields)],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Read the form :meth:`as_dict` wrote."""
        fields = [FieldValue.from_dict(item) for item in data.get("fields", [])]
        return cls(
            form=data["form"],
            method=data["method"],
            fields={f.key: f for f in fields},
            reasons=[str(r) for r in data.get("reasons", [])],
        )
