"""The pull maps each changed record once and quarantines one whose fields do not coerce, with the
field and the reason, while its siblings land; the corrected record is taken on the next read."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sync_rig import INSURANCE_BASE, InProcessRig, portfolio

from coisync.store import open_store
from coisync.sync.tables import quarantine


def _quarantine_rows(db_url: str) -> list[tuple[str, str, object]]:
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(quarantine.c.platform_id, quarantine.c.reason, quarantine.c.resolved_at)
            )
            return [(r.platform_id, r.reason, r.resolved_at) for r in rows]
    finally:
        store.close()


def test_a_record_that_does_not_map_is_quarantined_by_the_pull_and_retaken_when_fixed(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.emulator.seed(portfolio(2, 2, now=rig.clock.now()))
    bad_id = INSURANCE_BASE + 1
    with rig.emulator.store.transaction() as state:  # a value the mapping cannot read as a date
        state["insurances"][str(bad_id)]["expiration_date"] = "the end of June"

    first = rig.run()
    part = first.connections[0]
    assert part.quarantined == 1
    assert int(first.exit_code) == 1
    (row,) = _quarantine_rows(rig.db_url)
    assert row[0] == str(bad_id)
    assert "expiration_date" in row[1] and row[2] is None
    assert rig.counter.total == 3, "the three good insurances were written"

    with rig.emulator.store.transaction() as state:
        record = state["insurances"][str(bad_id)]
        record["expiration_date"] = "2026-06-30"
        record["updated_at"] = rig.clock.now() + 60
    rig.clock.advance(120)
    second = rig.run()
    assert second.connections[0].quarantined == 0
    (row,) = _quarantine_rows(rig.db_url)
    assert row[2] is not None, "the corrected record resolved its quarantine entry"
    assert rig.counter.total == 4
