"""Nothing received, or a required coverage on no document at all."""

from __future__ import annotations

from collections.abc import Iterator

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import PROPERTY, EvaluationContext
from coisync.compliance.results import result, title_of
from coisync.model import Finding, Outcome


class MissingRule:
    """``certificate_missing`` when nothing was received; ``coverage_missing`` per absent coverage.

    A coverage counts as received when any line of its type appears on any document, in force or
    not (expired and future lines are judged by the dates rule). Property terms need an ACORD 28.
    """

    name = "missing"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the presence checks."""
        requirements = context.requirements
        if not context.has_requirements:
            return
        if context.nothing_received:
            wanted = [title_of(c.coverage_type) for c in requirements.coverages]
            if requirements.property_terms is not None and PROPERTY not in {
                c.coverage_type for c in requirements.coverages
            }:
                wanted.append("Property (ACORD 28)")
            yield result(
                FindingCode.CERTIFICATE_MISSING,
                Outcome.FAIL,
                "No certificate of insurance is on file; request a current certificate showing the "
                "required coverages.",
                required=", ".join(wanted),
                found="no certificate or evidence of property insurance",
            )
            return
        reported: set[str] = set()
        for requirement in requirements.coverages:
            if context.candidates(requirement.coverage_type):
                continue
            title = title_of(requirement.coverage_type)
            reported.add(requirement.coverage_type)
            yield result(
                FindingCode.COVERAGE_MISSING,
                Outcome.FAIL,
                f"No {title} policy appears on any certificate; request a certificate that shows it.",
                coverage_type=requirement.coverage_type,
                required=title,
                found="not on any certificate",
                clause=requirement.clause,
            )
        terms = requirements.property_terms
        if terms is not None and not context.evidence and PROPERTY not in reported:
            yield result(
                FindingCode.COVERAGE_MISSING,
                Outcome.FAIL,
                "No evidence of property insurance (ACORD 28) is on file; request one showing the "
                "required property terms.",
                coverage_type=PROPERTY,
                required="Property insurance evidenced on ACORD 28",
                found="no ACORD 28",
                clause=terms.clause,
            )
