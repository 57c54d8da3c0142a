"""The report's data: computed once from verdicts, rendered by every format.

Everything a format shows is here, already counted and sorted, so text, CSV, JSON and HTML
cannot disagree. :func:`coisync.report.build.build_report` fills it from a stream of verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from coisync.model import STATUS_PRECEDENCE, Outcome, Status

REPORT_VERSION = 1
"""Version of the report's JSON layout; bumped when a key changes meaning or goes away."""

STATUSES: tuple[str, ...] = tuple(s.value for s in STATUS_PRECEDENCE)
"""Every status, worst first: the order of every count in the report."""

PASSING: frozenset[str] = frozenset({Status.COMPLIANT.value, Status.NOT_REQUIRED.value})
"""Statuses that need nothing done."""

EXPIRATION_WINDOW_DAYS = 90
"""Upcoming expirations are those within this many days of the day judged."""

NO_PROPERTY = "(no property)"
"""Group key for parties judged without a property."""


_WAIVED = Outcome.WAIVED.value


def empty_counts() -> dict[str, int]:
    """A count of zero for every status, in precedence order."""
    return dict.fromkeys(STATUSES, 0)


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding of one subject: what was required, what was found, from which evidence."""

    code: str
    outcome: str
    severity: str
    message: str
    coverage_type: str | None = None
    limit_key: str | None = None
    required: str | None = None
    found: str | None = None
    evidence: str | None = None
    clause: str | None = None
    clause_text: str | None = None
    certificate_id: str | None = None
    policy_number: str | None = None
    waiver_id: str | None = None
    agreement_id: str | None = None
    property_id: str | None = None

    @property
    def is_open(self) -> bool:
        """True unless a waiver covers it."""
        return self.outcome != _WAIVED

    def as_dict(self) -> dict[str, Any]:
        """JSON form, without empty keys."""
        values = ((f.name, getattr(self, f.name)) for f in fields(self))
        return {name: value for name, value in values if value is not None}


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """One subject a party was judged as: an agreement, or its presence at a property."""

    agreement_id: str | None
    property_id: str | None
    status: str
    as_of: date
    requirement_source: str | None
    earliest_expiration: date | None


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A party's verdict with everything the report shows about it."""

    id: str
    name: str
    kind: str
    category: str | None
    status: str
    property_ids: tuple[str, ...]
    owners: tuple[str, ...]
    earliest_expiration: date | None
    subjects: tuple[SubjectRow, ...]
    findings: tuple[FindingRow, ...]

    @property
    def open_findings(self) -> tuple[FindingRow, ...]:
        """Findings no waiver covers."""
        return tuple(f for f in self.findings if f.outcome != _WAIVED)

    def top_codes(self, limit: int = 3) -> list[str]:
        """The most frequent open finding codes, most frequent first."""
        return top_codes(self.open_findings, limit)


def top_codes(findings: tuple[FindingRow, ...], limit: int = 3) -> list[str]:
    """The most frequent codes among ``findings``, most frequent first (ties by code)."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [code for code, _ in ranked[:limit]]


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Status counts of the parties in one group (an owner, a property or a party kind)."""

    key: str
    label: str
    counts: dict[str, int]
    detail: str | None = None

    @property
    def total(self) -> int:
        """Parties in the group."""
        return sum(self.counts.values())

    @property
    def attention(self) -> int:
        """Parties in the group whose status needs something done."""
        return sum(n for status, n in self.counts.items() if status not in PASSING)


@dataclass(frozen=True, slots=True)
class Expiration:
    """A subject whose earliest required line expires inside the window."""

    expires: date
    days_left: int
    party_id: str
    party_name: str
    kind: str
    property_id: str | None
    agreement_id: str | None
    status: str
    coverages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deficiency:
    """A finding code and how often it is open across the portfolio."""

    code: str
    meaning: str
    severity: str
    findings: int
    parties: int


@dataclass(frozen=True, slots=True)
class PendingItem:
    """One item the evidence could not settle, and what would settle it."""

    party_id: str
    party_name: str
    property_id: str | None
    code: str
    coverage_type: str | None
    needed: str
    required: str | None
    message: str
    evidence: str | None
    clause: str | None


@dataclass(frozen=True, slots=True)
class BlockedParty:
    """A party `coisync notify` cannot reach on a channel (no e-mail contact), since ``since``."""

    party_id: str
    party_name: str
    channel: str
    message: str
    since: date


@dataclass
class Report:
    """The portfolio compliance report."""

    as_of: date | None
    generated_at: datetime
    property_filter: tuple[str, ...]
    totals: dict[str, int] = field(default_factory=empty_counts)
    by_owner: list[GroupRow] = field(default_factory=list)
    by_property: list[GroupRow] = field(default_factory=list)
    by_kind: list[GroupRow] = field(default_factory=list)
    expirations: list[Expiration] = field(default_factory=list)
    deficiencies: list[Deficiency] = field(default_factory=list)
    pending: list[PendingItem] = field(default_factory=list)
    parties: list[PartyRow] = field(default_factory=list)
    followup_blocked: list[BlockedParty] = field(default_factory=list)
    """Filled by the caller from the follow-up store (the builder sees verdicts only)."""

    @property
    def party_count(self) -> int:
        """Parties in the report."""
        return sum(self.totals.values())

    @property
    def attention_count(self) -> int:
        """Parties whose status needs something done."""
        return sum(n for status, n in self.totals.items() if status not in PASSING)
