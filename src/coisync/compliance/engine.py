"""``evaluate``: run the rules, apply waivers, decide the status. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext
from coisync.compliance.ratings import RatingsTable
from coisync.compliance.rule import Rule, default_rules
from coisync.model import (
    Certificate,
    Evaluation,
    Finding,
    Outcome,
    PropertyEvidence,
    RequirementSet,
    Severity,
    Status,
    Waiver,
)

DEFAULT_WINDOWS: tuple[int, ...] = (30, 60, 90)
"""Expiring windows in days."""

UNWAIVABLE_CODES: frozenset[str] = frozenset({FindingCode.POLICY_EXPIRED.value})
"""Codes no waiver can excuse: an expired policy is not waivable."""

STATUS_RANK: dict[Status, int] = {
    Status.MISSING: 0,
    Status.EXPIRED: 1,
    Status.NON_COMPLIANT: 2,
    Status.EXPIRING: 3,
    Status.PENDING_REVIEW: 4,
    Status.COMPLIANT: 5,
    Status.NOT_REQUIRED: 6,
}
"""Lower is worse; the status precedence as numbers."""


def _waiver_for(finding: Finding, waivers: Sequence[Waiver], as_of: date) -> Waiver | None:
    if finding.outcome not in (Outcome.FAIL, Outcome.UNVERIFIED) or finding.code in UNWAIVABLE_CODES:
        return None
    for waiver in waivers:
        scope = waiver.scope
        if finding.code not in scope.finding_codes or not waiver.active_on(as_of):
            continue
        if scope.coverage_type is not None and scope.coverage_type != finding.coverage_type:
            continue
        if scope.limit_key is not None and scope.limit_key != finding.limit_key:
            continue
        return waiver
    return None


def apply_waivers(
    results: Iterable[Finding],
    waivers: Sequence[Waiver],
    *,
    as_of: date,
    party_id: str,
    agreement_id: str | None = None,
) -> list[Finding]:
    """Turn each failing or unverified result a waiver covers into ``waived``.

    A waiver applies when it is active on ``as_of``, belongs to the party (and to the agreement,
    when it names one), lists the code, and its coverage type and limit key (when set) match.
    ``policy_expired`` is never waived. Waivers are tried in id order, so the result is the same
    whatever order they arrive in.
    """
    if not waivers:
        return list(results)
    applicable = sorted(
        (
            w
            for w in waivers
            if w.party_id == party_id and (w.agreement_id is None or w.agreement_id == agreement_id)
        ),
        key=lambda w: w.id,
    )
    out: list[Finding] = []
    for finding in results:
        waiver = _waiver_for(finding, applicable, as_of) if applicable else None
        if waiver is None:
            out.append(finding)
        else:
            out.append(
                finding.model_copy(
                    update={
                        "outcome": Outcome.WAIVED,
                        "waiver_id": waiver.id,
                        "message": f"{finding.message} Waived by {waiver.id} ({waiver.reason}).",
                    }
                )
            )
    return out


def decide_status(results: Sequence[Finding], *, has_requirements: bool) -> Status:
    """The status from the results, first match wins.

    missing (certificate_missing) > expired (policy_expired) > non_compliant (any other fail
    above low severity) > expiring (policy_expiring) > pending_review (any unverified) >
    compliant. Waived and passing results do not count; with no requirement, ``not_required``.
    """
    if not has_requirements:
        return Status.NOT_REQUIRED
    expired = non_compliant = expiring = unverified = False
    for r in results:
        outcome = r.outcome
        if outcome is _FAIL:
            code = r.code
            if code == _CERTIFICATE_MISSING:
                return Status.MISSING
            if code == _POLICY_EXPIRED:
                expired = True
            elif code == _POLICY_EXPIRING:
                expiring = True
            if r.severity not in (Severity.LOW, Severity.INFO):
                non_compliant = True
        elif outcome is _UNVERIFIED:
            unverified = True
    if expired:
        return Status.EXPIRED
    if non_compliant:
        return Status.NON_COMPLIANT
    if expiring:
        return Status.EXPIRING
    if unverified:
        return Status.PENDING_REVIEW
    return Status.COMPLIANT


_FAIL = Outcome.FAIL
_UNVERIFIED = Outcome.UNVERIFIED
_CERTIFICATE_MISSING = FindingCode.CERTIFICATE_MISSING.value
_POLICY_EXPIRED = FindingCode.POLICY_EXPIRED.value
_POLICY_EXPIRING = FindingCode.POLICY_EXPIRING.value


def earliest_expiration(context: EvaluationContext) -> date | None:
    """The earliest expiration among the best in-force lines of the required coverages.

    The in-force ACORD 28 counts too when property terms are required.
    """
    dates = [
        ref.line.expiration_date
        for _, ref in context.best_pairs
        if ref.line.expiration_date is not None and not ref.continuous
    ]
    if context.requirements.property_terms is not None:
        evidence = context.best_evidence_line()
        if evidence is not None and evidence.line.expiration_date is not None and not evidence.continuous:
            dates.append(evidence.line.expiration_date)
    return min(dates) if dates else None


def evaluate(
    certificates: Sequence[Certificate],
    requirements: RequirementSet,
    *,
    as_of: date,
    party_id: str,
    evidence: Sequence[PropertyEvidence] = (),
    waivers: Sequence[Waiver] = (),
    ratings: RatingsTable | None = None,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    agreement_id: str | None = None,
    property_id: str | None = None,
    requirement_source: str | None = None,
    rules: Sequence[Rule] | None = None,
) -> Evaluation:
    """Judge a party's certificates and property evidence against resolved requirements on one day.

    Pure and deterministic: the same inputs give the same evaluation, with no I/O and no clock.

    Args:
        certificates: ACORD 25 certificates on file for the party (any order).
        requirements: The resolved requirement set (holder and additional insured names filled in).
        as_of: The calendar day judged.
        party_id: The party evaluated.
        evidence: ACORD 28 evidence of property insurance.
        waivers: Approved exceptions; only active ones for this party apply.
        ratings: AM Best ratings by NAIC; without it insurer ratings are unverified.
        windows: Expiring windows in days (e.g. 30, 60, 90).
        agreement_id: The agreement judged, if any.
        property_id: The property, if any.
        requirement_source: Where the requirements came from (agreement id or template name).
        rules: The rules to run; the registered rules (:func:`default_rules`) when None.

    Returns:
        The evaluation: every checked item in ``results`` and the status.

    Raises:
        ValueError: A window is not a positive number of days.
    """
    if not windows or any(w <= 0 for w in windows):
        raise ValueError("expiring windows must be positive numbers of days")
    context = EvaluationContext(
        certificates=certificates,
        requirements=requirements,
        as_of=as_of,
        evidence=evidence,
        ratings=ratings,
        windows=tuple(windows),
    )
    collected: list[Finding] = []
    if context.has_requirements:
        for rule in rules if rules is not None else default_rules():
            collected.extend(rule.check(context))
    results = apply_waivers(collected, waivers, as_of=as_of, party_id=party_id, agreement_id=agreement_id)
    return Evaluation(
        party_id=party_id,
        agreement_id=agreement_id,
        property_id=property_id,
        as_of=as_of,
        status=decide_status(results, has_requirements=context.has_requirements),
        results=tuple(results),
        requirement_source=requirement_source,
        earliest_expiration=earliest_expiration(context) if context.has_requirements else None,
    )
