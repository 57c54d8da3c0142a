"""``coisync intake`` and ``coisync review`` through the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from intake_bad_docs import certificate_email
from intake_corpus import render_fillable
from intake_flat import render_flat

from coisync.cli import main
from coisync.store import open_store


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    parties = [
        {"id": "P-ACME", "kind": "vendor", "legal_name": "Acme Mechanical, L.L.C."},
        {"id": "P-HARBOR", "kind": "vendor", "legal_name": "Harbor Plumbing Co"},
    ]
    lines = [json.dumps({"format_version": 1, "type": "party", "data": p}) for p in parties]
    (tmp_path / "parties.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@dataclass
class Result:
    """Exit code and everything printed (stdout and stderr)."""

    exit_code: int
    output: str


_capture: list[pytest.CaptureFixture[str]] = []


@pytest.fixture(autouse=True)
def _capsys(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    _capture.append(capsys)
    yield
    _capture.pop()


def run(workdir: Path, *args: str) -> Result:
    """Run the real entry point (errors become exit codes and one-line messages)."""
    db = f"sqlite:///{workdir / 'coisync.db'}"
    capsys = _capture[-1]
    capsys.readouterr()
    try:
        main(["--config", str(workdir / "none.toml"), "--db", db, *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out + captured.err)


def test_intake_prints_each_document_and_the_new_verdict(workdir: Path) -> None:
    (workdir / "acme.pdf").write_bytes(render_fillable(0).content)
    assert run(workdir, "import", str(workdir / "parties.jsonl")).exit_code == 0
    result = run(workdir, "intake", str(workdir / "acme.pdf"))
    assert result.exit_code == 0, result.output
    assert "trusted -> P-ACME:acord25 v1" in result.output
    assert "party P-ACME: " in result.output
    as_json = run(workdir, "intake", str(workdir / "acme.pdf"), "--json")
    data = json.loads(as_json.output)
    (doc,) = data["documents"]
    assert (doc["status"], doc["version"], doc["changed"]) == ("trusted", 1, False)
    assert data["verdicts"]["P-ACME"] == doc["verdict"]


def test_an_email_is_read_and_its_sender_kept(workdir: Path) -> None:
    run(workdir, "import", str(workdir / "parties.jsonl"))
    message = certificate_email(render_fillable(7).content)
    (workdir / "coi.eml").write_bytes(message)
    result = run(workdir, "intake", str(workdir / "coi.eml"), "--json")
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.output)["documents"]
    assert doc["sender"] == "Dana Whitfield <certs@broker.example>"
    assert doc["file"].endswith("coi.eml:coi.pdf")
    assert doc["party_id"] == "P-HARBOR" and doc["status"] == "trusted"


def test_an_email_without_a_pdf_is_a_clear_error(workdir: Path) -> None:
    (workdir / "empty.eml").write_bytes(b"From: a@b.example\nSubject: hi\n\nno attachment\n")
    result = run(workdir, "intake", str(workdir / "empty.eml"))
    assert result.exit_code == 2
    assert "has no PDF attachment" in result.output


def test_bad_files_exit_2_and_the_others_are_still_taken_in(workdir: Path) -> None:
    run(workdir, "import", str(workdir / "parties.jsonl"))
    (workdir / "acme.pdf").write_bytes(render_fillable(0).content)
    (workdir / "notes.txt").write_text("hello", encoding="utf-8")
    result = run(
        workdir, "intake", str(workdir / "notes.txt"), str(workdir / "acme.pdf"), str(workdir / "gone.pdf")
    )
    assert result.exit_code == 2
    assert "notes.txt is not a PDF" in result.output
    assert "gone.pdf: no such file" in result.output
    assert "trusted -> P-ACME:acord25 v1" in result.output


def test_review_show_correct_accept_and_audit(workdir: Path) -> None:
    run(workdir, "import", str(workdir / "parties.jsonl"))
    rendered = render_flat(4, "glyph_o_for_zero")
    (workdir / "flat.pdf").write_bytes(rendered.content)
    queued = run(workdir, "intake", str(workdir / "flat.pdf"), "--json")
    (doc,) = json.loads(queued.output)["documents"]
    assert doc["status"] == "pending"
    intake_id = str(doc["intake_id"])

    listing = run(workdir, "review", "list", "--json")
    assert [row["id"] for row in json.loads(listing.output)] == [doc["intake_id"]]
    shown = json.loads(run(workdir, "review", "show", intake_id, "--json").output)
    low = [f for f in shown["extraction"]["fields"] if f["confidence"] < 0.85]
    assert [f["key"] for f in low] == ["gl.limit.each_occurrence"]

    bad = run(workdir, "review", "correct", intake_id, "gl.limit.each_occurrence=lots")
    assert bad.exit_code == 2 and "cannot read 'lots'" in bad.output
    unknown = run(workdir, "review", "correct", intake_id, "gl.limit.nonsense=1")
    assert unknown.exit_code == 2 and "unknown field" in unknown.output
    amount = rendered.expected["gl_each_occurrence"]
    fixed = run(workdir, "review", "correct", intake_id, f"gl.limit.each_occurrence={amount:,}")
    assert fixed.exit_code == 0, fixed.output
    no_party = run(workdir, "review", "accept", intake_id)
    assert no_party.exit_code == 2 and "--party" in no_party.output
    accepted = run(workdir, "review", "accept", intake_id, "--party", "P-ACME", "--json")
    assert accepted.exit_code == 0, accepted.output
    outcome = json.loads(accepted.output)
    assert (outcome["record_id"], outcome["version"], outcome["party_id"]) == ("P-ACME:acord25", 1, "P-ACME")
    again = run(workdir, "review", "accept", intake_id)
    assert again.exit_code == 2 and "not pending" in again.output

    store = open_store(f"sqlite:///{workdir / 'coisync.db'}")
    try:
        certificate = store.get_certificate("P-ACME:acord25")
        assert certificate is not None
        assert int(certificate.lines[0].limits["each_occurrence"].amount) == amount
        entries = [e for e in store.audit.entries() if e.subject == f"intake:{intake_id}"]
        assert [e.action for e in entries] == ["intake.queue", "review.correct", "review.accept"]
        change = entries[1].payload["changes"][0]
        assert change["field"] == "gl.limit.each_occurrence" and change["before"] is None
        assert entries[2].payload["corrected"] == ["gl.limit.each_occurrence"]
        assert store.audit.verify().ok
    finally:
        store.close()


def test_review_reject_keeps_the_document_and_writes_nothing(workdir: Path) -> None:
    (workdir / "x.pdf").write_bytes(render_fillable(5).content)
    (doc,) = json.loads(run(workdir, "intake", str(workdir / "x.pdf"), "--json").output)["documents"]
    result = run(workdir, "review", "reject", str(doc["intake_id"]), "--reason", "not our vendor")
    assert result.exit_code == 0
    rows = json.loads(run(workdir, "review", "list", "--all", "--json").output)
    assert [r["status"] for r in rows] == ["rejected"]
    assert json.loads(run(workdir, "review", "list", "--json").output) == []
