"""The report's numbers, checked against counts made independently from the verdicts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from report_fixtures import AS_OF

from coisync.model import Clause, Evaluation, Finding, Outcome, Party, PartyKind, Property, Severity, Status
from coisync.portfolio import PartyVerdict
from coisync.report import Report, build_report
from coisync.report.model import STATUSES
from coisync.store import Store


def test_totals_and_kinds_count_every_party_once(report: Report, verdicts: list[PartyVerdict]) -> None:
    expected = Counter(v.status.value for v in verdicts)
    assert {s: n for s, n in report.totals.items() if n} == dict(expected)
    assert report.party_count == len(verdicts) > 100
    assert [p.id for p in report.parties] == [v.party.id for v in verdicts]
    by_kind = {g.key: g.counts for g in report.by_kind}
    for kind in PartyKind:
        assert sum(by_kind[kind.value].values()) == sum(1 for v in verdicts if v.party.kind is kind)
    summed = Counter[str]()
    for group in report.by_kind:
        summed.update(group.counts)
    assert {s: n for s, n in summed.items() if n} == dict(expected)


def test_property_and_owner_groups_match_subjects(
    report: Report, verdicts: list[PartyVerdict], report_store: Store
) -> None:
    owners = {p.id: p.owner_entity for p in report_store.iter_properties()}
    at_property: dict[str, set[str]] = defaultdict(set)
    of_owner: dict[str, set[str]] = defaultdict(set)
    for verdict in verdicts:
        for evaluation in verdict.evaluations:
            assert evaluation.property_id is not None
            at_property[evaluation.property_id].add(verdict.party.id)
            of_owner[owners[evaluation.property_id]].add(verdict.party.id)
    assert {g.key: g.total for g in report.by_property} == {k: len(v) for k, v in at_property.items()}
    assert {g.key: g.total for g in report.by_owner} == {k: len(v) for k, v in of_owner.items()}
    attention = [g.attention for g in report.by_property]
    assert attention == sorted(attention, reverse=True)
    assert all(g.label != g.key and g.detail for g in report.by_property)


def test_expirations_are_the_subjects_expiring_within_90_days(
    report: Report, verdicts: list[PartyVerdict]
) -> None:
    expected = sorted(
        (e.earliest_expiration, v.party.id, e.agreement_id)
        for v in verdicts
        for e in v.evaluations
        if e.earliest_expiration and AS_OF <= e.earliest_expiration <= AS_OF + timedelta(days=90)
    )
    assert expected, "the generated portfolio should have lines expiring in the window"
    assert sorted((x.expires, x.party_id, x.agreement_id) for x in report.expirations) == expected
    assert [x.expires for x in report.expirations] == sorted(x.expires for x in report.expirations)
    assert all(x.days_left == (x.expires - AS_OF).days for x in report.expirations)


def test_deficiencies_rank_open_codes_by_parties(report: Report, verdicts: list[PartyVerdict]) -> None:
    findings = Counter[str]()
    parties = Counter[str]()
    for verdict in verdicts:
        codes = [
            f.code
            for e in verdict.evaluations
            for f in e.results
            if f.outcome in (Outcome.FAIL, Outcome.UNVERIFIED)
        ]
        findings.update(codes)
        parties.update(set(codes))
    assert {d.code: d.findings for d in report.deficiencies} == dict(findings)
    assert {d.code: d.parties for d in report.deficiencies} == dict(parties)
    ranked = [d.parties for d in report.deficiencies]
    assert ranked == sorted(ranked, reverse=True)
    assert all(d.meaning for d in report.deficiencies)


def test_pending_review_lists_every_unverified_item_with_the_evidence_needed(
    report: Report, verdicts: list[PartyVerdict]
) -> None:
    unverified = sum(
        1 for v in verdicts for e in v.evaluations for f in e.results if f.outcome is Outcome.UNVERIFIED
    )
    assert len(report.pending) == unverified > 0
    rating = next(p for p in report.pending if p.code == "insurer_rating_unknown")
    assert "AM Best rating" in rating.needed
    assert rating.evidence and rating.evidence.startswith("certificate ")


def test_property_filter_keeps_parties_at_those_properties(
    report_store: Store, verdicts: list[PartyVerdict]
) -> None:
    properties = {p.id: p for p in report_store.iter_properties()}
    chosen = sorted(properties)[1]
    filtered = build_report(verdicts, properties, as_of=AS_OF, property_filter=[chosen])
    expected = [v.party.id for v in verdicts if any(e.property_id == chosen for e in v.evaluations)]
    assert [p.id for p in filtered.parties] == expected
    assert [g.key for g in filtered.by_property] == [chosen]
    assert filtered.property_filter == (chosen,)


def _finding(code: str, outcome: Outcome, **extra: object) -> Finding:
    return Finding.model_validate(
        {"code": code, "outcome": outcome, "message": f"{code} message", "severity": Severity.HIGH, **extra}
    )


def test_waived_findings_are_shown_but_not_counted() -> None:
    prop = Property(id="p1", name="One Main", owner_entity="One Main Owner LLC")
    party = Party(id="t1", kind=PartyKind.TENANT, legal_name="Tenant One", property_ids=("p1",))
    clause = Clause(document="Lease 2024-117", section="§ 12.3(b)", text="Tenant shall carry $2,000,000.")
    evaluation = Evaluation(
        party_id="t1",
        agreement_id="a1",
        property_id="p1",
        as_of=date(2026, 6, 1),
        status=Status.NON_COMPLIANT,
        results=(
            _finding(
                "limit_insufficient", Outcome.FAIL, clause=clause, required="$2,000,000", found="$1,000,000"
            ),
            _finding("additional_insured_missing", Outcome.WAIVED, waiver_id="w1"),
            _finding("holder_mismatch", Outcome.PASS),
        ),
    )
    verdict = PartyVerdict(party, Status.NON_COMPLIANT, (evaluation,))
    report = build_report([verdict], {"p1": prop}, generated_at=datetime(2026, 6, 1, tzinfo=UTC))
    (row,) = report.parties
    assert [f.code for f in row.findings] == ["limit_insufficient", "additional_insured_missing"]
    assert [f.code for f in row.open_findings] == ["limit_insufficient"]
    assert row.findings[0].clause == "Lease 2024-117 § 12.3(b)"
    assert row.findings[0].clause_text == "Tenant shall carry $2,000,000."
    assert [d.code for d in report.deficiencies] == ["limit_insufficient"]
    assert report.by_owner[0].key == "One Main Owner LLC"
    assert report.totals == {s: int(s == "non_compliant") for s in STATUSES}
