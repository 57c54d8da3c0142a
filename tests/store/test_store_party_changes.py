"""Parties marked changed: one row per party, the latest reason and time kept."""

from __future__ import annotations

from pathlib import Path

from coisync.store import open_store
from coisync.store.review import changed_parties, mark_parties_changed


def test_marking_a_party_again_keeps_one_row_with_the_latest_reason(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    with store.transaction() as conn:
        mark_parties_changed(conn, ["P-2", "P-1", "P-1"], "procore/vendors")
    with store.transaction() as conn:
        before = {party: when for party, _, when in changed_parties(conn)}
        mark_parties_changed(conn, ["P-1", "P-3"], "procore/insurances")
    with store.transaction() as conn:
        rows = {party: (reason, when) for party, reason, when in changed_parties(conn)}
    assert set(rows) == {"P-1", "P-2", "P-3"}
    assert rows["P-1"][0] == "procore/insurances"
    assert rows["P-1"][1] >= before["P-1"]
    assert rows["P-2"] == ("procore/vendors", before["P-2"])
