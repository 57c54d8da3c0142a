"""Policies expire without any record changing: when the judging day passes a line's expiration
(or enters an expiring window), the next sync re-judges the party and writes the new status,
and only that; an unchanged day after it writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sync_rig import AS_OF, INSURANCE_BASE, InProcessRig


def statuses(rig: InProcessRig) -> dict[str, str]:
    return {key: str(r["status"]) for key, r in rig.emulator.store.snapshot()["insurances"].items()}


def test_a_line_expiring_with_no_record_change_is_rewritten_on_the_day_it_expires(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(4, 4)  # each vendor has lines expiring 2025-12-31, 2026-02-01, 2026-12-31, 2027-03-31
    rig.run()
    rig.run()
    before = statuses(rig)
    assert rig.run().connections[0].planned == 0

    later = AS_OF + timedelta(days=30)  # 2026-02-14: the 2026-02-01 lines have expired
    moved = rig.run(as_of=later)
    assert moved.evaluated >= 1
    after = statuses(rig)
    changed = {key for key in after if after[key] != before[key]}
    assert changed, "an expired line kept its old status"
    expiring_lines = {
        str(INSURANCE_BASE + i) for i in range(16) if i % 4 == 1
    }  # EXPIRATIONS[1] in the rig's portfolio (index % 4 == 1)
    assert changed <= expiring_lines, (
        f"lines whose standing did not change were written: {changed - expiring_lines}"
    )
    assert all(after[key] == "expired" for key in changed)

    rig.run(as_of=later)  # reads back its own writes
    assert rig.run(as_of=later).connections[0].planned == 0
