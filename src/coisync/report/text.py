"""The report on a terminal: rich tables, statuses in colour.

Lists longer than :data:`TEXT_ROWS` are cut with a line saying how many more there are; the
CSV, JSON and HTML formats always hold everything. Every cell is a :class:`rich.text.Text`,
which rich never parses as markup, so a party named ``[bold]x[/]`` is printed as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from coisync.model import coverage_title
from coisync.report.model import PASSING, STATUSES, GroupRow, Report

TEXT_ROWS = 20
"""Rows shown per list on a terminal."""

STATUS_STYLES: dict[str, str] = {
    "missing": "bold red",
    "expired": "red",
    "non_compliant": "dark_orange",
    "expiring": "yellow",
    "pending_review": "blue",
    "compliant": "green",
    "not_required": "dim",
}
"""Terminal colour of each status."""

STATUS_LABELS: dict[str, str] = {
    "missing": "Missing",
    "expired": "Expired",
    "non_compliant": "Non-compliant",
    "expiring": "Expiring",
    "pending_review": "Pending review",
    "compliant": "Compliant",
    "not_required": "Not required",
}
"""Human label of each status, shared by every format."""


def status_text(status: str) -> Text:
    """A status, coloured."""
    return Text(STATUS_LABELS.get(status, status), style=STATUS_STYLES.get(status, ""))


def _cell(value: object) -> Text:
    if isinstance(value, Text):
        return value
    return Text("" if value is None else str(value))


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], numeric: int = 0) -> Table:
    result = Table(title=title, title_justify="left", title_style="bold", header_style="bold")
    for index, column in enumerate(columns):
        result.add_column(column, justify="right" if index >= len(columns) - numeric else "left")
    for row in rows:
        result.add_row(*(_cell(v) for v in row))
    return result


def _more(total: int, shown: int, what: str) -> Text | None:
    if total <= shown:
        return None
    return Text(
        f"… and {total - shown} more {what} (every one is in --format csv, json or html)", style="dim"
    )


def _group_table(title: str, first: str, groups: Sequence[GroupRow]) -> RenderableType:
    used = [s for s in STATUSES if any(g.counts[s] for g in groups)]
    details = any(g.detail for g in groups)
    rows = [
        [
            g.label,
            *([g.detail or ""] if details else []),
            *[g.counts[s] or "" for s in used],
            g.total,
            g.attention,
        ]
        for g in groups[:TEXT_ROWS]
    ]
    columns = [first, *([""] if details else []), *[STATUS_LABELS[s] for s in used], "total", "attention"]
    table = _table(title, columns, rows, numeric=len(used) + 2)
    offset = 2 if details else 1
    for index, status in enumerate(used, start=offset):
        table.columns[index].header_style = f"bold {STATUS_STYLES[status]}"
    more = _more(len(groups), TEXT_ROWS, title.lower())
    return Group(table, more) if more else table


def _summary(report: Report) -> RenderableType:
    total = report.party_count or 1
    rows = [
        [status_text(s), n, f"{100 * n / total:.1f}%"]
        for s, n in report.totals.items()
        if n or s not in PASSING
    ]
    return _table("Parties by status", ["status", "parties", "share"], rows, numeric=2)


def render_text(report: Report, out: Console) -> None:
    """Print the report to a rich console."""
    day = report.as_of.isoformat() if report.as_of else "today (each property's time zone)"
    scope = f" · properties {', '.join(report.property_filter)}" if report.property_filter else ""
    out.print(Text(f"Portfolio compliance report · as of {day}{scope}", style="bold"))
    out.print(
        Text(
            f"{report.party_count} parties, {report.attention_count} need attention · generated {report.generated_at:%Y-%m-%d %H:%M} UTC"
        )
    )
    out.print(_summary(report))
    out.print(_group_table("By owner", "owner", report.by_owner))
    out.print(_group_table("By property", "property", report.by_property))
    out.print(_group_table("By party kind", "kind", report.by_kind))
    _expirations(report, out)
    _deficiencies(report, out)
    _pending(report, out)
    _blocked(report, out)
    _attention(report, out)


def _expirations(report: Report, out: Console) -> None:
    rows = [
        [x.expires.isoformat(), x.days_left, x.party_name, x.kind, x.property_id or "", status_text(x.status),
         ", ".join(coverage_title(c) for c in x.coverages)]
        for x in report.expirations[:TEXT_ROWS]
    ]  # fmt: skip
    out.print(
        _table(
            "Upcoming expirations (next 90 days)",
            ["expires", "days", "party", "kind", "property", "status", "expiring lines"],
            rows,
        )
    )
    if more := _more(len(report.expirations), TEXT_ROWS, "expirations"):
        out.print(more)


def _deficiencies(report: Report, out: Console) -> None:
    rows = [[d.code, d.severity, d.parties, d.findings, d.meaning] for d in report.deficiencies[:10]]
    out.print(
        _table("Most common deficiencies", ["finding", "severity", "parties", "findings", "meaning"], rows)
    )


def _pending(report: Report, out: Console) -> None:
    rows = [
        [p.party_name, p.property_id or "", p.code, p.needed, p.evidence or ""]
        for p in report.pending[:TEXT_ROWS]
    ]
    out.print(
        _table(
            "Pending review: evidence needed",
            ["party", "property", "finding", "needed", "evidence seen"],
            rows,
        )
    )
    if more := _more(len(report.pending), TEXT_ROWS, "pending items"):
        out.print(more)


def _blocked(report: Report, out: Console) -> None:
    if not report.followup_blocked:
        return
    rows = [
        [b.party_name, b.party_id, b.channel, b.since.isoformat(), b.message] for b in report.followup_blocked
    ]
    out.print(
        _table("Follow-up blocked: no contact", ["party", "id", "channel", "since", "what to do"], rows)
    )


def _attention(report: Report, out: Console) -> None:
    needing = [p for p in report.parties if p.status not in PASSING]
    out.print(Text("Parties needing attention", style="bold"))
    for party in needing[:TEXT_ROWS]:
        head = Text.assemble(
            (party.name, "bold"), f"  {party.id} · {party.kind} · ", status_text(party.status)
        )
        rows = [
            [
                f.code,
                f.outcome,
                f.coverage_type or "",
                f.required or "",
                f.found or "",
                f.evidence or "",
                f.clause or "",
                f.message,
            ]
            for f in party.findings
        ]
        table = _table(
            "", ["finding", "outcome", "coverage", "required", "found", "evidence", "clause", "message"], rows
        )
        out.print(head)
        out.print(table)
    if more := _more(len(needing), TEXT_ROWS, "parties needing attention"):
        out.print(more)
