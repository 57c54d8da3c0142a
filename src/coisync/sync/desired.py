"""What coisync wants each platform record to show, computed once from a party's verdict.

The values are canonical (status vocabulary of :class:`coisync.model.Status`, ISO dates, plain
text); each connector's mapping turns them into its platform's spelling on the way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from coisync.compliance import STATUS_RANK
from coisync.model import Certificate, CoverageLine, Evaluation, Finding, Outcome, Severity, Status
from coisync.portfolio import PartyVerdict
from coisync.store import PartyBundle

SUMMARY_LIMIT = 500
"""Longest deficiency summary written to a platform field, in characters."""


def _active(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.outcome in (Outcome.FAIL, Outcome.UNVERIFIED)]


def summary(status: Status, findings: Sequence[Finding]) -> str:
    """A short plain-English deficiency summary for a platform field."""
    active = _active(findings)
    if status is Status.COMPLIANT or not active:
        return ""
    failing = [f.message for f in active if f.outcome is Outcome.FAIL]
    needed = [f.message for f in active if f.outcome is Outcome.UNVERIFIED]
    parts = []
    if failing:
        parts.append("; ".join(dict.fromkeys(failing)))
    if needed:
        parts.append("Evidence needed: " + "; ".join(dict.fromkeys(needed)))
    text = " | ".join(parts)
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


ByCoverage = dict[str, list[Finding]]
"""A party's findings per coverage type, in the order its evaluations list them."""


def by_coverage(evaluations: Sequence[Evaluation]) -> ByCoverage:
    """Every finding of ``evaluations`` that names a coverage type, grouped by that type."""
    grouped: ByCoverage = {}
    for evaluation in evaluations:
        for finding in evaluation.results:
            if finding.coverage_type:
                grouped.setdefault(finding.coverage_type, []).append(finding)
    return grouped


def line_status(
    line: CoverageLine, evaluations: Sequence[Evaluation], as_of: date, grouped: ByCoverage | None = None
) -> Status:
    """The status of one coverage line: its own dates first, then the findings on its coverage.

    ``grouped`` (:func:`by_coverage` of ``evaluations``) saves walking every finding per line.
    """
    if line.expiration_date is not None and line.expiration_date <= as_of:
        return Status.EXPIRED
    grouped = by_coverage(evaluations) if grouped is None else grouped
    findings = _active(grouped.get(line.coverage_type, ()))
    if any(f.outcome is Outcome.FAIL and f.severity is not Severity.LOW for f in findings):
        return Status.NON_COMPLIANT
    if any(f.code == "policy_expiring" for f in findings):
        return Status.EXPIRING
    if any(f.outcome is Outcome.UNVERIFIED for f in findings):
        return Status.PENDING_REVIEW
    required = line.coverage_type in grouped
    return Status.COMPLIANT if required else Status.NOT_REQUIRED


def certificate_values(
    certificate: Certificate,
    evaluations: Sequence[Evaluation],
    as_of: date,
    grouped: ByCoverage | None = None,
) -> dict[str, Any]:
    """Desired values of a platform record that holds this certificate's line(s)."""
    grouped = by_coverage(evaluations) if grouped is None else grouped
    statuses = [line_status(line, evaluations, as_of, grouped) for line in certificate.lines] or [
        Status.PENDING_REVIEW
    ]
    status = min(statuses, key=lambda s: STATUS_RANK[s])
    types = {line.coverage_type for line in certificate.lines}
    if len(types) == 1:  # one coverage: its findings, already in the evaluations' order
        findings = list(grouped.get(next(iter(types)), ()))
    else:
        findings = [f for e in evaluations for f in e.results if f.coverage_type in types]
    return {"compliance_status": status.value, "deficiency_summary": summary(status, findings)}


def desired_values(verdict: PartyVerdict, bundle: PartyBundle, as_of: date) -> dict[str, Any]:
    """Everything coisync wants platforms to show for one party (stored with the verdict)."""
    findings = [f for e in verdict.evaluations for f in e.results]
    party = {
        "compliance_status": verdict.status.value,
        "deficiency_summary": summary(verdict.status, findings),
        "earliest_expiration": verdict.earliest_expiration.isoformat()
        if verdict.earliest_expiration
        else None,
    }
    agreements = {
        e.agreement_id: {
            "compliance_status": e.status.value,
            "deficiency_summary": summary(e.status, e.results),
        }
        for e in verdict.evaluations
        if e.agreement_id
    }
    grouped = by_coverage(verdict.evaluations)
    certificates = {
        c.id: certificate_values(c, verdict.evaluations, as_of, grouped) for c in bundle.certificates
    }
    return {"party": party, "agreements": agreements, "certificates": certificates}


def next_review(bundle: PartyBundle, windows: Sequence[int], as_of: date) -> date | None:
    """The first day after ``as_of`` on which the verdict may change with no record changing."""
    days: set[date] = set()
    for certificate in bundle.certificates:
        for line in certificate.lines:
            if line.effective_date:
                days.add(line.effective_date)
            if line.expiration_date:
                days.add(line.expiration_date)
                days.update(line.expiration_date - timedelta(days=w) for w in windows)
    for evidence in bundle.evidence:
        if evidence.effective_date:
            days.add(evidence.effective_date)
        if evidence.expiration_date:
            days.add(evidence.expiration_date)
            days.update(evidence.expiration_date - timedelta(days=w) for w in windows)
    for waiver in bundle.waivers:
        days.add(waiver.granted_on)
        if waiver.expires_on:
            days.add(waiver.expires_on + timedelta(days=1))
    for agreement in bundle.agreements:
        if agreement.start_date:
            days.add(agreement.start_date)
        if agreement.end_date:
            days.add(agreement.end_date + timedelta(days=1))
    later = [d for d in days if d > as_of]
    return min(later) if later else None
