"""`coisync import`: JSONL, JSON documents and CSV; bad input reported, good input written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coisync.cli import main
from coisync.ingest import import_files
from coisync.sandbox.portfolio import generate, write_jsonl
from coisync.store import Store, open_store


def envelope(record_type: str, data: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {"format_version": version, "type": record_type, "data": data}


PARTY = {"id": "p1", "kind": "vendor", "legal_name": "Acme HVAC LLC"}
CERT = {
    "id": "c1",
    "party_id": "p1",
    "insured": {"name": "Acme HVAC LLC"},
    "lines": [{"coverage_type": "general_liability", "limits": {"each_occurrence": "1000000"}}],
}


def write_jsonl_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def run_cli(db: str, *args: str) -> tuple[int, str, str]:
    """Run the real entry point (which maps errors to exit codes) with captured output."""
    with CliRunner().isolation() as (out, err, _):
        try:
            main(["--db", db, *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_generated_portfolio_imports_and_reimport_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "portfolio.jsonl"
    assert write_jsonl(path, seed=7, size=600) == 600
    first = import_files(store, [path]).summary
    assert first.invalid == 0 and first.problems == []
    assert sum(t.read for t in first.types.values()) == 600
    assert first.rows_written == 600 and first.audit_seq == 1
    second = import_files(store, [path]).summary
    assert second.rows_written == 0 and second.audit_seq is None
    assert sum(t.unchanged for t in second.types.values()) == 600
    assert [e.action for e in store.audit.entries()] == ["import"]
    counts = store.counts()
    assert counts == {name: first.types[name].inserted for name in counts}


def test_generator_is_deterministic_and_exact() -> None:
    first = list(generate(3, 250))
    assert len(first) == 250
    assert first == list(generate(3, 250))
    assert first != list(generate(4, 250))
    assert {r["type"] for r in generate(1, 2000)} == {
        "property",
        "party",
        "agreement",
        "certificate",
        "evidence",
        "waiver",
    }


def test_invalid_records_are_reported_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    bad_limit = {
        **CERT,
        "id": "c2",
        "lines": [{"coverage_type": "general_liability", "limits": {"each_occurence": "1"}}],
    }
    path = write_jsonl_lines(
        tmp_path / "mixed.jsonl",
        [
            envelope("party", PARTY),
            envelope("party", {"id": "p2", "kind": "landlord", "legal_name": "X"}),
            "{not json",
            envelope("party", {"id": "p3", "kind": "tenant", "legal_name": "Y"}, version=2),
            envelope("certificate", CERT),
            envelope("certificate", bad_limit),
            envelope("lease", {"id": "l1"}),
        ],
    )
    summary = import_files(store, [path]).summary
    assert summary.types["party"].inserted == 1 and summary.types["party"].invalid == 2
    assert summary.types["certificate"].inserted == 1 and summary.types["certificate"].invalid == 1
    by_line = {p.line: p for p in summary.problems}
    assert set(by_line) == {2, 3, 4, 6, 7}
    assert by_line[2].field == "kind" and by_line[2].record_id == "p2"
    assert "not valid JSON" in by_line[3].reason
    assert by_line[4].field == "format_version" and "unknown format_version 2" in by_line[4].reason
    assert by_line[6].field == "lines.0" and "each_occurence" in by_line[6].reason
    assert by_line[7].field == "type" and "unknown record type 'lease'" in by_line[7].reason
    assert all(p.file == str(path) for p in summary.problems)
    assert store.get_party("p2") is None and store.get_certificate("c2") is None
    assert store.get_certificate("c1") is not None


def test_changed_certificate_is_versioned_on_reimport(store: Store, tmp_path: Path) -> None:
    path = write_jsonl_lines(tmp_path / "a.jsonl", [envelope("certificate", CERT)])
    import_files(store, [path])
    changed = {**CERT, "certificate_number": "2026-02"}
    write_jsonl_lines(path, [envelope("certificate", changed)])
    summary = import_files(store, [path]).summary
    assert summary.types["certificate"].updated == 1
    assert [v.version for v in store.certificate_history("c1")] == [1, 2]


def test_same_id_twice_in_one_file_versions_in_order(store: Store, tmp_path: Path) -> None:
    changed = {**CERT, "certificate_number": "second"}
    path = write_jsonl_lines(
        tmp_path / "twice.jsonl", [envelope("certificate", CERT), envelope("certificate", changed)]
    )
    summary = import_files(store, [path]).summary
    assert (summary.types["certificate"].inserted, summary.types["certificate"].updated) == (1, 1)
    latest = store.get_certificate("c1")
    assert latest is not None and latest.certificate_number == "second"


def test_json_documents_single_list_and_portfolio(store: Store, tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(envelope("party", PARTY)))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([envelope("certificate", CERT), envelope("party", {"id": "bad"})]))
    portfolio = tmp_path / "portfolio.json"
    portfolio.write_text(
        json.dumps(
            {
                "format_version": 1,
                "properties": [{"id": "b1", "name": "One Main", "owner_entity": "One Main LLC"}],
                "parties": [{**PARTY, "id": "p9"}],
                "agreements": [
                    {"id": "a1", "kind": "lease", "party_id": "p9", "property_id": "b1", "end_date": "x"}
                ],
            }
        )
    )
    report = import_files(store, [single, many, portfolio])
    types = report.summary.types
    assert (types["party"].inserted, types["party"].invalid) == (2, 1)
    assert types["certificate"].inserted == 1 and types["property"].inserted == 1
    assert types["agreement"].invalid == 1
    items = {(Path(p.file).name, p.item, p.field) for p in report.summary.problems}
    assert ("portfolio.json", "agreements[0]", "end_date") in items
    assert any(name == "many.json" and item == "[1]" for name, item, _ in items)


def test_unreadable_and_unknown_version_documents(store: Store, tmp_path: Path) -> None:
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"format_version": 9, "parties": []}))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    good = write_jsonl_lines(tmp_path / "good.jsonl", [envelope("party", PARTY)])
    report = import_files(store, [future, broken, tmp_path / "missing.jsonl", good])
    reasons = dict(report.unreadable)
    assert "unknown format_version 9" in reasons[str(future)]
    assert "not valid JSON" in reasons[str(broken)]
    assert reasons[str(tmp_path / "missing.jsonl")] == "no such file"
    assert report.summary.types["party"].inserted == 1


def test_cli_exit_codes_and_summary(tmp_path: Path, store_url: str) -> None:
    good = write_jsonl_lines(
        tmp_path / "good.jsonl", [envelope("party", PARTY), envelope("certificate", CERT)]
    )
    code, out, _ = run_cli(store_url, "import", str(good))
    assert code == 0 and "2 rows written" in out
    code, out, _ = run_cli(store_url, "import", str(good))
    assert code == 0 and "0 rows written" in out
    bad = write_jsonl_lines(
        tmp_path / "bad.jsonl", [envelope("party", {**PARTY, "id": "p5"}), envelope("party", {"id": "x"})]
    )
    code, out, err = run_cli(store_url, "import", str(bad))
    assert code == 1
    assert f"{bad}:2: party x: field kind: Field required" in err
    code, out, _ = run_cli(store_url, "import", "--json", str(bad))
    data = json.loads(out)
    assert code == 1 and data["invalid"] == 1 and data["problems"][0]["line"] == 2
    assert data["types"]["party"]["unchanged"] == 1 and data["rows_written"] == 0
    code, _, err = run_cli(store_url, "import", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "no such file" in err
    code, _, _ = run_cli(store_url, "import", str(tmp_path / "notes.txt"))
    assert code == 2


def test_audit_verify_command(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    good = write_jsonl_lines(tmp_path / "good.jsonl", [envelope("party", PARTY)])
    assert run_cli(db, "import", str(good))[0] == 0
    code, out, _ = run_cli(db, "audit", "verify")
    assert code == 0 and "head: seq 1" in out and "intact" in out
    store = open_store(db)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET payload = '{}' WHERE seq = 1")
    store.close()
    code, out, _ = run_cli(db, "audit", "verify", "--json")
    data = json.loads(out)
    assert code == 3 and data["ok"] is False and data["problems"][0]["seq"] == 1


@pytest.mark.parametrize("record_type", ["party"])
def test_type_option_refuses_other_record_types(store: Store, tmp_path: Path, record_type: str) -> None:
    path = write_jsonl_lines(tmp_path / "x.jsonl", [envelope("certificate", CERT)])
    summary = import_files(store, [path], record_type=record_type).summary
    assert summary.invalid == 1 and "--type party" in summary.problems[0].reason


def test_jsonl_with_bom_crlf_and_blank_lines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    lines = [json.dumps(envelope("party", PARTY)), "", json.dumps(envelope("certificate", CERT))]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    summary = import_files(store, [path]).summary
    assert summary.problems == [] and summary.rows_written == 2
