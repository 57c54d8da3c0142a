"""The sync engine end to end on each store backend (SQLite and PostgreSQL): first sync writes
every status once, its echo and an unchanged run write nothing, a ``--full`` re-read writes
nothing, and a line expiring with no record change is rewritten."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sync_rig import AS_OF, InProcessRig


def test_sync_runs_the_same_on_each_backend(tmp_path: Path, store_url: str) -> None:
    rig = InProcessRig(tmp_path)
    rig.db_url = store_url
    rig.seed(5, 4)
    first = rig.run()
    assert first.connections[0].read == 25 and first.connections[0].quarantined == 0
    assert first.connections[0].planned == rig.counter.total == 20
    rig.run()  # reads back its own writes
    assert rig.run().connections[0].planned == 0
    full = rig.run(full=True)
    assert full.connections[0].read == 25 and full.connections[0].planned == 0
    assert full.evaluated == 0, "a re-read of unchanged records judges no party again"
    assert set(rig.counter.counts.values()) == {1}, "a record was written more than once"

    later = AS_OF + timedelta(days=30)  # the 2026-02-01 line of each vendor has expired
    rig.run(as_of=later)
    held = rig.emulator.store.snapshot()["insurances"]
    expired = [r for r in held.values() if r["expiration_date"] == "2026-02-01"]
    assert len(expired) == 5 and all(r["status"] == "expired" for r in expired)
    rig.run(as_of=later)  # reads back its own writes
    assert rig.run(as_of=later).connections[0].planned == 0
