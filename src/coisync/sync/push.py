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
from collections.abc import Callable

from coisync.connector import Connector, Writer, WriteTarget
from coisync.errors import TemporaryError
from coisync.http import AmbiguousWriteError, HttpError, PreconditionFailedError
from coisync.store import Store
from coisync.sync import crashpoints, outbox
from coisync.sync.outbox import OutboxRow
from coisync.sync.outcomes import (
    PushResult,
    finish,
    holds,
    platform_values,
    record_outcomes,
    recover,
    settle_ambiguous,
)
from coisync.sync.push_batches import BatchSender

__all__ = ["PushResult", "holds", "platform_values", "push_connection"]

log = logging.getLogger("coisync.sync")


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
    batches of that size (:class:`~coisync.sync.push_batches.BatchSender`), each batch marked
    ``sending`` in one commit and confirmed in one. With ``only_sending``, only settle rows an
    earlier run left ``sending`` (read back first): a run does this before it pulls, so a
    write that reached the platform is not planned again. ``max_batch`` lowers the batch size
    below what the writer takes.
    """
    result = PushResult()
    name = connector.config.name
    states = (outbox.SENDING,) if only_sending else outbox.OPEN_STATES
    rows = outbox.iter_open_rows(store.engine, name, states)
    writers: dict[tuple[WriteTarget, str], Writer] = {}
    sender = BatchSender(store, connector, result, progress)
    batch: list[OutboxRow] = []
    try:
        for row in rows:
            kind = (row.op.target, row.op.platform_type)
            if row.state == outbox.SENDING or row.attempts > 0:
                sender.drain()  # a read-back goes out only when no request is out
                if not _settle_unknown(store, connector, row, result):
                    continue
            if kind not in writers:
                writers[kind] = connector.writer_for(*kind)
            size = min(writers[kind].max_batch, max_batch or writers[kind].max_batch)
            if size <= 1:
                sender.drain()
                _push_one(store, connector, row, result)
                if progress:
                    progress(1)
                continue
            if batch and (batch[0].op.target, batch[0].op.platform_type) != kind:
                sender.add(batch)
                batch = []
            batch.append(row)
            if len(batch) >= size:
                sender.add(batch)
                batch = []
        if batch:
            sender.add(batch)
        sender.drain()
    except TemporaryError as exc:
        result.stopped = exc
        log.warning("push to %s stopped: %s", name, exc)
    finally:
        sender.close()
    return result


def _settle_unknown(store: Store, connector: Connector, row: OutboxRow, result: PushResult) -> bool:
    """Read back a row whose earlier send has an unknown outcome; True when it needs sending."""
    try:
        return recover(store, connector, row, result)
    except PreconditionFailedError as exc:
        finish(store, row, outbox.CONFLICT, str(exc))
        result.conflicts += 1
    except HttpError as exc:
        if isinstance(exc, TemporaryError):
            raise
        finish(store, row, outbox.FAILED, str(exc))
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
            if recover(store, connector, row, result):
                raise
            return
        crashpoints.hit("push.after_send")
    except PreconditionFailedError as exc:
        finish(store, row, outbox.CONFLICT, str(exc))
        result.conflicts += 1
        return
    except HttpError as exc:
        if isinstance(exc, TemporaryError):
            raise
        finish(store, row, outbox.FAILED, str(exc))
        result.failed += 1
        result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {exc}")
        return
    outcomes = settle_ambiguous(store, connector, [(row, written)], result)
    if outcomes:
        with store.transaction() as conn:
            record_outcomes(conn, outcomes, result)
