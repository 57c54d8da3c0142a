"""What the platform said about outbox rows, recorded: confirmations, refusals, read-backs.

A confirmed row records in its ref what coisync wrote (what the platform now shows, and what
coisync owns there). A row whose outcome is unknown (sent, no answer) is read back before
anything is sent again: confirmed when the platform holds the value, failed when the record is
gone, otherwise left to send again under the same operation id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from coisync.connector import Connector, WriteOp, WriteOutcome, WriteResult
from coisync.errors import TemporaryError
from coisync.store import Store
from coisync.store.refs import RefKey, record_written
from coisync.sync import outbox
from coisync.sync.outbox import OutboxRow
from coisync.sync.values import flatten, jsonable

Outcomes = list[tuple[OutboxRow, WriteResult]]


@dataclass
class PushResult:
    """What the push step did for one connection."""

    applied: int = 0
    unchanged: int = 0
    confirmed_by_read_back: int = 0
    failed: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: TemporaryError | None = None


def platform_values(connector: Connector, op: WriteOp, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A platform record's values of the fields ``op`` writes, in canonical form."""
    mapped = connector.mapping.records[op.platform_type].forward(raw)
    flat = flatten(jsonable(mapped.values))
    return {target: flat.get(target) for target in op.desired}


def holds(connector: Connector, op: WriteOp) -> bool | None:
    """Whether the platform already holds what ``op`` writes; None when the record is gone."""
    writer = connector.writer_for(op.target, op.platform_type)
    current = writer.read_back(op)
    if current is None:
        return None
    return platform_values(connector, op, current) == dict(jsonable(op.desired))


def _confirm(store: Store, row: OutboxRow, result: WriteResult | None) -> None:
    with store.transaction() as conn:
        confirm_rows(conn, [(row, result)])


def confirm_rows(conn: Connection, rows: Sequence[tuple[OutboxRow, WriteResult | None]]) -> None:
    """Mark rows confirmed and record in their refs what coisync wrote (in the caller's transaction)."""
    written: list[tuple[RefKey, dict[str, Any], str | None]] = []
    for row, result in rows:
        op = row.op
        platform_id = (result.platform_id if result else None) or op.platform_id
        if platform_id != op.platform_id:
            outbox.set_state(conn, op.op_id, outbox.CONFIRMED, platform_id=platform_id)
        if platform_id:
            key = (op.connection, op.platform_type, platform_id)
            # An outbox row's values were read from its JSON text: plain JSON already.
            written.append((key, dict(op.desired), result.version if result else None))
    outbox.mark_confirmed(conn, [row.op.op_id for row, _ in rows])
    record_written(conn, written)


def finish(store: Store, row: OutboxRow, state: str, message: str) -> None:
    """Move one row to ``state`` with a message, in its own transaction."""
    with store.transaction() as conn:
        outbox.set_state(conn, row.op.op_id, state, error=message)


def recover(store: Store, connector: Connector, row: OutboxRow, result: PushResult) -> bool:
    """Settle a row whose earlier send has an unknown outcome; True when it needs sending again."""
    held = holds(connector, row.op)
    if held:
        _confirm(store, row, None)
        result.confirmed_by_read_back += 1
        return False
    if held is None and row.op.platform_id is not None:
        finish(store, row, outbox.FAILED, "the platform record no longer exists")
        result.failed += 1
        return False
    return True


def record_outcomes(conn: Connection, outcomes: Outcomes, result: PushResult) -> None:
    """Record known outcomes in the caller's transaction: confirm the rows the platform took
    (in one batch), note conflicts and refusals. Unknown outcomes go to :func:`settle_ambiguous`."""
    confirm_rows(conn, [(row, written) for row, written in outcomes if written.ok])
    for row, written in outcomes:
        if written.outcome is WriteOutcome.APPLIED:
            result.applied += 1
        elif written.outcome is WriteOutcome.UNCHANGED:
            result.unchanged += 1
        elif written.outcome is WriteOutcome.CONFLICT:
            outbox.set_state(conn, row.op.op_id, outbox.CONFLICT, error=written.message)
            result.conflicts += 1
        elif not written.ok:
            outbox.set_state(conn, row.op.op_id, outbox.FAILED, error=written.message)
            result.failed += 1
            result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {written.message}")


def settle_ambiguous(store: Store, connector: Connector, outcomes: Outcomes, result: PushResult) -> Outcomes:
    """Read back the rows whose outcome is unknown (each settled in its own transaction); returns
    the outcomes left to record. Call it when no other request of the connection is out."""
    known: Outcomes = []
    for row, written in outcomes:
        if written.outcome is not WriteOutcome.AMBIGUOUS:
            known.append((row, written))
        elif recover(store, connector, row, result):
            finish(store, row, outbox.PENDING, written.message or "outcome unknown; will read back")
    return known
