"""A conflict a person resolves with ``--keep ours`` is written on the next sync, and only then:
the resolution puts the record back in the (incremental) plan."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sync_rig import INSURANCE_BASE, InProcessRig, cli

from coisync.sync import tables


def _conflicts(rig: InProcessRig) -> list[tuple[int, str]]:
    engine = sa.create_engine(rig.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(tables.conflicts.c.id, tables.conflicts.c.state))
            return [(int(r.id), str(r.state)) for r in rows]
    finally:
        engine.dispose()


def test_keep_ours_is_written_by_the_next_sync(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(3, 1)
    rig.run()
    rig.run()
    key = str(INSURANCE_BASE)
    ours = rig.emulator.store.snapshot()["insurances"][key]["status"]
    with rig.emulator.store.transaction() as state:
        theirs = "non_compliant" if ours != "non_compliant" else "compliant"
        state["insurances"][key].update(status=theirs, updated_at=rig.clock.now())
    rig.clock.advance(5)

    raised = rig.run()
    assert raised.connections[0].conflicts == 1
    assert rig.run().connections[0].planned == 0, "theirs is kept while the conflict is open"
    ((conflict_id, state),) = _conflicts(rig)
    assert state == "open"

    code = cli(
        ["--db", rig.db_url, "conflicts", "resolve", str(conflict_id), "--keep", "ours", "--by", "ana"]
    )
    assert code == 0
    writes = rig.counter.total
    after = rig.run()
    assert after.connections[0].planned == 1
    assert rig.counter.total == writes + 1
    assert rig.emulator.store.snapshot()["insurances"][key]["status"] == ours
    assert _conflicts(rig) == [(conflict_id, "kept_ours")]
