"""Property-based tests: the engine never raises, improving evidence never worsens, time only ages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from compliance_strategies import (
    CODES,
    as_of_days,
    certificate_lists,
    evidence_lists,
    ratings_rows,
    requirement_sets,
    waiver_lists,
    windows,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coisync.compliance import STATUS_RANK, FindingCode, RatingsTable, evaluate
from coisync.compliance.engine import UNWAIVABLE_CODES
from coisync.model import (
    Certificate,
    CoverageRequirement,
    Evaluation,
    Finding,
    Outcome,
    PropertyEvidence,
    RequirementSet,
    Status,
    Waiver,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KNOWN_CODES = {code.value for code in FindingCode}
PERFECT_NAIC = "99999"


def run(
    certs: list[Certificate],
    reqs: RequirementSet,
    as_of: date,
    evidence: list[PropertyEvidence],
    waivers: list[Waiver],
    rows: list[dict[str, str]] | None,
    window: tuple[int, ...],
) -> Evaluation:
    ratings = RatingsTable.from_rows(rows) if rows is not None else None
    return evaluate(
        certs,
        reqs,
        as_of=as_of,
        party_id="p-1",
        evidence=evidence,
        waivers=waivers,
        ratings=ratings,
        windows=window,
    )


@SETTINGS
@given(
    certs=certificate_lists,
    reqs=requirement_sets,
    as_of=as_of_days,
    evidence=evidence_lists,
    waivers=waiver_lists(),
    rows=ratings_rows,
    window=windows,
)
def test_evaluation_never_raises_and_is_consistent(
    certs: list[Certificate],
    reqs: RequirementSet,
    as_of: date,
    evidence: list[PropertyEvidence],
    waivers: list[Waiver],
    rows: list[dict[str, str]] | None,
    window: tuple[int, ...],
) -> None:
    evaluation = run(certs, reqs, as_of, evidence, waivers, rows, window)
    assert evaluation.status in Status
    assert set(evaluation.findings) <= set(evaluation.results)
    assert {f.code for f in evaluation.results} <= KNOWN_CODES
    for finding in evaluation.results:
        assert Finding.model_validate_json(finding.model_dump_json()) == finding, "findings are valid models"
        assert (finding.outcome is Outcome.WAIVED) == (finding.waiver_id is not None)
        if finding.outcome is Outcome.WAIVED:
            assert finding.code not in UNWAIVABLE_CODES
    has_requirements = bool(reqs.coverages) or reqs.property_terms is not None
    assert (evaluation.status is Status.NOT_REQUIRED) == (not has_requirements)
    if has_requirements and not certs and not evidence:
        assert evaluation.status is Status.MISSING
    assert evaluation == run(certs, reqs, as_of, evidence, waivers, rows, window), "deterministic"


def perfect_line(requirement: CoverageRequirement, certs: list[Certificate], as_of: date) -> dict[str, Any]:
    """A line that meets every item of the requirement and outlives every other date."""
    latest = max(
        [as_of]
        + [
            d
            for c in certs
            for line in c.lines
            for d in (line.effective_date, line.expiration_date)
            if d is not None
        ]
    )
    data: dict[str, Any] = {
        "coverage_type": requirement.coverage_type,
        "insurer_letter": "A",
        "policy_number": "PERFECT-1",
        "effective_date": None,
        "expiration_date": latest + timedelta(days=800),
        "additional_insured": True,
        "subrogation_waived": True,
        "basis": "occurrence",
        "statutory": True,
        "limits": {key: value.model_dump() for key, value in requirement.limits.items()},
    }
    if requirement.aggregate_applies_per:
        data["aggregate_applies_per"] = requirement.aggregate_applies_per[0].value
    return data


def perfect_certificate(
    requirement: CoverageRequirement, reqs: RequirementSet, certs: list[Certificate], as_of: date
) -> Certificate:
    """A new certificate carrying only the perfect line, with every name and endorsement required."""
    holder = (
        reqs.certificate_holder.name
        if reqs.certificate_holder and reqs.certificate_holder.name
        else "Any Holder LLC"
    )
    all_types = sorted(
        {c.coverage_type for c in reqs.coverages}
        | {t for ai in reqs.additional_insureds for t in ai.coverage_types}
    )
    data = {
        "id": "cert-perfect",
        "insured": {"name": "Blue Heron Coffee LLC"},
        "insurers": [{"letter": "A", "name": "Perfect Mutual", "naic": PERFECT_NAIC}],
        "holder": {"name": holder},
        "notice_of_cancellation_days": 365,
        "endorsements": [{"form_number": "CG 20 01"}],
        "description_of_operations": "Waiver of subrogation applies. Primary and non-contributory.",
        "additional_insureds": [
            {
                "name": ai.name,
                "coverage_types": all_types,
                "ongoing_operations": True,
                "completed_operations": True,
            }
            for ai in reqs.additional_insureds
            if ai.name
        ],
        "lines": [perfect_line(requirement, certs, as_of)],
    }
    return Certificate.model_validate(data, strict=False)


@SETTINGS
@given(
    certs=certificate_lists,
    reqs=requirement_sets,
    as_of=as_of_days,
    evidence=evidence_lists,
    waivers=waiver_lists(),
    rows=ratings_rows,
    window=windows,
    pick=st.integers(min_value=0, max_value=10),
)
def test_adding_a_line_that_meets_its_coverage_never_worsens(
    certs: list[Certificate],
    reqs: RequirementSet,
    as_of: date,
    evidence: list[PropertyEvidence],
    waivers: list[Waiver],
    rows: list[dict[str, str]] | None,
    window: tuple[int, ...],
    pick: int,
) -> None:
    if not reqs.coverages:
        return
    requirement = reqs.coverages[pick % len(reqs.coverages)]
    table = [*(rows or []), {"naic": PERFECT_NAIC, "am_best_rating": "A++", "financial_size_class": "XV"}]
    before = run(certs, reqs, as_of, evidence, waivers, table, window)
    improved = [*certs, perfect_certificate(requirement, reqs, certs, as_of)]
    after = run(improved, reqs, as_of, evidence, waivers, table, window)
    assert STATUS_RANK[after.status] >= STATUS_RANK[before.status], (before.findings, after.findings)
    worse_for_coverage = [
        f
        for f in after.findings
        if f.coverage_type == requirement.coverage_type
        and f.outcome is not Outcome.WAIVED
        and f.certificate_id == "cert-perfect"
    ]
    assert worse_for_coverage == []


@SETTINGS
@given(
    certs=certificate_lists,
    reqs=requirement_sets,
    as_of=as_of_days,
    later=st.integers(min_value=1, max_value=900),
    evidence=evidence_lists,
    waivers=waiver_lists(codes=tuple(c for c in CODES if c != "coverage_gap")),
    rows=ratings_rows,
    window=windows,
)
def test_moving_as_of_forward_never_turns_expired_into_compliant(
    certs: list[Certificate],
    reqs: RequirementSet,
    as_of: date,
    later: int,
    evidence: list[PropertyEvidence],
    waivers: list[Waiver],
    rows: list[dict[str, str]] | None,
    window: tuple[int, ...],
) -> None:
    first = run(certs, reqs, as_of, evidence, waivers, rows, window)
    if first.status is not Status.EXPIRED:
        return
    second = run(certs, reqs, as_of + timedelta(days=later), evidence, waivers, rows, window)
    assert second.status is not Status.COMPLIANT, second.findings
