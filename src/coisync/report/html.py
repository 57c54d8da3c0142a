"""The report as one self-contained HTML file: inline CSS, inline SVG charts, inline script.

Nothing is fetched: the Content-Security-Policy allows no network source at all, and only the
report's own script runs (pinned by its SHA-256), so even a name that slipped past escaping could
not execute. Jinja2 renders the page with autoescape on; the party table's data is embedded
once as JSON (see :mod:`coisync.report.html_data`) and the script renders only the visible page.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from importlib import resources
from typing import IO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from coisync.report import charts
from coisync.report.html_data import embed_json, table_data
from coisync.report.model import EXPIRATION_WINDOW_DAYS, Report
from coisync.report.text import STATUS_LABELS

HTML_ROWS = 100
"""Rows of each server-rendered list; the party table below them holds every party."""


def _asset(name: str) -> str:
    return resources.files("coisync.report").joinpath("templates", name).read_text(encoding="utf-8")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("coisync.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = lambda s: STATUS_LABELS.get(str(s), str(s))
    env.filters["num"] = lambda n: f"{n:,}"
    return env


def render_html(report: Report) -> str:
    """The whole report as an HTML document."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    start = report.as_of or report.generated_at.date()
    template = _environment().get_template("report.html.j2")
    table, details = table_data(report, STATUS_LABELS)
    return template.render(
        report=report,
        statuses=list(report.totals),
        labels=STATUS_LABELS,
        colours=charts.STATUS_COLOURS,
        rows=HTML_ROWS,
        window_end=start + timedelta(days=EXPIRATION_WINDOW_DAYS),
        start=start,
        css=Markup(_asset("report.css")),  # noqa: S704 - our own stylesheet
        script=Markup(script),  # noqa: S704 - our own script
        script_hash=f"sha256-{digest}",
        data=embed_json(table),
        details=embed_json(details),
        chart_properties=charts.status_by_property(report.by_property, STATUS_LABELS),
        chart_expirations=charts.expirations_timeline(report.expirations, start),
        chart_deficiencies=charts.deficiency_breakdown(report.deficiencies),
    )


def write_html_report(report: Report, stream: IO[str]) -> None:
    """Write the HTML report to a text stream."""
    stream.write(render_html(report))
