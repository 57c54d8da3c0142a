"""The durable outbox: every platform write is a row before it is a request.

States::

    pending ──claim──► sending ──confirm──► confirmed
       ▲                  │ └──fail────────► failed      (the platform refused it)
       └──── retry ───────┘ └──conflict────► conflict    (the record changed under us)
    held                     the write cap stopped the run before any push
    cancelled                a later plan superseded it, or it was reverted before sending

A ``sending`` row found at the start of a run was interrupted after (maybe) reaching the
platform: it is read back before anything is sent again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coisync.connector import WriteOp, WriteTarget
from coisync.jsontext import loads
from coisync.store import bulk
from coisync.store.engine import read_connection
from coisync.sync.tables import outbox
from coisync.sync.values import dumps

PENDING, SENDING, CONFIRMED, FAILED, CONFLICT, HELD, CANCELLED = (
    "pending",
    "sending",
    "confirmed",
    "failed",
    "conflict",
    "held",
    "cancelled",
)
OPEN_STATES = (PENDING, SENDING)


def op_id(
    run_id: str, connection: str, platform_type: str, platform_id: str | None, payload: Mapping[str, Any]
) -> str:
    """A stable operation id: the same run writing the same values to the same record."""
    text = "|".join((run_id, connection, platform_type, platform_id or "", dumps(payload)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class OutboxRow:
    """One outbox row, with the write operation it holds."""

    op: WriteOp
    run_id: str
    state: str
    attempts: int
    before_text: str | None
    """The platform's values before the write, as stored (read by :attr:`before` when needed)."""
    entity_kind: str | None
    entity_id: str | None
    last_error: str | None

    @cached_property
    def before(self) -> dict[str, Any]:
        """The platform's values before the write."""
        value: dict[str, Any] = loads(self.before_text or "{}")
        return value


