"""Policy terms: deductible or retention cap, occurrence basis, aggregate basis."""

from __future__ import annotations

from collections.abc import Iterator

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.results import result, title_of
from coisync.model import Basis, CoverageRequirement, Finding, Outcome
from coisync.model.vocabulary import CoverageType

CLAIMS_MADE_BY_NATURE: frozenset[str] = frozenset(
    {CoverageType.PROFESSIONAL_LIABILITY.value, CoverageType.CYBER.value}
)
"""Coverages written claims-made as a matter of course; accepted even where occurrence is asked."""


class TermsRule:
    """``deductible_exceeds_maximum``, ``claims_made_not_accepted`` and aggregate-basis checks."""

    name = "terms"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the terms checks."""
        for requirement, ref in context.best_pairs:
            if requirement.max_deductible is not None:
                finding = self._deductible(requirement, ref)
                if finding is not None:
                    yield finding
            if requirement.basis is Basis.OCCURRENCE and ref.line.basis is not None:
                yield self._basis(requirement, ref)
            if requirement.aggregate_applies_per and ref.line.aggregate_applies_per is not None:
                yield self._aggregate_basis(requirement, ref)

    @staticmethod
    def _deductible(requirement: CoverageRequirement, ref: LineRef) -> Finding | None:
        cap = requirement.max_deductible
        assert cap is not None
        title = title_of(requirement.coverage_type)
        clause = requirement.clause_for("max_deductible")
        shown = [
            (label, value)
            for label, value in (("deductible", ref.line.deductible), ("retention", ref.line.retention))
            if value is not None
        ]
        if not shown:
            return None
        over = [
            (label, value)
            for label, value in shown
            if value.currency == cap.currency and value.amount > cap.amount
        ]
        found = ", ".join(f"{label} {value}" for label, value in shown)
        if over:
            label, value = over[0]
            return result(
                FindingCode.DEDUCTIBLE_EXCEEDS_MAXIMUM,
                Outcome.FAIL,
                f"{title}: the {label} of {value} is above the {cap} maximum; request a lower {label} "
                f"or approval of this one.",
                ref=ref,
                required=f"deductible or retention at most {cap}",
                found=found,
                clause=clause,
            )
        return result(
            FindingCode.DEDUCTIBLE_EXCEEDS_MAXIMUM,
            Outcome.PASS,
            f"{title}: {found} within the {cap} maximum.",
            ref=ref,
            required=f"deductible or retention at most {cap}",
            found=found,
            clause=clause,
        )

    @staticmethod
    def _basis(requirement: CoverageRequirement, ref: LineRef) -> Finding:
        title = title_of(requirement.coverage_type)
        clause = requirement.clause_for("basis")
        basis = ref.line.basis
        if basis is Basis.CLAIMS_MADE and requirement.coverage_type not in CLAIMS_MADE_BY_NATURE:
            return result(
                FindingCode.CLAIMS_MADE_NOT_ACCEPTED,
                Outcome.FAIL,
                f"{title} is written claims-made; the requirement is an occurrence form. Request an "
                f"occurrence policy.",
                ref=ref,
                required="occurrence",
                found="claims-made",
                clause=clause,
            )
        accepted = " (claims-made accepted for this coverage)" if basis is Basis.CLAIMS_MADE else ""
        return result(
            FindingCode.CLAIMS_MADE_NOT_ACCEPTED,
            Outcome.PASS,
            f"{title} basis is {basis.value if basis else 'unknown'}{accepted}.",
            ref=ref,
            required="occurrence",
            found=basis.value if basis else None,
            clause=clause,
        )

    @staticmethod
    def _aggregate_basis(requirement: CoverageRequirement, ref: LineRef) -> Finding:
        title = title_of(requirement.coverage_type)
        accepted = ", ".join(item.value for item in requirement.aggregate_applies_per)
        shown = ref.line.aggregate_applies_per
        assert shown is not None
        ok = shown in requirement.aggregate_applies_per
        return result(
            FindingCode.LIMIT_INSUFFICIENT,
            Outcome.PASS if ok else Outcome.FAIL,
            f"{title}: the general aggregate applies per {shown.value}"
            + ("." if ok else f"; the requirement is per {accepted}. Request an aggregate per {accepted}."),
            ref=ref,
            limit_key="general_aggregate",
            required=f"aggregate per {accepted}",
            found=f"per {shown.value}",
            clause=requirement.clause_for("aggregate_applies_per"),
        )
