"""What every rule sees: the documents, the requirements and the day, with shared look-ups.

The context is built once per evaluation. It indexes coverage lines by type (ACORD 28 property
evidence becomes a ``property`` line too), picks the **best line in force** for each required
coverage, and caches the wording read from each certificate's description of operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from coisync.compliance.ratings import RatingsTable
from coisync.compliance.wording import Wording, form_key, read_wording
from coisync.model import (
    Answer,
    Certificate,
    CoverageLine,
    CoverageRequirement,
    Money,
    PropertyEvidence,
    RequirementSet,
)
from coisync.model.vocabulary import STACKING_COVERAGE_TYPES, CoverageType

PROPERTY = CoverageType.PROPERTY.value


class LineRef:
    """One coverage line and the document it came from (built once per evaluation)."""

    __slots__ = ("certificate", "description", "document_id", "evidence", "index", "line")

    def __init__(
        self,
        line: CoverageLine,
        index: int,
        certificate: Certificate | None = None,
        evidence: PropertyEvidence | None = None,
    ) -> None:
        """Wrap a line of a certificate, or the line an ACORD 28 stands for."""
        if (certificate is None) == (evidence is None):
            raise ValueError("a line comes from exactly one certificate or one ACORD 28")
        self.line = line
        self.index = index
        self.certificate = certificate
        self.evidence = evidence
        self.document_id: str = certificate.id if certificate is not None else evidence.id  # type: ignore[union-attr]
        kind = "certificate" if certificate is not None else "ACORD 28"
        policy = f" policy {line.policy_number}" if line.policy_number else ""
        self.description: str = f"{kind} {self.document_id}, {line.coverage_type}{policy}"
        """Which evidence: e.g. ``certificate C-1, general_liability policy GL-100``."""

    def __repr__(self) -> str:
        return f"LineRef({self.description!r})"

    @property
    def continuous(self) -> bool:
        """An ACORD 28 marked "continued until terminated" has no expiration to judge."""
        return self.evidence is not None and self.evidence.continued_until_terminated

    @property
    def insurer_naic(self) -> str | None:
        """NAIC number of the insurer affording the line, when shown."""
        if self.evidence is not None:
            return self.evidence.insurer_naic
        assert self.certificate is not None
        insurer = self.certificate.insurer_for(self.line)
        return insurer.naic if insurer else None

    @property
    def insurer_name(self) -> str | None:
        """Name of the insurer affording the line, when shown."""
        if self.evidence is not None:
            return self.evidence.insurer_name
        assert self.certificate is not None
        insurer = self.certificate.insurer_for(self.line)
        return insurer.name if insurer else None

    def describe(self) -> str:
        """Which evidence: e.g. ``certificate C-1, general_liability policy GL-100``."""
        return self.description

    def in_force_on(self, day: date) -> bool:
        """True when the line is in force on ``day``."""
        if self.evidence is not None:
            return self.evidence.in_force_on(day)
        return self.line.in_force_on(day)


def evidence_line(evidence: PropertyEvidence) -> CoverageLine:
    """An ACORD 28 evidence seen as a ``property`` coverage line (amounts by subject)."""
    limits: dict[str, Money] = {}
    if evidence.amount_of_insurance is not None:
        if evidence.subject in ("building", "both"):
            limits["building"] = evidence.amount_of_insurance
        if evidence.subject in ("business_personal_property", "both"):
            limits["business_personal_property"] = evidence.amount_of_insurance
    income = evidence.row("business_income")
    if income.answer is Answer.YES and income.limit is not None:
        limits["business_income"] = income.limit
    return CoverageLine(
        coverage_type=PROPERTY,
        policy_number=evidence.policy_number,
        effective_date=evidence.effective_date,
        expiration_date=None if evidence.continued_until_terminated else evidence.expiration_date,
        deductible=evidence.deductible,
        limits=limits,
    )


def accepted_types(coverage_type: str) -> frozenset[str]:
    """Line types that can satisfy a requirement: umbrella and excess stand for each other."""
    found = _ACCEPTED.get(coverage_type)
    if found is None:
        found = (
            STACKING_COVERAGE_TYPES
            if coverage_type in STACKING_COVERAGE_TYPES
            else frozenset({coverage_type})
        )
        if len(_ACCEPTED) < 4096:
            _ACCEPTED[coverage_type] = found
    return found


_ACCEPTED: dict[str, frozenset[str]] = {}


@dataclass
class EvaluationContext:
    """Inputs of one evaluation and the look-ups rules share."""

    certificates: Sequence[Certificate]
    requirements: RequirementSet
    as_of: date
    evidence: Sequence[PropertyEvidence] = ()
    ratings: RatingsTable | None = None
    windows: Sequence[int] = (30, 60, 90)
    _best: dict[str, LineRef | None] = field(default_factory=dict, repr=False)
    _candidates: dict[str, list[LineRef]] = field(default_factory=dict, repr=False)
    _in_force: dict[str, list[LineRef]] = field(default_factory=dict, repr=False)
    _lines: tuple[LineRef, ...] | None = field(default=None, repr=False)
    _pairs: tuple[tuple[CoverageRequirement, LineRef], ...] | None = field(default=None, repr=False)
    _relevant: tuple[Certificate, ...] | None = field(default=None, repr=False)
    _forms: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    """Form keys by certificate (``id``: the certificates outlive the context)."""

    @property
    def lines(self) -> tuple[LineRef, ...]:
        """Every coverage line of every certificate, then every ACORD 28, in input order."""
        refs = self._lines
        if refs is None:
            built: list[LineRef] = []
            for certificate in self.certificates:
                for line in certificate.lines:
                    built.append(LineRef(line, len(built), certificate=certificate))
            for item in self.evidence:
                built.append(LineRef(evidence_line(item), len(built), evidence=item))
            refs = self._lines = tuple(built)
        return refs

    @property
    def nothing_received(self) -> bool:
        """No certificate and no property evidence at all."""
        return not self.certificates and not self.evidence

    @property
    def has_requirements(self) -> bool:
        """True when anything is demanded (coverages or property terms)."""
        return bool(self.requirements.coverages) or self.requirements.property_terms is not None

    def candidates(self, coverage_type: str) -> list[LineRef]:
        """Every line, in force or not, that could satisfy a requirement of this type."""
        found = self._candidates.get(coverage_type)
        if found is None:
            types = accepted_types(coverage_type)
            found = self._candidates[coverage_type] = [
                ref for ref in self.lines if ref.line.coverage_type in types
            ]
        return found

    def in_force(self, coverage_type: str) -> list[LineRef]:
        """Lines of this type in force on the day judged."""
        found = self._in_force.get(coverage_type)
        if found is None:
            found = self._in_force[coverage_type] = [
                ref for ref in self.candidates(coverage_type) if ref.in_force_on(self.as_of)
            ]
        return found

    def best_line(self, requirement: CoverageRequirement) -> LineRef | None:
        """The best line in force for a requirement, or None.

        Best means: meets the most required limits on its own, then shows the most of them, then
        has a known and later expiration, then comes first in the input.
        """
        key = requirement.coverage_type
        if key not in self._best:
            in_force = self.in_force(key)
            if len(in_force) > 1:
                self._best[key] = max(in_force, key=lambda ref: _rank(ref, requirement))
            else:
                self._best[key] = in_force[0] if in_force else None
        return self._best[key]

    @property
    def best_pairs(self) -> tuple[tuple[CoverageRequirement, LineRef], ...]:
        """:meth:`best_lines` as a tuple, computed once (rules iterate it without copying)."""
        pairs = self._pairs
        if pairs is None:
            found: list[tuple[CoverageRequirement, LineRef]] = []
            for requirement in self.requirements.coverages:
                ref = self.best_line(requirement)
                if ref is not None:
                    found.append((requirement, ref))
            pairs = self._pairs = tuple(found)
        return pairs

    def best_lines(self) -> list[tuple[CoverageRequirement, LineRef]]:
        """Each required coverage with its best in-force line (coverages with none are left out)."""
        return list(self.best_pairs)

    def evidence_lines(self) -> list[LineRef]:
        """Every ACORD 28 seen as a property line, in force or not."""
        return [ref for ref in self.lines if ref.evidence is not None]

    def best_evidence_line(self) -> LineRef | None:
        """The ACORD 28 in force on the day judged that runs longest, or None."""
        in_force = [ref for ref in self.evidence_lines() if ref.in_force_on(self.as_of)]
        if not in_force:
            return None
        return max(in_force, key=lambda ref: _rank(ref, _NO_LIMITS))

    @property
    def relevant_certificates(self) -> tuple[Certificate, ...]:
        """Certificates that supply a best in-force line; every certificate when none does."""
        relevant = self._relevant
        if relevant is None:
            seen: dict[str, Certificate] = {}
            for _, ref in self.best_pairs:
                if ref.certificate is not None:
                    seen.setdefault(ref.certificate.id, ref.certificate)
            relevant = self._relevant = tuple(seen.values()) if seen else tuple(self.certificates)
        return relevant

    def wording(self, certificate: Certificate) -> Wording:
        """Wording evidenced by a certificate's description of operations."""
        return read_wording(certificate.description_of_operations)

    def forms(self, certificate: Certificate) -> frozenset[str]:
        """ISO form keys on a certificate: its endorsement list plus its description."""
        found = self._forms.get(id(certificate))
        if found is None:
            listed = {
                key
                for key in (form_key(e.form_number or "") for e in certificate.endorsements)
                if key is not None
            }
            found = self.wording(certificate).forms | listed
            self._forms[id(certificate)] = found
        return found


_NO_LIMITS = CoverageRequirement(coverage_type=PROPERTY)


def _rank(ref: LineRef, requirement: CoverageRequirement) -> tuple[int, int, int, date, date, str, int]:
    """Best first when maximised: limits met, limits shown, known and later expiration, then the
    later-issued document (a reissued certificate supersedes the earlier one), then document id."""
    met = 0
    shown = 0
    for key, minimum in requirement.limits.items():
        value = ref.line.limits.get(key)
        if value is None:
            continue
        shown += 1
        if value.currency == minimum.currency and value.amount >= minimum.amount:
            met += 1
    document = ref.certificate if ref.certificate is not None else ref.evidence
    issued = (document.issue_date if document is not None else None) or date.min
    if ref.continuous:
        return (met, shown, 1, date.max, issued, ref.document_id, -ref.index)
    expiration = ref.line.expiration_date
    if expiration is None:
        return (met, shown, 0, date.min, issued, ref.document_id, -ref.index)
    return (met, shown, 1, expiration, issued, ref.document_id, -ref.index)