@dataclass(frozen=True)
class PlannedWrite:
    """One write a job plans, with the platform's values before it, ready to store.

    The JSON texts the outbox stores (payload, desired values, values before) are made when
    the write is planned, so a planner working in a worker process hands them over made.
    """

    op: WriteOp
    before: Mapping[str, Any]
    entity: tuple[str, str] | None
    texts: tuple[str, str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        texts = (dumps(self.op.payload), dumps(self.op.desired), dumps(self.before))
        object.__setattr__(self, "texts", texts)


def _now() -> datetime:
    return datetime.now(tz=UTC)


def add(
    conn: Connection,
    op: WriteOp,
    *,
    run_id: str,
    before: Mapping[str, Any],
    state: str = PENDING,
    entity: tuple[str, str] | None = None,
) -> None:
    """Record a planned write (a second identical op of the same run is ignored)."""
    exists = conn.execute(sa.select(outbox.c.op_id).where(outbox.c.op_id == op.op_id)).first()
    if exists:
        return
    now = _now()
    conn.execute(
        outbox.insert().values(
            op_id=op.op_id,
            run_id=run_id,
            connection=op.connection,
            job=op.job,
            target=op.target.value,
            platform_type=op.platform_type,
            platform_id=op.platform_id,
            origin_id=op.origin_id,
            entity_kind=entity[0] if entity else None,
            entity_id=entity[1] if entity else None,
            payload=dumps(op.payload),
            desired=dumps(op.desired),
            before=dumps(before),
            expected_version=op.expected_version,
            state=state,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )


def add_many(conn: Connection, planned: Sequence[PlannedWrite], *, run_id: str, state: str = PENDING) -> None:
    """Record many planned writes at once; an op already recorded is left as it is."""
    now = _now()
    rows = []
    for write in planned:
        op, entity = write.op, write.entity
        payload, desired, before = write.texts
        rows.append(
            {
                "op_id": op.op_id,
                "run_id": run_id,
                "connection": op.connection,
                "job": op.job,
                "target": op.target.value,
                "platform_type": op.platform_type,
                "platform_id": op.platform_id,
                "origin_id": op.origin_id,
                "entity_kind": entity[0] if entity else None,
                "entity_id": entity[1] if entity else None,
                "payload": payload,
                "desired": desired,
                "before": before,
                "expected_version": op.expected_version,
                "state": state,
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk.insert_rows(conn, outbox, rows, skip_existing=True)


_ROW_COLUMNS = (
    outbox.c.op_id,
    outbox.c.connection,
    outbox.c.target,
    outbox.c.platform_type,
    outbox.c.platform_id,
    outbox.c.payload,
    outbox.c.desired,
    outbox.c.job,
    outbox.c.expected_version,
    outbox.c.origin_id,
    outbox.c.run_id,
    outbox.c.state,
    outbox.c.attempts,
    outbox.c.before,
    outbox.c.entity_kind,
    outbox.c.entity_id,
    outbox.c.last_error,
)
"""The columns an :class:`OutboxRow` is read from, in the order :func:`_row` takes them."""


def _row(row: tuple[Any, ...]) -> OutboxRow:
    (op_id_, connection, target, platform_type, platform_id, payload, desired, job, expected_version) = row[
        :9
    ]
    origin_id, run_id, state, attempts, before, entity_kind, entity_id, last_error = row[9:]
    op = WriteOp(
        op_id=op_id_,
        connection=connection,
        target=WriteTarget(target),
        platform_type=platform_type,
        platform_id=platform_id,
        payload=loads(payload),
        desired=loads(desired),
        job=job,
        expected_version=expected_version,
        origin_id=origin_id,
    )
    return OutboxRow(
        op=op,
        run_id=run_id,
        state=state,
        attempts=attempts,
        before_text=before,
        entity_kind=entity_kind,
        entity_id=entity_id,
        last_error=last_error,
    )


def has_open_rows(conn: Connection, connection: str) -> bool:
    """Whether any row of the connection is still to send or to read back."""
    query = sa.select(outbox.c.op_id).where(
        outbox.c.connection == connection, outbox.c.state.in_(OPEN_STATES)
    )
    return conn.execute(query.limit(1)).first() is not None


def iter_open_rows(
    engine: Engine, connection: str, states: tuple[str, ...] = OPEN_STATES, chunk: int = 1000
) -> Iterator[OutboxRow]:
    """Open rows of one connection, rows of the same target and record type together (the group
    with the oldest row first), oldest first within a group, read ``chunk`` rows at a time.

    The order is read once (ids only); each chunk of rows is then read in its own short read,
    so the caller may commit between rows and memory stays bounded by ``chunk`` rows. A row
    that left the open states by the time its chunk is read is skipped.
    """
    with read_connection(engine) as conn:
        listed = conn.execute(
            sa.select(outbox.c.op_id, outbox.c.target, outbox.c.platform_type)
            .where(outbox.c.connection == connection, outbox.c.state.in_(states))
            .order_by(outbox.c.created_at, outbox.c.op_id)
        ).all()
    groups: dict[tuple[str, str], list[str]] = {}
    for op_id, target, platform_type in listed:
        groups.setdefault((target, platform_type), []).append(op_id)
    ordered = [op_id for ids in groups.values() for op_id in ids]
    del listed, groups
    names = tuple(column.name for column in _ROW_COLUMNS)
    state_at = names.index("state")
    for start in range(0, len(ordered), chunk):
        ids = ordered[start : start + chunk]
        with read_connection(engine) as conn:
            found = bulk.select_in(conn, outbox, names, {}, "op_id", ids)
            rows = {row[0]: row for row in found if row[state_at] in states}
        for op_id in ids:
            if op_id in rows:
                yield _row(tuple(rows[op_id]))


def rows_of_run(conn: Connection, run_id: str, state: str | None = None) -> list[OutboxRow]:
    """Every row a run planned (optionally in one state)."""
    query = sa.select(*_ROW_COLUMNS).where(outbox.c.run_id == run_id)
    if state:
        query = query.where(outbox.c.state == state)
    return [_row(row) for row in conn.execute(query.order_by(outbox.c.created_at, outbox.c.op_id)).tuples()]


def set_state(
    conn: Connection,
    op_id_: str,
    state: str,
    *,
    error: str | None = None,
    attempt: bool = False,
    platform_id: str | None = None,
) -> None:
    """Move a row to ``state`` (counting an attempt when one is made)."""
    values: dict[str, Any] = {"state": state, "updated_at": _now()}
    if error is not None:
        values["last_error"] = error[:2000]
    if attempt:
        values["attempts"] = outbox.c.attempts + 1
    if platform_id is not None:
        values["result_platform_id"] = platform_id
    conn.execute(outbox.update().where(outbox.c.op_id == op_id_).values(**values))


def mark_sending(conn: Connection, op_ids: list[str]) -> None:
    """Mark rows ``sending`` and count an attempt each (one statement per 500 rows)."""
    bulk.update_in(
        conn, outbox, {"state": SENDING, "updated_at": _now()}, "op_id", op_ids, add={"attempts": 1}
    )


def unmark_sending(conn: Connection, op_ids: list[str]) -> None:
    """Return rows marked ``sending`` whose request never left to ``pending``, attempt uncounted."""
    values = {"state": PENDING, "updated_at": _now()}
    bulk.update_in(conn, outbox, values, "op_id", op_ids, add={"attempts": -1}, only={"state": SENDING})


def mark_confirmed(conn: Connection, op_ids: list[str]) -> None:
    """Mark rows ``confirmed`` (one statement per 500 rows)."""
    bulk.update_in(conn, outbox, {"state": CONFIRMED, "updated_at": _now()}, "op_id", op_ids)


def supersede(conn: Connection, connection: str, platform_type: str, platform_id: str | None) -> int:
    """Cancel older pending writes to the same record (a newer plan replaces them)."""
    result = conn.execute(
        outbox.update()
        .where(
            outbox.c.connection == connection,
            outbox.c.platform_type == platform_type,
            outbox.c.platform_id == platform_id,
            outbox.c.state.in_((PENDING, HELD)),
        )
        .values(state=CANCELLED, updated_at=_now())
    )
    return int(result.rowcount or 0)


def hold_run(conn: Connection, connection: str, run_id: str) -> int:
    """Hold every pending write a run planned for a connection (the write cap stopped the run)."""
    result = conn.execute(
        outbox.update()
        .where(outbox.c.connection == connection, outbox.c.run_id == run_id, outbox.c.state == PENDING)
        .values(state=HELD, updated_at=_now())
    )
    return int(result.rowcount or 0)


def supersede_connection(conn: Connection, connection: str) -> int:
    """Cancel every pending or held write of a connection: a new full plan replaces them."""
    result = conn.execute(
        outbox.update()
        .where(outbox.c.connection == connection, outbox.c.state.in_((PENDING, HELD)))
        .values(state=CANCELLED, updated_at=_now())
    )
    return int(result.rowcount or 0)


def count_by_state(conn: Connection, run_id: str) -> dict[str, int]:
    """How many of a run's rows are in each state."""
    rows = conn.execute(
        sa.select(outbox.c.state, sa.func.count()).where(outbox.c.run_id == run_id).group_by(outbox.c.state)
    )
    return {str(state): int(n) for state, n in rows}
