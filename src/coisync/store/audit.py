"""The one audit log of the product: append-only and hash-chained from the first row.

Each row's hash is ``sha256(prev_hash + canonical_json({seq, time, actor, action, subject,
payload}))`` with the genesis ``prev_hash`` of 64 zeros. A head row (``audit_head``: last seq
and hash) is updated in the same transaction as every append, so deleting the newest rows
(truncation) is detected, not only edits and gaps. Appends are serialised by updating the head
row first: that takes SQLite's write lock and PostgreSQL's row lock, so two writers queue and
the chain cannot fork.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coisync.store import schema
from coisync.store.engine import read_connection, write_transaction

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot put {type(value).__name__} in an audit payload")


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def row_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, payload: Any) -> str:
    """The chained hash of one row."""
    content = canonical(
        {"seq": seq, "time": at, "actor": actor, "action": action, "subject": subject, "payload": payload}
    )
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    payload: Any
    prev_hash: str
    hash: str


@dataclass
class VerifyResult:
    """What :meth:`AuditLog.verify` found: ``ok`` only when ``problems`` is empty."""

    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    problems: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "problems": [{"seq": seq, "problem": what} for seq, what in self.problems],
        }


class AuditLog:
    """Append and verify the hash-chained audit log of one store."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with write_transaction(self._engine) as own:
            yield own

    def append(
        self,
        actor: str,
        action: str,
        subject: str,
        payload: Any = None,
        *,
        conn: Connection | None = None,
    ) -> AuditEntry:
        """Append one row; pass ``conn`` to make it part of a larger write transaction."""
        head = schema.audit_head
        with self._writing(conn) as db:
            # Updating the head first takes the write lock (SQLite) or the row lock (PostgreSQL).
            db.execute(sa.update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq + 1))
            found = db.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID)).one()
            seq, prev_hash = int(found.seq), str(found.hash)
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            body = payload if payload is not None else {}
            payload_text = canonical(body)
            stored_payload = json.loads(payload_text)
            digest = row_hash(prev_hash, seq, at, actor, action, subject, stored_payload)
            db.execute(
                sa.insert(schema.audit_log).values(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    subject=subject,
                    payload=payload_text,
                    prev_hash=prev_hash,
                    hash=digest,
                )
            )
            db.execute(sa.update(head).where(head.c.id == HEAD_ID).values(hash=digest))
        return AuditEntry(seq, at, actor, action, subject, stored_payload, prev_hash, digest)

    def head(self) -> tuple[int, str]:
        """The head row: last sequence number and hash."""
        with read_connection(self._engine) as conn:
            return _read_head(conn)

    def entries(self, after_seq: int = 0, chunk_size: int = 1000) -> Iterator[AuditEntry]:
        """Rows in sequence order, fetched in chunks within one read snapshot."""
        with self._snapshot() as conn:
            yield from _iter_entries(conn, after_seq, chunk_size)

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            yield conn

    def verify(self) -> VerifyResult:
        """Recompute the chain; report every break, gap, edit and a head that disagrees."""
        problems: list[tuple[int, str]] = []
        expected_seq, prev_hash, rows = 1, GENESIS_HASH, 0
        with self._snapshot() as conn:
            head_seq, head_hash = _read_head(conn)
            for entry in _iter_entries(conn, 0, 1000):
                rows += 1
                if entry.seq != expected_seq:
                    problems.append((entry.seq, f"rows {expected_seq}..{entry.seq - 1} are missing"))
                if entry.prev_hash != prev_hash:
                    problems.append((entry.seq, "prev_hash does not match the previous row's hash"))
                recomputed = row_hash(
                    entry.prev_hash,
                    entry.seq,
                    entry.at,
                    entry.actor,
                    entry.action,
                    entry.subject,
                    entry.payload,
                )
                if recomputed != entry.hash:
                    problems.append(
                        (entry.seq, "row was altered: its stored hash does not match its content")
                    )
                expected_seq, prev_hash = entry.seq + 1, entry.hash
        last_seq = expected_seq - 1
        if head_seq > last_seq:
            problems.append((last_seq + 1, f"rows {last_seq + 1}..{head_seq} are missing (log truncated)"))
        elif head_seq < last_seq:
            problems.append((head_seq, f"head says seq {head_seq} but the log reaches seq {last_seq}"))
        elif head_hash != prev_hash:
            problems.append((head_seq, "head hash does not match the last row's hash"))
        return VerifyResult(not problems, rows, head_seq, head_hash, problems)


def _read_head(conn: Connection) -> tuple[int, str]:
    head = schema.audit_head
    row = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID)).one_or_none()
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.hash))


def _iter_entries(conn: Connection, after_seq: int, chunk_size: int) -> Iterator[AuditEntry]:
    table = schema.audit_log
    last = after_seq
    while True:
        rows = conn.execute(
            sa.select(table).where(table.c.seq > last).order_by(table.c.seq).limit(chunk_size)
        ).all()
        for row in rows:
            yield AuditEntry(
                int(row.seq),
                row.at,
                row.actor,
                row.action,
                row.subject,
                json.loads(row.payload),
                row.prev_hash,
                row.hash,
            )
        if len(rows) < chunk_size:
            return
        last = int(rows[-1].seq)
