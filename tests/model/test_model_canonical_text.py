"""Canonical JSON text: written by orjson where that is exact, always the standard library's text."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, field_serializer

from coisync.model import Certificate, Evaluation, ExternalRef, Finding, Party
from coisync.model.base import CanonicalModel
from coisync.model.json_types import float_free


def standard_text(model: CanonicalModel) -> str:
    data = model.model_dump(mode="json", context={"canonical": True})
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


texts = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(name=texts, policy=texts, notes=st.text(max_size=40), limit=st.integers(0, 10**15))
def test_certificate_text_is_the_standard_librarys(name: str, policy: str, notes: str, limit: int) -> None:
    certificate = Certificate.model_validate(
        {
            "id": "cert-1",
            "insured": {"name": name},
            "insurers": [{"letter": "A", "name": f"{name} Mutual", "naic": "10001"}],
            "holder": {"name": "Acme Properties LLC"},
            "lines": [
                {
                    "coverage_type": "general_liability",
                    "insurer_letter": "A",
                    "policy_number": policy,
                    "effective_date": date(2026, 1, 1),
                    "expiration_date": date(2027, 1, 1),
                    "limits": {"each_occurrence": limit, "general_aggregate": Decimal(limit) * 2},
                }
            ],
            "description_of_operations": notes,
        },
        strict=False,
    )
    assert float_free(Certificate)
    assert certificate.canonical_json() == standard_text(certificate)


def test_party_text_keeps_its_secret_and_unicode() -> None:
    party = Party.model_validate(
        {"id": "p-1", "kind": "vendor", "legal_name": "Zoë \u2028 Café\x1f LLC", "tax_id": "12-3456789"},
        strict=False,
    )
    assert party.canonical_json() == standard_text(party)
    assert "12-3456789" in party.canonical_json()


def test_models_that_can_hold_floats_keep_the_standard_librarys_spelling() -> None:
    assert not float_free(Finding)
    assert not float_free(Evaluation)
    assert not float_free(ExternalRef)  # last_known holds anything
    finding = Finding.model_validate(
        {"code": "holder_name", "outcome": "pass", "message": "The names match closely.", "score": 0.00001},
        strict=False,
    )
    assert '"score":1e-05' in finding.canonical_json()


class _Plain(BaseModel):
    name: str
    when: date | None = None
    tags: tuple[str, ...] = ()
    nested: dict[str, list[int]] = {}


class _WithAny(BaseModel):
    extra: Any = None


class _WithFloatLiteral(BaseModel):
    rate: Literal[0.5, 1.0] = 0.5


class _SerializesAFloat(BaseModel):
    amount: Decimal = Decimal(1)

    @field_serializer("amount")
    def _as_float(self, value: Decimal) -> float:
        return float(value)


class _Holder(BaseModel):
    inner: _SerializesAFloat


def test_float_free_reads_field_types_and_serializers() -> None:
    assert float_free(_Plain)
    assert not float_free(_WithAny)
    assert not float_free(_WithFloatLiteral)
    assert not float_free(_SerializesAFloat)
    assert not float_free(_Holder)
