"""Portfolio compliance reports: one model computed from verdicts, four formats.

:func:`build_report` reads verdicts once (streamed) into a :class:`Report`; the formats render
it: :func:`render_text` (rich tables), :func:`write_csv_report` (one row per finding,
formula-safe), :func:`report_dict` (JSON) and :func:`render_html` (one self-contained file with
charts and a filterable party table). ``coisync report`` is the command; docs/reports.md
documents every section and format.
"""

from __future__ import annotations

from coisync.report.build import ReportBuilder, build_report
from coisync.report.csv import write_csv_report
from coisync.report.html import render_html, write_html_report
from coisync.report.json import report_dict
from coisync.report.model import (
    REPORT_VERSION,
    Deficiency,
    Expiration,
    FindingRow,
    GroupRow,
    PartyRow,
    PendingItem,
    Report,
    SubjectRow,
)
from coisync.report.text import render_text

__all__ = [
    "REPORT_VERSION",
    "Deficiency",
    "Expiration",
    "FindingRow",
    "GroupRow",
    "PartyRow",
    "PendingItem",
    "Report",
    "ReportBuilder",
    "SubjectRow",
    "build_report",
    "render_html",
    "render_text",
    "report_dict",
    "write_csv_report",
    "write_html_report",
]
