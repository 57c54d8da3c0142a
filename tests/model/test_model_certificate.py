"""The canonical certificate model: money, limits, dates, insurers, unknown coverage types."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from coisync.model import Certificate, CoverageLine, Money, PropertyEvidence
from coisync.model.vocabulary import LIMIT_KEYS, is_known_coverage


def cert_json(**overrides: object) -> str:
    data: dict[str, object] = {
        "id": "cert-1",
        "insured": {"name": "Acme HVAC LLC"},
        "insurers": [{"letter": "A", "name": "Hartford Fire", "naic": "19682"}],
        "lines": [
            {
                "coverage_type": "general_liability",
                "insurer_letter": "A",
                "policy_number": "GL-1",
                "effective_date": "2026-01-01",
                "expiration_date": "2027-01-01",
                "basis": "occurrence",
                "limits": {"each_occurrence": "1,000,000", "general_aggregate": {"amount": "2000000"}},
            }
        ],
    }
    data.update(overrides)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$1,000,000.00", Decimal("1000000.00")),
        ("1000000", Decimal(1000000)),
        (1000000, Decimal(1000000)),
        ({"amount": "250000.50", "currency": "CAD"}, Decimal("250000.50")),
    ],
)
def test_money_accepts_shorthands(raw: object, expected: Decimal) -> None:
    assert Money.model_validate(raw).amount == expected


@pytest.mark.parametrize("raw", ["-5", "one million", True, {"amount": "1", "currency": "usd"}])
def test_money_refuses_nonsense(raw: object) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate(raw)


def test_money_is_decimal_not_float() -> None:
    assert Money.usd("0.1").amount + Money.usd("0.2").amount == Decimal("0.3")
    assert str(Money.usd(1000000)) == "$1,000,000"


def test_certificate_reads_canonical_json() -> None:
    cert = Certificate.model_validate_json(cert_json())
    line = cert.lines[0]
    assert line.limits["each_occurrence"] == Money.usd(1000000)
    assert line.expiration_date == date(2027, 1, 1)
    assert cert.insurer_for(line) is not None
    assert cert.insurer_for(line).naic == "19682"  # type: ignore[union-attr]


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Certificate.model_validate_json(cert_json(colour="red"))


def test_line_names_an_insurer_the_certificate_lacks() -> None:
    with pytest.raises(ValidationError, match="insurer B"):
        Certificate.model_validate_json(
            cert_json(lines=[{"coverage_type": "general_liability", "insurer_letter": "B"}])
        )


def test_expiration_before_effective_is_refused() -> None:
    with pytest.raises(ValidationError, match="before effective"):
        CoverageLine.model_validate_json(
            '{"coverage_type": "auto_liability", "effective_date": "2026-02-01", "expiration_date": "2026-01-01"}'
        )


def test_limit_key_must_belong_to_the_coverage() -> None:
    with pytest.raises(ValidationError, match="not a workers_compensation key"):
        CoverageLine.model_validate_json(
            '{"coverage_type": "workers_compensation", "limits": {"each_occurrence": 1}}'
        )
    line = CoverageLine.model_validate_json(
        '{"coverage_type": "workers_compensation", "limits": {"other:voluntary comp": 1}}'
    )
    assert "other:voluntary comp" in line.limits


def test_unknown_coverage_type_is_kept_as_given() -> None:
    cert = Certificate.model_validate_json(
        cert_json(lines=[{"coverage_type": "marine_cargo", "limits": {"per_shipment": 50000}}])
    )
    assert cert.lines[0].coverage_type == "marine_cargo"
    assert not is_known_coverage("marine_cargo")
    assert cert.lines[0].limits["per_shipment"] == Money.usd(50000)


def test_in_force_is_effective_inclusive_expiration_exclusive() -> None:
    line = CoverageLine.model_validate_json(
        '{"coverage_type": "general_liability", "effective_date": "2026-01-01", "expiration_date": "2027-01-01"}'
    )
    assert not line.in_force_on(date(2025, 12, 31))
    assert line.in_force_on(date(2026, 1, 1))
    assert line.in_force_on(date(2026, 12, 31))
    assert not line.in_force_on(date(2027, 1, 1))


def test_content_hash_is_stable_and_sensitive() -> None:
    a = Certificate.model_validate_json(cert_json())
    b = Certificate.model_validate_json(cert_json())
    c = Certificate.model_validate_json(cert_json(id="cert-2"))
    assert a.canonical_hash() == b.canonical_hash()
    assert a.canonical_hash() != c.canonical_hash()
    assert Certificate.model_validate_json(a.canonical_json()) == a


def test_every_known_coverage_has_limit_keys() -> None:
    for coverage in LIMIT_KEYS:
        assert is_known_coverage(coverage)
        assert LIMIT_KEYS[coverage]


def test_property_evidence_defaults_silent_rows_to_na() -> None:
    evidence = PropertyEvidence.model_validate_json(
        '{"id": "ev-1", "insurer_name": "Zurich", "insured": {"name": "Blue Bottle"},'
        ' "rows": [{"key": "flood", "answer": "yes", "limit": 1000000}]}'
    )
    assert evidence.row("flood").answer == "yes"
    assert evidence.row("earth_movement").answer == "na"
