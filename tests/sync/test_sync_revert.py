"""``coisync sync --revert RUN_ID`` puts back the values a run overwrote, through the outbox, and
leaves alone a record a person changed since (reported, not overwritten)."""

from __future__ import annotations

from pathlib import Path

from sync_rig import INSURANCE_BASE, InProcessRig

from coisync.sync.revert import revert_run


def statuses(rig: InProcessRig) -> dict[str, str]:
    return {key: str(r["status"]) for key, r in rig.emulator.store.snapshot()["insurances"].items()}


def test_revert_restores_what_a_run_overwrote_and_spares_a_later_edit(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(3, 2)
    before = statuses(rig)
    run = rig.run()
    written = statuses(rig)
    changed = {key for key in written if written[key] != before[key]}
    assert len(changed) >= 4, "the run overwrote statuses"
    rig.run()  # reads back its own writes

    edited = str(INSURANCE_BASE)
    assert edited in changed
    theirs = "non_compliant" if written[edited] != "non_compliant" else "compliant"
    with rig.emulator.store.transaction() as state:
        state["insurances"][edited].update(status=theirs, updated_at=rig.clock.now())
    rig.clock.advance(5)
    rig.run()  # the person's edit is read (and kept: a conflict)

    engine, close = rig.engine()
    try:
        connectors = {c.config.name: c for c in engine.connectors(())}
        result = revert_run(engine.store, connectors, run.run_id)
    finally:
        close()
    after = statuses(rig)
    others = set(before) - {edited}
    assert {key: after[key] for key in others} == {key: before[key] for key in others}
    assert after[edited] == theirs, "a value a person changed since the run was overwritten"
    assert any(edited in line for line in result.skipped), result.skipped
    assert result.planned == run.connections[0].planned - 1, "every other record the run wrote is put back"
    assert result.pushes["procore"].applied == result.planned
