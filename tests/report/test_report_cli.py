"""``coisync report``: formats, output files, filters, usage errors and the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixtures import AS_OF

from coisync.cli import main
from coisync.report import Report


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COISYNC_CONFIG", raising=False)


def test_json_report_exits_0_even_with_findings(
    report_db_url: str, report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["--db", report_db_url, "report", "--as-of", AS_OF.isoformat(), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["by_status"] == report.totals
    assert report.attention_count > 0, "a report is not a verdict: findings do not change the exit code"
    assert [p["id"] for p in data["parties"]] == [p.id for p in report.parties]


def test_output_suffix_picks_the_format_and_files_are_written_whole(
    report_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, csv_path = tmp_path / "portfolio.html", tmp_path / "portfolio.csv"
    code, out, err = run(["--db", report_db_url, "report", "--as-of", "2026-06-01", "-o", str(html)], capsys)
    assert code == 0 and out == ""
    assert f"wrote {html} (html:" in err
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    code, _, _ = run(
        ["--db", report_db_url, "report", "--as-of", "2026-06-01", "--format", "csv", "-o", str(csv_path)],
        capsys,
    )
    assert code == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfparty_id,party_name,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.csv", "portfolio.html"], (
        "no temp files left"
    )


def test_property_filter_and_text_output(
    report_db_url: str, report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = report.by_property[-1].key
    code, out, _ = run(
        ["--db", report_db_url, "report", "--as-of", "2026-06-01", "--property", chosen, "--format", "text"],
        capsys,
    )
    assert code == 0
    assert f"as of 2026-06-01 · properties {chosen}" in out
    assert "Parties by status" in out and "By owner" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--json", "--format", "csv"], "--json and --format csv disagree"),
        (["--property", "no-such-property"], "unknown property 'no-such-property'"),
        (["--format", "pdf"], "Invalid value for '--format'"),
        (["-o", "no-such-dir/report.html"], "does not exist; create it first"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    report_db_url: str, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["--db", report_db_url, "report", *extra], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
