"""ACORD 28 property evidence against the required property terms."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import PROPERTY, EvaluationContext, LineRef
from coisync.compliance.results import result
from coisync.compliance.rules.dates import DatesRule
from coisync.model import (
    Answer,
    CoverageRequirement,
    Finding,
    Outcome,
    PropertyEvidence,
    PropertyTermsRequirement,
)
from coisync.model.evidence import EvidenceRow

PERILS_ORDER: tuple[str, ...] = ("basic", "broad", "special")
"""Causes-of-loss forms, narrowest first."""


def _row_text(row: EvidenceRow) -> str:
    extra = f", limit {row.limit}" if row.limit is not None else ""
    return f"{row.answer.value}{extra}"


class PropertyTermsRule:
    """Perils, valuation, coinsurance, business income, required rows and deductible of the ACORD 28."""

    name = "property_terms"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the property checks."""
        terms = context.requirements.property_terms
        if terms is None or context.nothing_received or not context.evidence:
            return
        if context.requirements.coverage(PROPERTY) is None:
            # No property coverage requirement: the dates of the ACORD 28 are judged here.
            requirement = CoverageRequirement(coverage_type=PROPERTY, clause=terms.clause)
            evidence_lines = context.evidence_lines()
            best = context.best_evidence_line()
            dates = DatesRule()
            if best is None:
                yield dates.nothing_in_force(context, requirement, evidence_lines)
            else:
                yield dates.in_force(context, requirement, best)
                yield from dates.gaps(context, requirement, best, evidence_lines)
        best = context.best_evidence_line()
        if best is None or best.evidence is None:
            return
        yield from self._terms(terms, best, best.evidence)

    @staticmethod
    def _terms(
        terms: PropertyTermsRequirement, ref: LineRef, evidence: PropertyEvidence
    ) -> Iterator[Finding]:
        make = partial(result, ref=ref, coverage_type=PROPERTY, clause=terms.clause)
        if terms.perils:
            wanted = terms.perils
            shown = evidence.perils
            if shown is None:
                yield make(
                    FindingCode.PROPERTY_PERILS_INSUFFICIENT,
                    Outcome.UNVERIFIED,
                    f"The ACORD 28 does not show the causes of loss; request evidence of {wanted} form.",
                    required=f"{wanted} form",
                    found="not shown",
                )
            else:
                ok = wanted not in PERILS_ORDER or PERILS_ORDER.index(shown) >= PERILS_ORDER.index(wanted)
                yield make(
                    FindingCode.PROPERTY_PERILS_INSUFFICIENT,
                    Outcome.PASS if ok else Outcome.FAIL,
                    f"Causes of loss: {shown} form"
                    + ("." if ok else f", narrower than the required {wanted} form; request {wanted} form."),
                    required=f"{wanted} form",
                    found=f"{shown} form",
                )
        if terms.valuation:
            yield from PropertyTermsRule._valuation(terms.valuation, evidence, make)
        if terms.max_coinsurance_percent is not None:
            yield from PropertyTermsRule._coinsurance(terms.max_coinsurance_percent, evidence, make)
        if terms.business_income:
            yield PropertyTermsRule._business_income(terms, evidence, make)
        for key, minimum in terms.required_rows.items():
            row = evidence.row(key)
            label = key.replace("_", " ")
            required = f"{label}: yes" + (f", limit at least {minimum}" if minimum is not None else "")
            if row.answer is not Answer.YES:
                outcome, message = Outcome.FAIL, f"The ACORD 28 does not show {label} coverage; request it."
            elif minimum is None or (
                row.limit is not None
                and row.limit.currency == minimum.currency
                and row.limit.amount >= minimum.amount
            ):
                outcome, message = Outcome.PASS, f"{label.capitalize()} coverage is shown."
            elif row.limit is None:
                outcome, message = (
                    Outcome.UNVERIFIED,
                    f"{label.capitalize()} is covered but no limit is shown; request the limit.",
                )
            else:
                outcome, message = (
                    Outcome.FAIL,
                    f"{label.capitalize()} limit {row.limit} is below {minimum}; request a higher limit.",
                )
            yield make(
                FindingCode.PROPERTY_ROW_MISSING,
                outcome,
                message,
                limit_key=key,
                required=required,
                found=_row_text(row),
            )
        if terms.max_deductible is not None and evidence.deductible is not None:
            cap = terms.max_deductible
            over = evidence.deductible.currency == cap.currency and evidence.deductible.amount > cap.amount
            yield make(
                FindingCode.DEDUCTIBLE_EXCEEDS_MAXIMUM,
                Outcome.FAIL if over else Outcome.PASS,
                f"Property deductible {evidence.deductible}"
                + (
                    f" is above the {cap} maximum; request a lower deductible."
                    if over
                    else f" within the {cap} maximum."
                ),
                required=f"deductible at most {cap}",
                found=str(evidence.deductible),
            )

    @staticmethod
    def _valuation(valuation: str, evidence: PropertyEvidence, make: partial[Finding]) -> Iterator[Finding]:
        replacement = evidence.row("replacement_cost").answer is Answer.YES
        agreed = evidence.row("agreed_value").answer is Answer.YES
        ok = agreed if valuation == "agreed_value" else replacement or agreed
        shown = ", ".join(
            name for name, yes in (("replacement cost", replacement), ("agreed value", agreed)) if yes
        )
        label = valuation.replace("_", " ")
        yield make(
            FindingCode.PROPERTY_VALUATION_INSUFFICIENT,
            Outcome.PASS if ok else Outcome.FAIL,
            f"Valuation: {shown or 'not shown as replacement cost or agreed value'}"
            + ("." if ok else f"; request {label} valuation."),
            required=label,
            found=shown or "not shown",
        )

    @staticmethod
    def _coinsurance(maximum: int, evidence: PropertyEvidence, make: partial[Finding]) -> Iterator[Finding]:
        row = evidence.row("coinsurance")
        required = f"coinsurance at most {maximum}%"
        if row.answer is not Answer.YES:
            yield make(
                FindingCode.PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM,
                Outcome.PASS,
                "No coinsurance clause is shown.",
                required=required,
                found=row.answer.value,
            )
        elif row.percent is None:
            yield make(
                FindingCode.PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM,
                Outcome.UNVERIFIED,
                "Coinsurance applies but no percentage is shown; request it.",
                required=required,
                found="yes, percent not shown",
            )
        else:
            over = row.percent > maximum
            yield make(
                FindingCode.PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM,
                Outcome.FAIL if over else Outcome.PASS,
                f"Coinsurance {row.percent}%"
                + (f" is above {maximum}%; request agreed value or a lower percentage." if over else "."),
                required=required,
                found=f"{row.percent}%",
            )

    @staticmethod
    def _business_income(
        terms: PropertyTermsRequirement, evidence: PropertyEvidence, make: partial[Finding]
    ) -> Finding:
        row = evidence.row("business_income")
        months = terms.business_income_months
        required = "business income / rental value" + (f", {months} months" if months else "")
        if row.answer is not Answer.YES:
            return make(
                FindingCode.PROPERTY_BUSINESS_INCOME_MISSING,
                Outcome.FAIL,
                "Business income / rental value is not shown; request it.",
                required=required,
                found=row.answer.value,
            )
        if months and row.months is not None and row.months < months:
            return make(
                FindingCode.PROPERTY_BUSINESS_INCOME_MISSING,
                Outcome.FAIL,
                f"Business income covers {row.months} months, fewer than {months}; request {months} months.",
                required=required,
                found=f"{row.months} months",
            )
        if months and row.months is None and "actual loss" not in (row.extra or "").lower():
            return make(
                FindingCode.PROPERTY_BUSINESS_INCOME_MISSING,
                Outcome.UNVERIFIED,
                f"Business income is shown without its months; confirm at least {months} months.",
                required=required,
                found="yes, months not shown",
            )
        return make(
            FindingCode.PROPERTY_BUSINESS_INCOME_MISSING,
            Outcome.PASS,
            "Business income / rental value is shown.",
            required=required,
            found=_row_text(row),
        )
