"""What evidence would settle an item the compliance engine could not verify."""

from __future__ import annotations

from coisync.model.vocabulary import coverage_title, limit_title
from coisync.report.model import FindingRow

NEEDED: dict[str, str] = {
    "insurer_rating_unknown": "The insurer's AM Best rating and financial size class (add it to the ratings table)",
    "limit_not_shown": "A certificate that shows the required limit",
    "expiration_unknown": "A certificate that shows the policy's expiration date",
    "additional_insured_missing": "The additional insured endorsement (e.g. ISO CG 20 10 / CG 20 37) naming the required parties",
    "waiver_of_subrogation_missing": "The waiver of subrogation endorsement (e.g. ISO CG 24 04)",
    "primary_noncontributory_missing": "The primary and non-contributory endorsement or policy wording",
    "notice_of_cancellation_insufficient": "The notice of cancellation endorsement showing the days required",
    "holder_mismatch": "A certificate naming the required certificate holder",
    "coverage_gap": "The renewal certificate covering the gap dates",
    "property_perils_insufficient": "An ACORD 28 showing the causes of loss form",
    "property_valuation_insufficient": "An ACORD 28 showing the valuation basis",
    "property_coinsurance_exceeds_maximum": "An ACORD 28 showing the coinsurance percentage",
    "property_business_income_missing": "An ACORD 28 showing business income / rental value",
    "property_row_missing": "An ACORD 28 answering the required row",
}
"""Evidence that settles an unverified item, by finding code."""


def evidence_needed(finding: FindingRow) -> str:
    """One line naming the document or fact that would settle ``finding``."""
    base = NEEDED.get(finding.code)
    if base is None:
        base = f"Evidence of: {finding.required}" if finding.required else finding.message
    where = []
    if finding.coverage_type:
        where.append(coverage_title(finding.coverage_type))
    if finding.limit_key:
        where.append(limit_title(finding.limit_key))
    return f"{base} — {', '.join(where)}" if where else base
