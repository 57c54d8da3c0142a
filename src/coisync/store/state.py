"""Sync cursors per (connection, stream) and content-addressed documents."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from coisync.store import schema
from coisync.store.queries import as_utc
from coisync.store.upsert import utcnow


@dataclass(frozen=True)
class SyncState:
    """Where a stream of a connection stopped: its cursor and the run that wrote it."""

    connection: str
    stream: str
    cursor: Any
    run_id: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Document:
    """A stored document (a certificate PDF, an email), addressed by its SHA-256."""

    sha256: str
    size: int
    media_type: str
    content: bytes


def get_sync_state(conn: Connection, connection: str, stream: str) -> SyncState | None:
    """The saved state of one stream, or None before its first run."""
    t = schema.sync_state
    row = conn.execute(sa.select(t).where(t.c.connection == connection, t.c.stream == stream)).one_or_none()
    if row is None:
        return None
    return SyncState(row.connection, row.stream, json.loads(row.cursor), row.run_id, as_utc(row.updated_at))


def set_sync_state(conn: Connection, connection: str, stream: str, cursor: Any, run_id: str | None) -> None:
    """Save a stream's cursor (write it in the same transaction as the rows it covers)."""
    t = schema.sync_state
    values = {
        "connection": connection,
        "stream": stream,
        "cursor": json.dumps(cursor, sort_keys=True, default=str),
        "run_id": run_id,
        "updated_at": utcnow(),
    }
    insert = postgresql.insert(t) if conn.dialect.name == "postgresql" else sqlite.insert(t)
    conn.execute(
        insert.values(**values).on_conflict_do_update(
            index_elements=[t.c.connection, t.c.stream],
            set_={"cursor": values["cursor"], "run_id": run_id, "updated_at": values["updated_at"]},
        )
    )


def put_document(conn: Connection, content: bytes, media_type: str) -> tuple[str, bool]:
    """Store a document once; returns its SHA-256 and whether it was new."""
    digest = hashlib.sha256(content).hexdigest()
    t = schema.documents
    insert = postgresql.insert(t) if conn.dialect.name == "postgresql" else sqlite.insert(t)
    result = conn.execute(
        insert.values(
            sha256=digest, size=len(content), media_type=media_type, content=content, created_at=utcnow()
        ).on_conflict_do_nothing(index_elements=[t.c.sha256])
    )
    return digest, bool(result.rowcount)


def get_document(conn: Connection, sha256: str) -> Document | None:
    """A stored document, or None."""
    t = schema.documents
    row = conn.execute(sa.select(t).where(t.c.sha256 == sha256)).one_or_none()
    if row is None:
        return None
    return Document(row.sha256, int(row.size), row.media_type, bytes(row.content))
