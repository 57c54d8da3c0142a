"""The report as JSON: every section, every party with its findings and their evidence.

The layout is versioned by ``report_version`` (:data:`~coisync.report.model.REPORT_VERSION`)
and documented in docs/reports.md. Dates are ISO 8601 strings; counts list every status.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from coisync.report.model import REPORT_VERSION, STATUSES, GroupRow, PartyRow, Report


def group_dict(group: GroupRow) -> dict[str, Any]:
    """One group row with its total and how many need attention."""
    data: dict[str, Any] = {"key": group.key, "label": group.label}
    if group.detail is not None:
        data["detail"] = group.detail
    return {**data, "total": group.total, "attention": group.attention, "counts": dict(group.counts)}


def party_dict(party: PartyRow) -> dict[str, Any]:
    """One party: verdict, subjects and every finding that did not pass."""
    return {
        "id": party.id,
        "name": party.name,
        "kind": party.kind,
        "category": party.category,
        "status": party.status,
        "property_ids": list(party.property_ids),
        "owners": list(party.owners),
        "earliest_expiration": party.earliest_expiration.isoformat() if party.earliest_expiration else None,
        "subjects": [
            {
                **asdict(s),
                "as_of": s.as_of.isoformat(),
                "earliest_expiration": s.earliest_expiration.isoformat() if s.earliest_expiration else None,
            }
            for s in party.subjects
        ],
        "findings": [f.as_dict() for f in party.findings],
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as plain JSON-ready data."""
    return {
        "report_version": REPORT_VERSION,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "generated_at": report.generated_at.isoformat(),
        "property_filter": list(report.property_filter),
        "statuses": list(STATUSES),
        "summary": {
            "parties": report.party_count,
            "attention": report.attention_count,
            "by_status": dict(report.totals),
        },
        "by_owner": [group_dict(g) for g in report.by_owner],
        "by_property": [group_dict(g) for g in report.by_property],
        "by_kind": [group_dict(g) for g in report.by_kind],
        "upcoming_expirations": [
            {**asdict(x), "expires": x.expires.isoformat(), "coverages": list(x.coverages)}
            for x in report.expirations
        ],
        "deficiencies": [asdict(d) for d in report.deficiencies],
        "pending_review": [asdict(p) for p in report.pending],
        "parties": [party_dict(p) for p in report.parties],
        "followup_blocked": [{**asdict(b), "since": b.since.isoformat()} for b in report.followup_blocked],
    }
