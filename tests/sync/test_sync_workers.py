"""Worker processes prepare pull batches, judge parties and diff refs exactly as the main
process does alone.

Two identical portfolios are synced side by side, one with ``[sync] workers = 1`` (everything
in the main process) and one with ``workers = 2`` and batches and chunks small enough that the
pull, the evaluation and the plan are all split over worker processes. Every verdict, ref (with what
coisync read and wrote), outbox row, conflict and platform record must end the same, over a
first sync, its echo, a person's edit inside the platform (a conflict) and time passing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sync_rig import AS_OF, INSURANCE_BASE, InProcessRig, platform_snapshot, store_snapshot

from coisync.store import schema
from coisync.sync import evaluate, plan, tables, workers
from coisync.sync.summary import RunSummary


def _rows(db_url: str) -> dict[str, Any]:
    """What coisync recorded besides the canonical tables: refs' last-known values, outbox rows
    (run ids and op ids differ between the two stores), conflicts and verdict bodies."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            refs = schema.external_refs
            outbox, conflicts = tables.outbox, tables.conflicts
            return {
                "last_known": {
                    (r.platform_type, r.platform_id): r.last_known for r in conn.execute(sa.select(refs))
                },
                "outbox": sorted(
                    (r.platform_type, r.platform_id, r.payload, r.desired, r.before, r.state)
                    for r in conn.execute(sa.select(outbox))
                ),
                "conflicts": sorted(
                    (r.platform_type, r.platform_id, r.field, r.ours, r.theirs, r.desired, r.state)
                    for r in conn.execute(sa.select(conflicts))
                ),
                "verdicts": {
                    r.party_id: (r.status, r.body, r.next_review)
                    for r in conn.execute(sa.select(tables.verdicts))
                },
            }
    finally:
        engine.dispose()


def _counts(summary: RunSummary) -> tuple[int, ...]:
    part = summary.connections[0]
    push = part.push
    return (
        summary.evaluated,
        summary.verdicts_changed,
        part.read,
        part.changed,
        part.records,
        part.planned,
        part.conflicts,
        push.applied if push else -1,
    )


def test_workers_judge_and_plan_as_the_main_process_alone(
    tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluate, "CHUNK", 4)
    monkeypatch.setattr(plan, "CHUNK", 7)
    pools: list[bool] = []
    real_pool = workers.pool

    def watched(*args: Any, **kwargs: Any) -> Any:
        manager = real_pool(*args, **kwargs)

        class Watch:
            def __enter__(self) -> Any:
                executor = manager.__enter__()
                pools.append(executor is not None)
                return executor

            def __exit__(self, *exc: Any) -> Any:
                return manager.__exit__(*exc)

        return Watch()

    monkeypatch.setattr(workers, "pool", watched)
    sync = {"max_write_fraction": 1.0, "max_batch_records": 6}
    alone = InProcessRig(tmp_path / "alone", sync={**sync, "workers": 1})
    pooled = InProcessRig(tmp_path / "pooled", sync={**sync, "workers": 2})
    pooled.db_url = store_url
    for rig in (alone, pooled):
        rig.seed(13, 3)

    def both(**options: Any) -> None:
        pools.clear()
        counts = [_counts(rig.run(**options)) for rig in (alone, pooled)]
        assert counts[0] == counts[1]
        assert platform_snapshot(alone.emulator) == platform_snapshot(pooled.emulator)
        assert store_snapshot(alone.db_url) == store_snapshot(pooled.db_url)
        assert _rows(alone.db_url) == _rows(pooled.db_url)

    both()
    # workers = 1: the evaluation asks for none (and the pull and plan do not ask); workers = 2:
    # both streams pulled, then judged and planned, in worker processes.
    assert pools == [False, True, True, True, True]
    both()  # reads back its own writes
    key = str(INSURANCE_BASE + 4)
    for rig in (alone, pooled):  # a person changes a status coisync wrote
        with rig.emulator.store.transaction() as state:
            theirs = "non_compliant" if state["insurances"][key]["status"] != "non_compliant" else "compliant"
            state["insurances"][key].update(status=theirs, updated_at=rig.clock.now())
        rig.clock.advance(5)
    both()
    assert _rows(pooled.db_url)["conflicts"], "the person's change raised a conflict"
    both(as_of=AS_OF + timedelta(days=30))  # lines expire with no record changing
    assert any(r[-1] == "confirmed" for r in _rows(pooled.db_url)["outbox"])
