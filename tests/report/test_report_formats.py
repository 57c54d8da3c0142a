"""CSV, JSON, text and HTML renderings of one report: complete, consistent and inert."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re

from report_fixtures import HOSTILE_NAMES
from rich.console import Console

from coisync.cli.output import FORMULA_PREFIXES
from coisync.report import Report, render_html, render_text, report_dict, write_csv_report
from coisync.report.csv import BOM, COLUMNS
from coisync.report.html_data import embed_json

DATA_BLOCK = re.compile(r'<script type="application/json" id="report-(?:data|findings)">(.*?)</script>', re.S)


def _csv_rows(report: Report) -> tuple[str, list[list[str]]]:
    stream = io.StringIO(newline="")
    written = write_csv_report(report, stream)
    text = stream.getvalue()
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert len(rows) == written + 1
    return text, rows


def test_csv_has_one_row_per_finding_and_every_party(report: Report) -> None:
    text, rows = _csv_rows(report)
    assert text.startswith(BOM)
    assert "\r\n" in text and text.count("\r\n") == len(rows)
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == sum(max(1, len(p.findings)) for p in report.parties)
    assert {r[0] for r in rows[1:]} == {p.id for p in report.parties}
    code = COLUMNS.index("finding_code")
    assert Counter_of(rows[1:], code) == Counter_of_findings(report)


def Counter_of(rows: list[list[str]], column: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row[column]:
            counts[row[column]] = counts.get(row[column], 0) + 1
    return counts


def Counter_of_findings(report: Report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for party in report.parties:
        for finding in party.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
    return counts


def test_csv_cells_cannot_run_as_formulas(report: Report) -> None:
    _, rows = _csv_rows(report)
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert "'" + HOSTILE_NAMES[2] in cells
    assert HOSTILE_NAMES[0] in cells, "other hostile names are kept exactly, not mangled"


def test_json_report_holds_every_section(report: Report) -> None:
    data = json.loads(json.dumps(report_dict(report)))
    assert data["report_version"] == 1
    assert data["as_of"] == "2026-06-01"
    assert data["summary"]["by_status"] == report.totals
    assert data["summary"]["parties"] == len(data["parties"]) == report.party_count
    assert len(data["upcoming_expirations"]) == len(report.expirations)
    assert len(data["pending_review"]) == len(report.pending)
    assert [d["code"] for d in data["deficiencies"]] == [d.code for d in report.deficiencies]
    names = {p["name"] for p in data["parties"]}
    assert set(HOSTILE_NAMES) <= names
    first = next(p for p in data["parties"] if p["findings"])
    assert {"code", "outcome", "severity", "message"} <= set(first["findings"][0])
    assert all(s["as_of"] == "2026-06-01" for p in data["parties"] for s in p["subjects"])


def test_text_report_prints_hostile_names_as_written(report: Report) -> None:
    out = Console(file=io.StringIO(), width=400, color_system=None)
    render_text(report, out)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "Portfolio compliance report · as of 2026-06-01" in text
    assert "Most common deficiencies" in text and "Pending review" in text
    assert "[bold red]Markup[/] Holdings" in text


def test_embedded_json_cannot_close_its_script_element() -> None:
    value = {"name": "</script><script>alert(1)</script><!-- & \u2028"}
    text = str(embed_json(value))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_html_escapes_every_name_and_embeds_the_data_once(report: Report) -> None:
    html = render_html(report)
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert html.count("<script") == 3, "the table's data, the findings and the report's own script"
    table_block, findings_block = DATA_BLOCK.findall(html)
    assert "<" not in table_block and "<" not in findings_block
    table, details = json.loads(table_block), json.loads(findings_block)
    assert set(HOSTILE_NAMES) <= {p[1] for p in table["parties"]}
    assert len(table["parties"]) == len(details["findings"]) == report.party_count
    strings = details["strings"]
    for party, findings in zip(report.parties, details["findings"], strict=True):
        assert [strings[f[0]] for f in findings] == [f.code for f in party.findings]
    ranks = [p[table["fields"].index("name_rank")] for p in table["parties"]]
    assert sorted(ranks) == list(range(report.party_count))


def test_html_is_self_contained_and_pins_its_script(report: Report) -> None:
    html = render_html(report)
    without_data = DATA_BLOCK.sub("", html)
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', without_data)
    assert links and all(link.startswith("#") for link in links)
    attributes = re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', without_data)
    assert not [(name, value) for name, value in attributes if "://" in value and name != "xmlns"]
    assert "@import" not in html and "url(" not in without_data
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert "default-src 'none'" in html


def test_html_server_rendered_counts_match_the_report(report: Report) -> None:
    html = render_html(report)
    for status, n in report.totals.items():
        card = re.search(
            rf'data-status="{status}">\s*<span class="n" data-count="(\d+)">([\d,]+)</span>', html
        )
        assert card is not None and int(card.group(1)) == n
        assert card.group(2) == f"{n:,}"
    assert f'data-count="{report.party_count}">{report.party_count:,}</strong>' in html
