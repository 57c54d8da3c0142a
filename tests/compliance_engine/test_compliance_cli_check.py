"""coisync check and coisync requirements, end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compliance_factories import certificate, line

from coisync.cli import main
from coisync.model import envelope


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = certificate(
        line(),
        holder={"name": "Acme Properties, L.L.C."},
        insured={"name": "Blue [bold]Heron[/bold] LLC"},
    )
    short = certificate(
        line(limits={"each_occurrence": 500_000, "general_aggregate": 2_000_000}), cert_id="short"
    )
    paths = {
        "good": tmp_path / "good.json",
        "enveloped": tmp_path / "enveloped.json",
        "short": tmp_path / "short.json",
        "requirements": tmp_path / "lease.toml",
        "property": tmp_path / "property.json",
        "waivers": tmp_path / "waivers.json",
        "ratings": tmp_path / "ratings.csv",
    }
    paths["good"].write_text(good.canonical_json(), encoding="utf-8")
    paths["enveloped"].write_text(json.dumps(envelope("certificate", good)), encoding="utf-8")
    paths["short"].write_text(short.canonical_json(), encoding="utf-8")
    paths["requirements"].write_text(
        "# Lease 2024-117 insurance clause\n"
        "[certificate_holder]\n"
        "[[coverages]]\n"
        'coverage_type = "general_liability"\n'
        "limits = { each_occurrence = 1_000_000, general_aggregate = 2_000_000 }\n"
        'clause = { document = "Lease 2024-117", section = "§ 12.3" }\n',
        encoding="utf-8",
    )
    paths["property"].write_text(
        json.dumps({"id": "prop-1", "name": "400 Commerce", "owner_entity": "Acme Properties LLC"}),
        encoding="utf-8",
    )
    paths["waivers"].write_text(
        json.dumps(
            {
                "waivers": [
                    {
                        "id": "w-1",
                        "party_id": "party",
                        "scope": {
                            "finding_codes": ["limit_insufficient"],
                            "coverage_type": "general_liability",
                        },
                        "approver": "risk@acme.example",
                        "reason": "approved until renewal",
                        "granted_on": "2026-01-01",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    paths["ratings"].write_text(
        "naic,name,am_best_rating,financial_size_class\n10001,Hartwell,A+,XV\n", encoding="utf-8"
    )
    return paths


def test_compliant_exits_zero(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "check",
            "--certificate",
            str(files["enveloped"]),
            "--requirements",
            str(files["requirements"]),
            "--property",
            str(files["property"]),
            "--as-of",
            "2026-06-01",
        ],
        capsys,
    )
    assert code == 0
    assert "COMPLIANT" in out and "requirements lease" in out and "earliest expiration 2027-01-01" in out


def test_findings_exit_three_and_are_listed(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        [
            "check",
            "--certificate",
            str(files["short"]),
            "--requirements",
            str(files["requirements"]),
            "--as-of",
            "2026-06-01",
        ],
        capsys,
    )
    assert code == 3
    assert "NON_COMPLIANT" in out
    assert "limit_insufficient" in out and "Lease 2024-117 § 12.3" in out


def test_json_output(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "check",
            "--certificate",
            str(files["short"]),
            "--certificate",
            str(files["good"]),
            "--requirements",
            "vendor_low",
            "--ratings",
            str(files["ratings"]),
            "--as-of",
            "2026-12-15",
            "--window",
            "30",
            "--json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 3
    assert data["status"] == "non_compliant"
    assert data["requirement_source"] == "vendor_low"
    assert {f["code"] for f in data["findings"]} >= {"coverage_missing", "policy_expiring"}
    assert len(data["results"]) > len(data["findings"])
    assert all(f["outcome"] != "pass" for f in data["findings"])


def test_waivers_file_applies(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "check",
            "--certificate",
            str(files["short"]),
            "--requirements",
            str(files["requirements"]),
            "--waivers",
            str(files["waivers"]),
            "--as-of",
            "2026-06-01",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    assert [f["outcome"] for f in json.loads(out)["findings"]] == ["waived"]


def test_markup_in_untrusted_text_is_shown_not_interpreted(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cert = certificate(line(policy_number="[red]GL-1[/red]"), holder={"name": "[bold]Evil[/bold] LLC"})
    path = tmp_path / "evil.json"
    path.write_text(cert.canonical_json(), encoding="utf-8")
    code, out, _ = run_cli(
        [
            "check",
            "--certificate",
            str(path),
            "--requirements",
            str(files["requirements"]),
            "--property",
            str(files["property"]),
            "--as-of",
            "2026-06-01",
        ],
        capsys,
    )
    assert code == 3
    assert "found: [bold]Evil[/bold] LLC" in out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x"}', "not a valid certificate"),
        ('{"format_version": 9, "type": "certificate", "data": {}}', "format_version 9"),
        ('{"format_version": 1, "type": "party", "data": {}}', "expected 'certificate'"),
    ],
)
def test_bad_certificate_file_is_one_line_error(
    content: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run_cli(
        ["check", "--certificate", str(path), "--requirements", "vendor_low", "--as-of", "2026-06-01"], capsys
    )
    assert code == 2
    assert err.startswith("error: ") and str(path) in err and problem in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unknown_template_and_missing_file(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(
        ["check", "--certificate", str(files["good"]), "--requirements", "nope", "--as-of", "2026-06-01"],
        capsys,
    )
    assert code == 2 and "no requirement template named 'nope'" in err
    code, _, err = run_cli(
        [
            "check",
            "--certificate",
            "/nonexistent/c.json",
            "--requirements",
            "vendor_low",
            "--as-of",
            "2026-06-01",
        ],
        capsys,
    )
    assert code == 2 and "/nonexistent/c.json: cannot be read" in err


def test_no_certificate_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["check", "--requirements", "vendor_low", "--as-of", "2026-06-01", "--json"], capsys
    )
    assert code == 3
    assert json.loads(out)["status"] == "missing"


def test_requirements_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["requirements", "list", "--json"], capsys)
    names = [t["name"] for t in json.loads(out)["templates"]]
    assert code == 0 and "tenant_office" in names and "contractor" in names
    code, out, _ = run_cli(["requirements", "show", "tenant_restaurant"], capsys)
    assert code == 0 and "Liquor liability" in out and "Notice of cancellation: 30 days" in out
    code, out, _ = run_cli(["requirements", "show", "vendor_high", "--json"], capsys)
    data = json.loads(out)
    assert data["name"] == "vendor_high" and data["coverages"][0]["coverage_type"] == "general_liability"
    code, _, err = run_cli(["requirements", "show", "nope"], capsys)
    assert code == 2 and "known templates" in err
