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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from coisync.connector import Connector, WriteOp, WriteOutcome, WriteResult
from coisync.errors import TemporaryError
from coisync.http import AmbiguousWriteError, HttpError, PreconditionFailedError
from coisync.model import ExternalRef
from coisync.store import Store
from coisync.store.refs import get_ref, upsert_refs
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
    op = row.op
    with store.transaction() as conn:
        platform_id = (result.platform_id if result else None) or op.platform_id
        outbox.set_state(conn, op.op_id, outbox.CONFIRMED, platform_id=platform_id)
        if platform_id is None:
            return
        ref = get_ref(conn, (op.connection, op.platform_type, platform_id))
        if ref is None:
            return
        desired = dict(jsonable(op.desired))
        known = dict(ref.last_known)
        known["read"] = {**known.get("read", {}), **desired}
        known["written"] = {**known.get("written", {}), **desired}
        updated: dict[str, Any] = {"last_known": known, "updated_at": datetime.now(tz=UTC)}
        if result is not None and result.version:
            updated["version"] = result.version
        upsert_refs(conn, [ExternalRef.model_validate({**ref.model_dump(), **updated}, strict=False)])


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
) -> PushResult:
    """Send every open outbox row of the connection, oldest first.

    With ``only_sending``, only settle rows an earlier run left ``sending`` (read back first):
    a run does this before it pulls, so a write that reached the platform is not planned again.
    """
    result = PushResult()
    name = connector.config.name
    states = (outbox.SENDING,) if only_sending else outbox.OPEN_STATES
    with store.transaction() as conn:
        rows = list(outbox.open_rows(conn, name, states))
    for row in rows:
        try:
            if (row.state == outbox.SENDING or row.attempts > 0) and not _recover(
                store, connector, row, result
            ):
                continue
            with store.transaction() as conn:
                outbox.set_state(conn, row.op.op_id, outbox.SENDING, attempt=True)
            crashpoints.hit("push.before_send")
            try:
                written = connector.apply(row.op)
            except AmbiguousWriteError:
                crashpoints.hit("push.after_send")
                if _recover(store, connector, row, result):
                    raise
                continue
            crashpoints.hit("push.after_send")
        except TemporaryError as exc:
            result.stopped = exc
            log.warning("push to %s stopped: %s", name, exc)
            break
        except PreconditionFailedError as exc:
            _finish(store, row, outbox.CONFLICT, str(exc))
            result.conflicts += 1
            continue
        except HttpError as exc:
            _finish(store, row, outbox.FAILED, str(exc))
            result.failed += 1
            result.errors.append(f"{row.op.platform_type}:{row.op.platform_id}: {exc}")
            continue
        if written.outcome in (WriteOutcome.APPLIED, WriteOutcome.UNCHANGED):
            _confirm(store, row, written)
            if written.outcome is WriteOutcome.APPLIED:
                result.applied += 1
            else:
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
        if progress:
            progress(1)
    return result
