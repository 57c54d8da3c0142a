"""Building the report from a stream of verdicts, one party at a time.

:class:`ReportBuilder` keeps only what the report shows (open findings, subjects, counts), so a
portfolio of 100k parties is read once and never held as full evaluations.

Counting rules: a party counts once in the totals and once under its kind, with its overall
status. Under a property it counts once with the worst status of its subjects at that property
(its overall status when it was judged without one but lists the property); under an owner, once
with the worst of its properties of that owner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from coisync.compliance import MEANING, SEVERITY, STATUS_RANK, FindingCode
from coisync.model import Outcome, PartyKind, Property
from coisync.portfolio import PartyVerdict
from coisync.report.model import (
    EXPIRATION_WINDOW_DAYS,
    NO_PROPERTY,
    Deficiency,
    Expiration,
    FindingRow,
    GroupRow,
    PartyRow,
    PendingItem,
    Report,
    empty_counts,
)
from coisync.report.needs import evidence_needed
from coisync.report.rows import finding_row, subject_row

UNKNOWN_OWNER = "(unknown owner)"
_UNVERIFIED = Outcome.UNVERIFIED.value
_EXPIRING = FindingCode.POLICY_EXPIRING.value
_RANK = {status.value: rank for status, rank in STATUS_RANK.items()}
_SEVERITY = {code.value: severity.value for code, severity in SEVERITY.items()}


def _worse(a: str | None, b: str) -> str:
    if a is None:
        return b
    return a if _RANK[a] <= _RANK[b] else b


class ReportBuilder:
    """Accumulates verdicts into a :class:`Report`.

    Args:
        properties: Every property in the store, by id (names and owners of groups).
        as_of: The day judged, when the caller fixed one (shown in the report).
        property_filter: Only parties at these properties; empty for all.
        generated_at: When the report was made (default: now, UTC).
        window_days: Expirations within this many days are listed as upcoming.
    """

    def __init__(
        self,
        properties: Mapping[str, Property],
        *,
        as_of: date | None = None,
        property_filter: Sequence[str] = (),
        generated_at: datetime | None = None,
        window_days: int = EXPIRATION_WINDOW_DAYS,
    ) -> None:
        self._properties = properties
        self._filter = frozenset(property_filter)
        self._window = timedelta(days=window_days)
        self._report = Report(
            as_of=as_of,
            generated_at=generated_at or datetime.now(tz=UTC).replace(microsecond=0),
            property_filter=tuple(property_filter),
        )
        self._by_property: dict[str, dict[str, int]] = {}
        self._by_owner: dict[str, dict[str, int]] = {}
        self._owner_properties: dict[str, set[str]] = {}
        self._by_kind: dict[str, dict[str, int]] = {k.value: empty_counts() for k in PartyKind}
        self._code_findings: Counter[str] = Counter()
        self._code_parties: Counter[str] = Counter()
        self._code_severity: dict[str, str] = {}

    def add_all(self, verdicts: Iterable[PartyVerdict]) -> int:
        """Add every verdict; returns how many were kept (after the property filter)."""
        return sum(1 for verdict in verdicts if self.add(verdict))

    def add(self, verdict: PartyVerdict) -> bool:
        """Add one party's verdict; False when the property filter leaves it out."""
        party = verdict.party
        statuses = self._property_statuses(verdict)
        if self._filter and not self._filter.intersection(statuses):
            return False
        passed = Outcome.PASS
        findings = tuple(
            finding_row(f, e) for e in verdict.evaluations for f in e.results if f.outcome is not passed
        )
        owners: dict[str, str] = {}
        for property_id, status in statuses.items():
            prop = self._properties.get(property_id)
            owner = (
                prop.owner_entity if prop else (NO_PROPERTY if property_id == NO_PROPERTY else UNKNOWN_OWNER)
            )
            owners[owner] = _worse(owners.get(owner), status)
            self._owner_properties.setdefault(owner, set()).add(property_id)
            if not self._filter or property_id in self._filter:
                self._count(self._by_property, property_id, status)
        for owner, status in owners.items():
            self._count(self._by_owner, owner, status)
        row = PartyRow(
            id=party.id,
            name=party.legal_name,
            kind=party.kind._value_,
            category=party.category,
            status=verdict.status._value_,
            property_ids=tuple(p for p in statuses if p != NO_PROPERTY),
            owners=tuple(o for o in owners if o != NO_PROPERTY),
            earliest_expiration=verdict.earliest_expiration,
            subjects=tuple(subject_row(e) for e in verdict.evaluations),
            findings=findings,
        )
        report = self._report
        report.parties.append(row)
        report.totals[row.status] += 1
        self._count(self._by_kind, row.kind, row.status)
        self._note_findings(row)
        self._note_expirations(row)
        return True

    def finish(self) -> Report:
        """The finished report: groups and lists sorted, deficiencies ranked."""
        report = self._report
        report.by_property = sorted(
            (self._property_group(pid, counts) for pid, counts in self._by_property.items()),
            key=lambda g: (-g.attention, g.label, g.key),
        )
        report.by_owner = sorted(
            (
                GroupRow(
                    owner, owner, counts, detail=f"{len(self._owner_properties.get(owner, ()))} properties"
                )
                for owner, counts in self._by_owner.items()
            ),
            key=lambda g: (-g.attention, g.label),
        )
        report.by_kind = [GroupRow(kind, kind, counts) for kind, counts in self._by_kind.items()]
        report.deficiencies = sorted(
            (
                Deficiency(
                    code=code,
                    meaning=_meaning(code),
                    severity=self._code_severity[code],
                    findings=n,
                    parties=self._code_parties[code],
                )
                for code, n in self._code_findings.items()
            ),
            key=lambda d: (-d.parties, -d.findings, d.code),
        )
        report.expirations.sort(key=lambda x: (x.expires, x.party_name, x.party_id))
        report.pending.sort(key=lambda p: (p.party_name, p.party_id, p.code, p.coverage_type or ""))
        return report

    # Accumulation --------------------------------------------------------------------------

    @staticmethod
    def _count(groups: dict[str, dict[str, int]], key: str, status: str) -> None:
        counts = groups.get(key)
        if counts is None:
            counts = groups[key] = empty_counts()
        counts[status] += 1

    def _property_statuses(self, verdict: PartyVerdict) -> dict[str, str]:
        statuses: dict[str, str] = {}
        for evaluation in verdict.evaluations:
            if evaluation.property_id:
                pid = evaluation.property_id
                statuses[pid] = _worse(statuses.get(pid), evaluation.status._value_)
        if not statuses:
            for pid in verdict.party.property_ids:
                statuses[pid] = verdict.status._value_
        return statuses or {NO_PROPERTY: verdict.status._value_}

    def _property_group(self, property_id: str, counts: dict[str, int]) -> GroupRow:
        prop = self._properties.get(property_id)
        if prop is None:
            return GroupRow(property_id, property_id, counts)
        return GroupRow(property_id, prop.name, counts, detail=prop.owner_entity)

    def _note_findings(self, row: PartyRow) -> None:
        seen: set[str] = set()
        for finding in row.open_findings:
            self._code_findings[finding.code] += 1
            self._code_severity.setdefault(finding.code, _severity(finding))
            if finding.code not in seen:
                seen.add(finding.code)
                self._code_parties[finding.code] += 1
            if finding.outcome == _UNVERIFIED:
                self._report.pending.append(
                    PendingItem(
                        party_id=row.id,
                        party_name=row.name,
                        property_id=finding.property_id,
                        code=finding.code,
                        coverage_type=finding.coverage_type,
                        needed=evidence_needed(finding),
                        required=finding.required,
                        message=finding.message,
                        evidence=finding.evidence,
                        clause=finding.clause,
                    )
                )

    def _note_expirations(self, row: PartyRow) -> None:
        for subject in row.subjects:
            expires = subject.earliest_expiration
            if expires is None or not subject.as_of <= expires <= subject.as_of + self._window:
                continue
            coverages = sorted(
                {
                    f.coverage_type
                    for f in row.open_findings
                    if f.code == _EXPIRING
                    and f.coverage_type
                    and (f.agreement_id, f.property_id) == (subject.agreement_id, subject.property_id)
                }
            )
            self._report.expirations.append(
                Expiration(
                    expires=expires,
                    days_left=(expires - subject.as_of).days,
                    party_id=row.id,
                    party_name=row.name,
                    kind=row.kind,
                    property_id=subject.property_id,
                    agreement_id=subject.agreement_id,
                    status=subject.status,
                    coverages=tuple(coverages),
                )
            )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _meaning(code: str) -> str:
    try:
        return MEANING[FindingCode(code)]
    except ValueError:
        return ""


def _severity(finding: FindingRow) -> str:
    return _SEVERITY.get(finding.code, finding.severity)


def build_report(
    verdicts: Iterable[PartyVerdict],
    properties: Mapping[str, Property],
    *,
    as_of: date | None = None,
    property_filter: Sequence[str] = (),
    generated_at: datetime | None = None,
) -> Report:
    """The report for a stream of verdicts (read once, in order)."""
    builder = ReportBuilder(
        properties, as_of=as_of, property_filter=property_filter, generated_at=generated_at
    )
    builder.add_all(verdicts)
    return builder.finish()
