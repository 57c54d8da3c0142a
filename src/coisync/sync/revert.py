"""``coisync sync --revert RUN_ID``: put back the values a run overwrote.

For every write the run confirmed, the platform's value before it (kept in the outbox) is
written again, through the same outbox and writers as any other write, in a new run of kind
``revert``. A record whose field no longer shows what the run wrote (a person or a later run
changed it since) is left alone and reported. The next ``coisync sync`` plans from the
verdicts again, so switch writes off (or fix the cause) first when the run's values were wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from coisync.connector import Connector, WriteOp
from coisync.errors import UsageError
from coisync.store import Store
from coisync.store.refs import get_ref
from coisync.sync import outbox, runs
from coisync.sync.plan import nest
from coisync.sync.push import PushResult, push_connection


@dataclass
class RevertResult:
    """What a revert did."""

    run_id: str
    reverted_run: str
    planned: int = 0
    skipped: list[str] = field(default_factory=list)
    pushes: dict[str, PushResult] = field(default_factory=dict)


def revert_run(store: Store, connectors: dict[str, Connector], reverted: str) -> RevertResult:
    """Restore the values the run ``reverted`` overwrote on every connection it wrote to."""
    with store.transaction() as conn:
        if runs.get_run(conn, reverted) is None:
            raise UsageError(f"no run {reverted!r}; list runs with `coisync runs`")
        rows = outbox.rows_of_run(conn, reverted, outbox.CONFIRMED)
    run_id = runs.new_run_id()
    result = RevertResult(run_id=run_id, reverted_run=reverted)
    touched = sorted({row.op.connection for row in rows})
    missing = [name for name in touched if name not in connectors]
    if missing:
        raise UsageError(f"run {reverted} wrote to {', '.join(missing)}, which is not configured now")
    with store.transaction() as conn:
        runs.start(conn, run_id, "revert", touched, None, False)
        for row in rows:
            op = row.op
            ref = get_ref(conn, (op.connection, op.platform_type, op.platform_id or ""))
            read = ref.last_known.get("read", {}) if ref else {}
            still = {k: v for k, v in op.desired.items() if read.get(k) == v}
            if len(still) != len(op.desired):
                result.skipped.append(
                    f"{op.connection} {op.platform_type} {op.platform_id}: changed since the run"
                )
                continue
            before = {k: row.before.get(k) for k in op.desired}
            payload = (
                connectors[op.connection].mapping.records[op.platform_type].reverse(nest(before), job=op.job)
            )
            if not payload.values:
                continue
            undo = WriteOp(
                op_id=outbox.op_id(run_id, op.connection, op.platform_type, op.platform_id, payload.values),
                connection=op.connection,
                target=op.target,
                platform_type=op.platform_type,
                platform_id=op.platform_id,
                payload=payload.values,
                desired=before,
                job=op.job,
                expected_version=ref.version if ref else None,
            )
            outbox.add(conn, undo, run_id=run_id, before=dict(op.desired), entity=None)
            result.planned += 1
    for name in touched:
        result.pushes[name] = push_connection(store, connectors[name])
    failed = sum(p.failed for p in result.pushes.values())
    with store.transaction() as conn:
        code = 1 if failed or result.skipped else 0
        runs.finish(
            conn,
            run_id,
            "ok" if code == 0 else "partial",
            code,
            {
                "reverted_run": reverted,
                "planned": result.planned,
                "skipped": result.skipped,
                "applied": sum(p.applied for p in result.pushes.values()),
                "failed": failed,
                "finished_at": datetime.now(tz=UTC).isoformat(),
            },
        )
    return result
