"""Small builders for compliance-engine tests: a certificate, a line, a requirement set."""

from __future__ import annotations

from datetime import date
from typing import Any

from coisync.model import Certificate, CoverageLine, CoverageRequirement, RequirementSet

AS_OF = date(2026, 6, 1)
OWNER = "Acme Properties LLC"
MANAGER = "Harbor Point Management Inc."


def line(coverage_type: str = "general_liability", **overrides: Any) -> CoverageLine:
    """An in-force line (2026-01-01 to 2027-01-01) with GL-style limits unless overridden."""
    data: dict[str, Any] = {
        "coverage_type": coverage_type,
        "insurer_letter": "A",
        "policy_number": f"{coverage_type[:3].upper()}-1",
        "effective_date": date(2026, 1, 1),
        "expiration_date": date(2027, 1, 1),
        "limits": {"each_occurrence": 1_000_000, "general_aggregate": 2_000_000}
        if coverage_type == "general_liability"
        else {},
    }
    data.update(overrides)
    return CoverageLine.model_validate(data, strict=False)


def certificate(*lines: CoverageLine, cert_id: str = "cert-1", **overrides: Any) -> Certificate:
    """A certificate with the given lines, insurer A (NAIC 10001) and the owner as holder."""
    data: dict[str, Any] = {
        "id": cert_id,
        "insured": {"name": "Blue Heron Coffee LLC"},
        "insurers": [{"letter": "A", "name": "Hartwell Mutual", "naic": "10001"}],
        "holder": {"name": OWNER},
        "lines": [item.model_dump() for item in lines],
    }
    data.update(overrides)
    return Certificate.model_validate(data, strict=False)


def gl_requirement(**overrides: Any) -> CoverageRequirement:
    """General liability $1M / $2M."""
    data: dict[str, Any] = {
        "coverage_type": "general_liability",
        "limits": {"each_occurrence": 1_000_000, "general_aggregate": 2_000_000},
    }
    data.update(overrides)
    return CoverageRequirement.model_validate(data, strict=False)


def requirements(*coverages: CoverageRequirement, **overrides: Any) -> RequirementSet:
    """A requirement set with the given coverages (GL $1M/$2M when none)."""
    data: dict[str, Any] = {"coverages": [c.model_dump() for c in (coverages or (gl_requirement(),))]}
    data.update(overrides)
    return RequirementSet.model_validate(data, strict=False)
