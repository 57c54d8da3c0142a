"""What a deficiency notice says about each finding: the clause it violates and the fix."""

from __future__ import annotations

from dataclasses import dataclass

from coisync.model import Evaluation, Finding, Outcome

NEEDED_DOCUMENT: dict[str, str] = {
    "additional_insured_missing": "the additional insured endorsement (e.g. CG 20 10 / CG 20 37) naming us",
    "waiver_of_subrogation_missing": "the waiver of subrogation endorsement (e.g. CG 24 04)",
    "primary_noncontributory_missing": "the primary and non-contributory endorsement",
    "notice_of_cancellation_insufficient": "the notice of cancellation endorsement",
    "limit_not_shown": "a certificate (ACORD 25) showing the required limit",
    "holder_mismatch": "a certificate naming the required certificate holder",
    "insurer_rating_unknown": "a certificate showing the insurer's NAIC number",
    "expiration_unknown": "a certificate showing the policy's expiration date",
    "certificate_missing": "a current certificate of insurance (ACORD 25; ACORD 28 for property)",
    "coverage_missing": "a certificate (ACORD 25; ACORD 28 for property) showing the coverage",
}
"""The document that settles an unverified item, by finding code."""

DEFAULT_DOCUMENT = "a current certificate of insurance (ACORD 25) showing this item"


@dataclass(frozen=True)
class NoticeItem:
    """One finding as a notice lists it."""

    code: str
    outcome: str
    coverage: str
    requirement: str
    found: str
    clause: str
    clause_text: str
    fix: str
    document_needed: str

    def key(self) -> tuple[str, str, str]:
        """What identifies the item in a finding set: code, outcome and coverage.

        Texts are left out: they name the day judged ("in force on 2027-02-16"), and a new
        certificate that is still short is the same deficiency, not a new chase.
        """
        return (self.code, self.outcome, self.coverage)


def notice_item(finding: Finding) -> NoticeItem:
    """A finding as the notice shows it."""
    unverified = finding.outcome is Outcome.UNVERIFIED
    coverage = finding.coverage_type or ""
    if finding.limit_key:
        coverage = f"{coverage} {finding.limit_key}".strip()
    return NoticeItem(
        code=finding.code,
        outcome=finding.outcome.value,
        coverage=coverage,
        requirement=finding.required or "",
        found=finding.found or "",
        clause=str(finding.clause) if finding.clause else "",
        clause_text=(finding.clause.text or "") if finding.clause else "",
        fix=finding.message,
        document_needed=NEEDED_DOCUMENT.get(finding.code, DEFAULT_DOCUMENT) if unverified else "",
    )


def open_items(evaluations: tuple[Evaluation, ...]) -> list[NoticeItem]:
    """Every failing or unverified finding of a party, de-duplicated and in a stable order."""
    seen: dict[tuple[str, str, str], NoticeItem] = {}
    for evaluation in evaluations:
        for finding in evaluation.results:
            if finding.outcome in (Outcome.FAIL, Outcome.UNVERIFIED):
                item = notice_item(finding)
                seen.setdefault(item.key(), item)
    return [seen[key] for key in sorted(seen)]


def waived_codes(evaluations: tuple[Evaluation, ...]) -> set[str]:
    """Codes a waiver excuses on the day judged."""
    return {f.code for e in evaluations for f in e.results if f.outcome is Outcome.WAIVED}
