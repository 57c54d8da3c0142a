"""The report's copies of the engine's output: findings and subjects, as plain rows."""

from __future__ import annotations

from coisync.model import Evaluation, Finding
from coisync.report.model import FindingRow, SubjectRow


def finding_row(finding: Finding, evaluation: Evaluation) -> FindingRow:
    """The report's copy of one finding, tagged with its subject."""
    clause = finding.clause
    return FindingRow(
        code=finding.code,
        outcome=finding.outcome._value_,
        severity=finding.severity._value_,
        message=finding.message,
        coverage_type=finding.coverage_type,
        limit_key=finding.limit_key,
        required=finding.required,
        found=finding.found,
        evidence=finding.evidence,
        clause=str(clause) if clause else None,
        clause_text=clause.text if clause else None,
        certificate_id=finding.certificate_id,
        policy_number=finding.policy_number,
        waiver_id=finding.waiver_id,
        agreement_id=evaluation.agreement_id,
        property_id=evaluation.property_id,
    )


def subject_row(evaluation: Evaluation) -> SubjectRow:
    """The report's copy of one subject's evaluation (without its results)."""
    return SubjectRow(
        agreement_id=evaluation.agreement_id,
        property_id=evaluation.property_id,
        status=evaluation.status._value_,
        as_of=evaluation.as_of,
        requirement_source=evaluation.requirement_source,
        earliest_expiration=evaluation.earliest_expiration,
    )
