"""Inline SVG charts for the HTML report, drawn here so the file needs no chart library.

Every label is escaped with :func:`markupsafe.escape`; the result is :class:`markupsafe.Markup`
that the template inserts as is. Bars carry a ``<title>`` so hovering shows the exact count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from markupsafe import Markup, escape

from coisync.report.model import STATUSES, Deficiency, Expiration, GroupRow

STATUS_COLOURS: dict[str, str] = {
    "missing": "#7f1d1d",
    "expired": "#dc2626",
    "non_compliant": "#ea580c",
    "expiring": "#d97706",
    "pending_review": "#2563eb",
    "compliant": "#16a34a",
    "not_required": "#9ca3af",
}
"""Fill colour of each status, shared by charts, cards and badges."""

SEVERITY_COLOURS: dict[str, str] = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#ea580c",
    "low": "#d97706",
    "info": "#6b7280",
}

PROPERTY_BARS = 15
"""Properties drawn in the status-by-property chart (those needing most attention)."""

WIDTH = 1100
"""viewBox width of the full-width chart."""
HALF = 560
"""viewBox width of a half-width chart."""
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(height: int, body: list[str], label: str, width: int = WIDTH) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" {FONT}>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every interpolated text is escaped


def _empty(label: str, width: int = WIDTH) -> Markup:
    return _svg(40, [f'<text x="8" y="24" fill="#6b7280">{escape(label)}</text>'], label, width)


def status_by_property(groups: Sequence[GroupRow], labels: dict[str, str]) -> Markup:
    """Stacked horizontal bars: each property's parties by status, worst properties first."""
    shown = list(groups[:PROPERTY_BARS])
    if not shown:
        return _empty("No parties at any property")
    left, right, row = 230, 60, 24
    scale = (WIDTH - left - right) / max(g.total for g in shown)
    body: list[str] = []
    for index, group in enumerate(shown):
        y = 8 + index * row
        name = f"{group.label} ({group.key})" if group.label != group.key else group.key
        body.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" fill="#111827"><title>{escape(name)}</title>'
            f"{escape(_clip(group.label, 34))}</text>"
        )
        x = float(left)
        for status in STATUSES:
            n = group.counts.get(status, 0)
            if not n:
                continue
            w = n * scale
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{STATUS_COLOURS[status]}">'
                f"<title>{escape(group.label)}: {escape(labels[status])} {n}</title></rect>"
            )
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 14}" fill="#374151">{group.total:,}</text>')
    return _svg(16 + len(shown) * row, body, "Parties by status at each property")


def expirations_timeline(expirations: Sequence[Expiration], start: date, days: int = 90) -> Markup:
    """Weekly columns: how many subjects' earliest required line expires in each week."""
    weeks = days // 7 + 1
    buckets = [0] * weeks
    for item in expirations:
        buckets[min(item.days_left // 7, weeks - 1)] += 1
    if not any(buckets):
        return _empty(f"No required line expires in the {days} days from {start.isoformat()}", HALF)
    left, bottom, top, height = 40, 40, 20, 220
    plot = height - bottom - top
    col = (HALF - left - 10) / weeks
    peak = max(buckets)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{HALF - 10}" y2="{height - bottom}" stroke="#9ca3af"/>'
    ]
    for index, n in enumerate(buckets):
        week = start + timedelta(days=7 * index)
        x = left + index * col
        h = plot * n / peak if peak else 0
        y = height - bottom - h
        colour = "#dc2626" if index < 2 else "#d97706" if index < 5 else "#f59e0b"
        body.append(
            f'<rect x="{x + 4:.1f}" y="{y:.1f}" width="{col - 8:.1f}" height="{h:.1f}" fill="{colour}" rx="2">'
            f"<title>Week of {week.isoformat()}: {n:,} expiring</title></rect>"
        )
        if n:
            body.append(
                f'<text x="{x + col / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#111827" '
                f'font-size="{10 if n >= 1000 else 12}">{n:,}</text>'
            )
        if index % 2 == 0:
            body.append(
                f'<text x="{x + col / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#374151">'
                f"{week:%b} {week.day}</text>"
            )
    body.append(
        f'<text x="{left}" y="{height - 6}" fill="#6b7280">Week starting (earliest required line expiring)</text>'
    )
    return _svg(height, body, "Expirations per week over the next 90 days", HALF)


def deficiency_breakdown(deficiencies: Sequence[Deficiency], limit: int = 10) -> Markup:
    """Horizontal bars: parties affected by each of the most common finding codes."""
    shown = list(deficiencies[:limit])
    if not shown:
        return _empty("No open findings", HALF)
    left, right, row = 215, 55, 24
    scale = (HALF - left - right) / max(d.parties for d in shown)
    body: list[str] = []
    for index, d in enumerate(shown):
        y = 8 + index * row
        w = max(d.parties * scale, 1.0)
        body.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" fill="#111827"><title>{escape(d.meaning)}</title>'
            f"{escape(_clip(d.code.replace('_', ' '), 29))}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{SEVERITY_COLOURS.get(d.severity, "#6b7280")}">'
            f"<title>{escape(d.code)}: {d.parties} parties, {d.findings} findings ({escape(d.severity)})</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + 14}" fill="#374151">{d.parties:,}</text>'
        )
    return _svg(16 + len(shown) * row, body, "Parties affected by the most common deficiencies", HALF)
