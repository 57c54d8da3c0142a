"""Endorsements: waiver of subrogation, primary and non-contributory, notice of cancellation."""

from __future__ import annotations

import re
from collections.abc import Iterator

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.results import result, title_of
from coisync.compliance.wording import (
    PNC_FORMS,
    PRIMARY_NONCONTRIBUTORY,
    RIGHTS_OF_RECOVERY,
    WAIVER_OF_SUBROGATION,
    WOS_FORMS,
)
from coisync.model import Certificate, CoverageRequirement, Finding, Outcome


def _titled(certificate: Certificate, coverage_type: str, *patterns: re.Pattern[str]) -> str | None:
    """The title of a listed endorsement on this coverage (or on no coverage in particular) matching a pattern."""
    for endorsement in certificate.endorsements:
        title = endorsement.title or ""
        if endorsement.coverage_types and coverage_type not in endorsement.coverage_types:
            continue
        if any(pattern.search(title) for pattern in patterns):
            return title
    return None


def _form_label(key: str) -> str:
    """``CG2404`` -> ``CG 24 04``."""
    return " ".join([key[:2], *(key[i : i + 2] for i in range(2, len(key), 2))])


class EndorsementsRule:
    """Evidence of WoS and PNC per required coverage, and of notice of cancellation per certificate."""

    name = "endorsements"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the endorsement checks."""
        for requirement, ref in context.best_pairs:
            if ref.certificate is None:
                continue
            if requirement.waiver_of_subrogation:
                yield self._waiver(context, requirement, ref)
            if requirement.primary_noncontributory:
                yield self._primary(context, requirement, ref)
        if context.requirements.notice_of_cancellation_days is not None and not context.nothing_received:
            yield from self._notice(context, context.requirements.notice_of_cancellation_days)

    @staticmethod
    def _waiver(context: EvaluationContext, requirement: CoverageRequirement, ref: LineRef) -> Finding:
        assert ref.certificate is not None
        title = title_of(requirement.coverage_type)
        evidence: str | None = None
        if ref.line.subrogation_waived:
            evidence = "SUBR WVD marked on the line"
        else:
            forms = context.forms(ref.certificate)
            for key, line_type in WOS_FORMS.items():
                if key in forms and line_type == requirement.coverage_type:
                    evidence = f"endorsement {_form_label(key)}"
                    break
            listed = _titled(
                ref.certificate, requirement.coverage_type, WAIVER_OF_SUBROGATION, RIGHTS_OF_RECOVERY
            )
            if evidence is None and listed is not None:
                evidence = f"endorsement '{listed}'"
            if evidence is None and context.wording(ref.certificate).waiver_of_subrogation:
                evidence = "waiver of subrogation wording in the description of operations"
        clause = requirement.clause_for("waiver_of_subrogation")
        if evidence is not None:
            return result(
                FindingCode.WAIVER_OF_SUBROGATION_MISSING,
                Outcome.PASS,
                f"{title}: waiver of subrogation shown ({evidence}).",
                ref=ref,
                required="waiver of subrogation",
                found=evidence,
                evidence=f"{ref.describe()}: {evidence}",
                clause=clause,
            )
        flag = "SUBR WVD not marked" if ref.line.subrogation_waived is False else "SUBR WVD not shown"
        return result(
            FindingCode.WAIVER_OF_SUBROGATION_MISSING,
            Outcome.FAIL,
            f"{title}: no waiver of subrogation is shown ({flag}, no endorsement or wording); request "
            f"the waiver of subrogation endorsement.",
            ref=ref,
            required="waiver of subrogation",
            found=flag,
            clause=clause,
        )

    @staticmethod
    def _primary(context: EvaluationContext, requirement: CoverageRequirement, ref: LineRef) -> Finding:
        assert ref.certificate is not None
        title = title_of(requirement.coverage_type)
        forms = context.forms(ref.certificate) & PNC_FORMS
        evidence: str | None = None
        if forms:
            evidence = f"endorsement {_form_label(min(forms))}"
        elif (
            listed := _titled(ref.certificate, requirement.coverage_type, PRIMARY_NONCONTRIBUTORY)
        ) is not None:
            evidence = f"endorsement '{listed}'"
        elif context.wording(ref.certificate).primary_noncontributory:
            evidence = "primary and non-contributory wording in the description of operations"
        clause = requirement.clause_for("primary_noncontributory")
        if evidence is not None:
            return result(
                FindingCode.PRIMARY_NONCONTRIBUTORY_MISSING,
                Outcome.PASS,
                f"{title}: primary and non-contributory shown ({evidence}).",
                ref=ref,
                required="primary and non-contributory",
                found=evidence,
                evidence=f"{ref.describe()}: {evidence}",
                clause=clause,
            )
        return result(
            FindingCode.PRIMARY_NONCONTRIBUTORY_MISSING,
            Outcome.FAIL,
            f"{title}: primary and non-contributory is not shown; request the endorsement "
            f"(CG 20 01) or wording.",
            ref=ref,
            required="primary and non-contributory",
            found="not shown",
            clause=clause,
        )

    @staticmethod
    def _notice(context: EvaluationContext, days: int) -> Iterator[Finding]:
        clause = context.requirements.notice_clause
        required = f"{days} days notice of cancellation"
        for certificate in context.relevant_certificates:
            shown = certificate.notice_of_cancellation_days
            source = "the certificate's notice of cancellation"
            if shown is None:
                shown = context.wording(certificate).notice_days
                source = "the description of operations"
            evidence = f"certificate {certificate.id}: {source}"
            if shown is None:
                yield result(
                    FindingCode.NOTICE_OF_CANCELLATION_INSUFFICIENT,
                    Outcome.UNVERIFIED,
                    f"Certificate {certificate.id} shows no notice of cancellation period; request the "
                    f"notice of cancellation endorsement ({days} days).",
                    certificate_id=certificate.id,
                    required=required,
                    found="not shown",
                    evidence=f"certificate {certificate.id}",
                    clause=clause,
                )
            elif shown < days:
                yield result(
                    FindingCode.NOTICE_OF_CANCELLATION_INSUFFICIENT,
                    Outcome.FAIL,
                    f"Certificate {certificate.id} shows {shown} days notice of cancellation, fewer than "
                    f"{days}; request a {days}-day notice endorsement.",
                    certificate_id=certificate.id,
                    required=required,
                    found=f"{shown} days",
                    evidence=evidence,
                    clause=clause,
                )
            else:
                yield result(
                    FindingCode.NOTICE_OF_CANCELLATION_INSUFFICIENT,
                    Outcome.PASS,
                    f"Certificate {certificate.id} shows {shown} days notice of cancellation.",
                    certificate_id=certificate.id,
                    required=required,
                    found=f"{shown} days",
                    evidence=evidence,
                    clause=clause,
                )
