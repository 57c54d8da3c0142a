"""Findings and evaluations: what the compliance engine says, and why.

Finding codes are stable and documented (docs/findings.md); they appear verbatim in JSON.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from coisync.model.base import CanonicalModel, Clause


class Outcome(StrEnum):
    """How one requirement item ended."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNVERIFIED = "unverified"
    WAIVED = "waived"


class Severity(StrEnum):
    """How much a finding matters."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class Status(StrEnum):
    """Overall status of a party or agreement.

    Precedence, first match wins: missing > expired > non_compliant > expiring >
    pending_review > compliant. ``not_required`` means no requirement applies.
    """

    MISSING = "missing"
    EXPIRED = "expired"
    NON_COMPLIANT = "non_compliant"
    EXPIRING = "expiring"
    PENDING_REVIEW = "pending_review"
    COMPLIANT = "compliant"
    NOT_REQUIRED = "not_required"


STATUS_PRECEDENCE: tuple[Status, ...] = (
    Status.MISSING,
    Status.EXPIRED,
    Status.NON_COMPLIANT,
    Status.EXPIRING,
    Status.PENDING_REVIEW,
    Status.COMPLIANT,
    Status.NOT_REQUIRED,
)


class Finding(CanonicalModel):
    """The result of checking one requirement item."""

    code: str = Field(min_length=1, description="Stable code, e.g. 'limit_insufficient'")
    outcome: Outcome
    severity: Severity = Severity.MEDIUM
    coverage_type: str | None = None
    limit_key: str | None = None
    required: str | None = Field(default=None, description="What the requirement asks, as text")
    found: str | None = Field(default=None, description="What the evidence shows, as text")
    evidence: str | None = Field(default=None, description="Which evidence was used")
    clause: Clause | None = None
    message: str = Field(min_length=1, description="Plain English, saying what would fix it")
    certificate_id: str | None = None
    policy_number: str | None = None
    waiver_id: str | None = None
    score: float | None = Field(default=None, description="Name match score, when names compared")


class Evaluation(CanonicalModel):
    """The verdict for one party (and agreement) on one day."""

    party_id: str
    agreement_id: str | None = None
    property_id: str | None = None
    as_of: date
    status: Status
    results: tuple[Finding, ...] = ()
    requirement_source: str | None = Field(
        default=None, description="Where the requirements came from: agreement id or template name"
    )
    earliest_expiration: date | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every result that did not pass (failures, unverified items, waived ones)."""
        return tuple(r for r in self.results if r.outcome is not Outcome.PASS)

    @property
    def failures(self) -> tuple[Finding, ...]:
        """Results that fail."""
        return tuple(r for r in self.results if r.outcome is Outcome.FAIL)

    @property
    def unverified(self) -> tuple[Finding, ...]:
        """Results the evidence could not settle."""
        return tuple(r for r in self.results if r.outcome is Outcome.UNVERIFIED)
