"""One certificate (or property evidence) with provenance, written inside the caller's transaction.

Certificate intake writes each document's record here, in the same transaction as the stored
document, its intake row and its audit row, so a failure stores nothing half-way. Versioning and
change detection are the store's (:meth:`coisync.store.Store.upsert`), exactly as for
``coisync import``; the party is marked changed so the sync engine plans its platform writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.model import Certificate, PropertyEvidence
from coisync.store import RECORD_TABLES, Store
from coisync.store.review import mark_party_changed


@dataclass(frozen=True)
class WrittenRecord:
    """What writing one record did: its id, the latest version and whether it changed."""

    record_type: str
    record_id: str
    version: int
    changed: bool
    audit_seq: int | None


def ingest_record(
    store: Store,
    record: Certificate | PropertyEvidence,
    *,
    conn: Connection,
    actor: str,
    action: str,
    details: dict[str, Any] | None = None,
) -> WrittenRecord:
    """Write one record through the store's versioned upsert, audit it and mark its party changed.

    Args:
        store: The store.
        record: The certificate or property evidence (``party_id`` set).
        conn: The caller's write transaction (from ``store.transaction()``).
        actor: Who is writing (``intake:<user>``, ``review:<user>``).
        action: The audit action (``intake.certificate``, ``review.accept``).
        details: Extra audit payload (document hash, intake id, sender).

    Returns:
        The record's id, its latest version and whether this call wrote a new version.
    """
    record_type = "certificate" if isinstance(record, Certificate) else "evidence"
    counts = store.upsert(record_type, [record], conn=conn)
    table = RECORD_TABLES[record_type].table
    version = conn.execute(
        sa.select(table.c.version).where(table.c.id == record.id, table.c.is_latest.is_(True))
    ).scalar_one()
    changed = counts.written > 0
    audit_seq = None
    if changed:
        entry = store.audit.append(
            actor,
            action,
            f"{record_type}:{record.id}",
            {**(details or {}), "version": int(version), "party_id": record.party_id},
            conn=conn,
        )
        audit_seq = entry.seq
        if record.party_id:
            mark_party_changed(conn, record.party_id, f"{record_type} {record.id} v{version}")
    return WrittenRecord(record_type, record.id, int(version), changed, audit_seq)
