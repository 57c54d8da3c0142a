"""``coisync links`` and compare rules for missing certificates, coverages and agreement drift."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_reconcile_identity import _certificate, _party, _ref

from coisync.model import Agreement
from coisync.reconcile.compare import compare, load_holdings
from coisync.store import Store, open_store


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from coisync.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def _store(tmp_path: Path) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'coisync.db'}"
    store = open_store(url)
    store.upsert("party", [_party("mri:occupant:1", "Cedar Office LLC", kind="tenant"),
                           _party("vts:tenant:1", "Cedar Office LLC", kind="tenant")])  # fmt: skip
    store.upsert_refs([_ref("mri", "occupant", "1", "party", "mri:occupant:1"),
                       _ref("vts", "tenant", "1", "party", "vts:tenant:1")])  # fmt: skip
    return url, store


def test_links_review_link_undo_and_reject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, store = _store(tmp_path)
    store.close()
    db = ["--db", url]
    code, out = _cli(capsys, *db, "links", "list", "--json")
    assert code == 0 and json.loads(out) == []

    code, out = _cli(
        capsys, *db, "links", "link", "mri:occupant:1", "vts:tenant:1", "--reason", "same tenant"
    )
    assert code == 0 and "undo with coisync links undo" in out
    store = open_store(url)
    assert {r.connection for r in store.refs_for_entity("party", "mri:occupant:1")} == {"mri", "vts"}
    store.close()
    code, out = _cli(capsys, *db, "links", "list", "--all", "--json")
    (pair,) = json.loads(out)
    assert pair["state"] == "linked" and pair["basis"] == "manual"

    code, out = _cli(capsys, *db, "links", "unlink", str(pair["change_id"]))
    assert code == 0
    store = open_store(url)
    assert {r.connection for r in store.refs_for_entity("party", "vts:tenant:1")} == {"vts"}
    assert store.get_party("vts:tenant:1") is not None
    store.close()
    code, out = _cli(capsys, *db, "links", "list", "--all", "--json")
    assert [p["state"] for p in json.loads(out)] == ["rejected"]

    code, out = _cli(capsys, *db, "links", "undo", str(pair["change_id"]))
    assert code == 2 and "already undone" in out


def test_missing_certificate_coverage_and_agreement_drift(tmp_path: Path) -> None:
    _, store = _store(tmp_path)
    agreements = [
        Agreement.model_validate(
            {"id": f"{c}:lease:1", "kind": "lease", "party_id": f"{p}", "property_id": "p1", "status": s},
            strict=False,
        )
        for c, p, s in (("mri", "mri:occupant:1", "active"), ("vts", "vts:tenant:1", "terminated"))
    ]
    store.upsert("agreement", agreements)
    store.upsert_refs([_ref("mri", "lease", "1", "agreement", "mri:lease:1"),
                       _ref("vts", "lease", "1", "agreement", "vts:lease:1")])  # fmt: skip
    from coisync.reconcile import links

    links.link(store, "party", "vts:tenant:1", "mri:occupant:1", "tester")
    as_of = date(2026, 12, 4)
    # two agreements of one party are not compared until identity links them as one
    flags = {(f.connection, f.kind) for f in compare(load_holdings(store), as_of, 90)}
    assert flags == {("mri", "certificate_missing"), ("vts", "certificate_missing")}
    links.link(store, "agreement", "vts:lease:1", "mri:lease:1", "tester")
    flags = {(f.connection, f.kind) for f in compare(load_holdings(store), as_of, 90)}
    assert flags == {
        ("mri", "certificate_missing"),
        ("vts", "certificate_missing"),
        ("mri", "agreement_drift"),
        ("vts", "agreement_drift"),
    }
    store.upsert("certificate", [_certificate("vts:insurance_certificate:5", "mri:occupant:1", "2027-10-01")])
    store.upsert_refs(
        [_ref("vts", "insurance_certificate", "5", "certificate", "vts:insurance_certificate:5")]
    )
    later = {(f.connection, f.kind, f.coverage_type) for f in compare(load_holdings(store), as_of, 90)}
    assert ("mri", "coverage_missing", "general_liability") in later
    assert not any(kind == "certificate_missing" for _, kind, _ in later)
    store.close()


def test_reconcile_takes_its_lock_and_records_its_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, store = _store(tmp_path)
    db = ["--db", url]
    with store.lock("reconcile"):
        code, out = _cli(capsys, *db, "reconcile", "--as-of", "2026-12-04", "--json")
    assert code == 4, out
    code, out = _cli(capsys, *db, "reconcile", "--as-of", "2026-12-04", "--json")
    report = json.loads(out)
    assert code == 3 and [(c["left_id"], c["right_id"]) for c in report["linked"]] == [
        ("mri:occupant:1", "vts:tenant:1")
    ]
    code, out = _cli(capsys, *db, "runs", "--json")
    assert code == 0 and "reconcile" in out
    store.close()
