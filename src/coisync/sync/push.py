"""The push step: the one place that writes to platforms, from the outbox.

Every row is marked ``sending`` (and committed) before its request goes out, and confirmed in
the transaction that records what the platform now holds. A row left ``sending`` by a crash, or
a write whose answer was lost, is read back before anything is sent again: if the platform
already holds the value it is confirmed, otherwise it is sent again under the same operation
id. A platform that asks to wait past the cap, or an open circuit, stops the push for that
connection with everything not yet sent still in the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coisync.connector import Connector, WriteOp, WriteOutcome, WriteResult
from coisync.errors import TemporaryError
from coisync.http import AmbiguousWriteError, HttpError, PreconditionFailedError
from coisync.store import Store
from coisync.store.refs import RefKey, record_written
from coisync.sync import crashpoints, outbox
from coisync.sync.outbox import OutboxRow
from coisync.sync.values import flatten, jsonable

log = logging.getLogger("coisync.sync")


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
    _confirm_many(store, [(row, result)])


def _confirm_many(store: Store, rows: Sequence[tuple[OutboxRow, WriteResult | None]]) -> None:
    """Mark rows confirmed and record in their refs what coisync wrote, in one transaction."""
    with store.transaction() as conn:
        written: list[tuple[RefKey, dict[str, Any], str | None]] = []
        for row, result in rows:
            op = row.op
            platform_id = (result.platform_id if result else None) or op.platform_id
            if platform_id != op.platform_id:
                outbox.set_state(conn, op.op_id, outbox.CONFIRMED, platform_id=platform_id)
            if platform_id:
                key = (op.connection, op.platform_type, platform_id)
                written.append((key, dict(jsonable(op.desired)), result.version if result else None))
        outbox.mark_confirmed(conn, [row.op.op_id for row, _ in rows])
        record_written(conn, written)


def _finish(store: Store, row: OutboxRow, state: str, message: str) -> None:
    with store.transaction() as conn:
        outbox.set_state(conn, row.op.op_id, state, error=message)


def _recover(store: Store, connector: Connector, row: OutboxRow, result: PushResult) -> bool:
    """Settle a row whose earlier send has an unknown outcome; True when it needs sending again."""
    held = holds(connector, row.op)
    if held:
        _confirm(store, row, None)
        result.confirmed_by_read_back += 1
        return False
    if held is None and row.op.platform_id is not None:
        _finish(store, row, outbox.FAILED, "the platform record no longer exists")
        result.failed += 1
        return False
    return True


def push_connection(
    store: Store,
    connector: Connector,
    *,
    only_sending: bool = False,
    progress: Callable[[int], None] | None = None,
    max_batch: int | None = None,
) -> PushResult:
    """Send every open outbox row of the connection, oldest first.

    Rows for a writer that takes many writes per request (``Writer.max_batch``) go out in
    batches of that size, each batch marked ``sending`` in one commit and confirmed in one.
    With ``only_sending``, only settle rows an earlier run left ``sending`` (read back first):
    a run does this before it pulls, so a write that reached the platform is not planned again.
    ``max_batch`` lowers the batch size below what the writer takes.
    """
    result = PushResult()
    name = connector.config.name
    states = (outbox.SENDING,) if only_sending else outbox.OPEN_STATES
    rows = outbox.iter_open_rows(store.engine, name, states)
    batch: list[OutboxRow] = []
    try:
        for row in rows:
            if (row.state == outbox.SENDING or row.attempts > 0) and not _settle_unknown(
                store, connector, row, result
            ):
                continue
            writer = connector.writer_for(row.op.target, row.op.platform_type)
            size = min(writer.max_batch, max_batch or writer.max_batch)
            if size <= 1:
                _push_one(store, connector, row, result)
                if progress:
                    progress(1)
                continue
            if batch and (batch[0].op.target, batch[0].op.platform_type) != (
                row.op.target,
                row.op.platform_type,
            ):
                _push_batch(store, connector, batch, result, progress)
                batch = []
            batch.append(row)
            if len(batch) >= size:
                _push_batch(store, connector, batch, result, progress)
                batch = []
        if batch:
            _push_batch(store, connector, batch, result, progress)
    except TemporaryError as exc:
        result.stopped = exc
        log.warning("push to %s stopped: %s", name, exc)
    return result


def _settle_unknown(store: Store, connector: Connector, row: OutboxRow, result: PushResult) -> bool:
    """Read back a row whose earlier send has an unknown outcome; True when it needs sending."""
    try:
        return _recover(store, connector, row, result)
    except PreconditionFailedError as exc:
        _finish(store, row, outbox.CONFLICT, str(exc))
        result.conflicts += 1
    except HttpError as exc:
        if isinstance(exc, TemporaryError):
            raise
        _finish(store, row, outbox.FAILED, str(exc))
        result.failed += 1
        result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {exc}")
    return False


def _push_one(store: Store, connector: Connector, row: OutboxRow, result: PushResult) -> None:
    """Send one row through ``Connector.apply``."""
    try:
        with store.transaction() as conn:
            outbox.set_state(conn, row.op.op_id, outbox.SENDING, attempt=True)
        crashpoints.hit("push.before_send")
        try:
            written = connector.apply(row.op)
        except AmbiguousWriteError:
            crashpoints.hit("push.after_send")
            if _recover(store, connector, row, result):
                raise
            return
        crashpoints.hit("push.after_send")
    except PreconditionFailedError as exc:
        _finish(store, row, outbox.CONFLICT, str(exc))
        result.conflicts += 1
        return
    except HttpError as exc:
        if isinstance(exc, TemporaryError):
            raise
        _finish(store, row, outbox.FAILED, str(exc))
        result.failed += 1
        result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {exc}")
        return
    _record(store, connector, [(row, written)], result)


def _push_batch(
    store: Store,
    connector: Connector,
    rows: list[OutboxRow],
    result: PushResult,
    progress: Callable[[int], None] | None,
) -> None:
    """Send rows of one writer in one request: marked sending together, recorded together."""
    writer = connector.writer_for(rows[0].op.target, rows[0].op.platform_type)
    with store.transaction() as conn:
        outbox.mark_sending(conn, [row.op.op_id for row in rows])
    crashpoints.hit("push.before_send")
    written = writer.apply_batch([row.op for row in rows])
    crashpoints.hit("push.after_send")
    _record(store, connector, list(zip(rows, written, strict=True)), result)
    if progress:
        progress(len(rows))


def _record(
    store: Store, connector: Connector, outcomes: list[tuple[OutboxRow, WriteResult]], result: PushResult
) -> None:
    """Record what the platform said about each row: confirmed ones in one transaction."""
    done = [(row, written) for row, written in outcomes if written.ok]
    if done:
        _confirm_many(store, done)
    for row, written in outcomes:
        if written.outcome is WriteOutcome.APPLIED:
            result.applied += 1
        elif written.outcome is WriteOutcome.UNCHANGED:
            result.unchanged += 1
        elif written.outcome is WriteOutcome.CONFLICT:
            _finish(store, row, outbox.CONFLICT, written.message)
            result.conflicts += 1
        elif written.outcome is WriteOutcome.AMBIGUOUS:
            if _recover(store, connector, row, result):
                _finish(store, row, outbox.PENDING, written.message or "outcome unknown; will read back")
        else:
            _finish(store, row, outbox.FAILED, written.message)
            result.failed += 1
            result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {written.message}")
