"""Batched, content-hash-aware writes of canonical records.

One query reads the stored hashes of the whole batch; only new or changed records are
written (``executemany``); unchanged ones cost nothing. Current-state tables are upserted in
place; versioned tables (certificates, evidence) get version n+1 for a changed record and the
previous version stays untouched except for losing its ``is_latest`` mark.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from coisync.model import CanonicalModel
from coisync.store import bulk
from coisync.store.tables import RecordTable


@dataclass
class UpsertCounts:
    """What a write did: records inserted, updated (or versioned) and left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        """Rows inserted or updated."""
        return self.inserted + self.updated

    def add(self, other: UpsertCounts) -> None:
        """Accumulate another batch's counts."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def encode(model: CanonicalModel) -> tuple[str, str]:
    """The canonical JSON body of a model and its SHA-256."""
    body = model.canonical_json()
    return body, hashlib.sha256(body.encode("utf-8")).hexdigest()


def record_id(model: CanonicalModel) -> str:
    """The ``id`` of a record model (every stored record type has one)."""
    value = model.__dict__.get("id")
    if not isinstance(value, str):
        raise TypeError(f"{type(model).__name__} has no id")
    return value


def _last_per_id(models: Sequence[CanonicalModel]) -> list[CanonicalModel]:
    by_id: dict[str, CanonicalModel] = {}
    for model in models:
        by_id[record_id(model)] = model
    return list(by_id.values())


def _insert(conn: Connection, table: sa.Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


EncodedRecord = tuple[str, str, str, dict[str, Any]]
"""A record ready to store: (id, canonical JSON body, its SHA-256, the table's extra columns)."""


def encode_records(spec: RecordTable, models: Sequence[CanonicalModel]) -> list[EncodedRecord]:
    """Encode a batch of one record type (last one wins for a repeated id)."""
    encoded: list[EncodedRecord] = []
    for model in _last_per_id(models):
        body, digest = encode(model)
        encoded.append((record_id(model), body, digest, spec.columns(model)))
    return encoded


def upsert_current(conn: Connection, spec: RecordTable, records: Sequence[EncodedRecord]) -> UpsertCounts:
    """Insert or update current-state records."""
    table = spec.table
    rows = [
        {"id": rid, "body": body, "content_hash": digest, **columns} for rid, body, digest, columns in records
    ]
    if not rows:
        return UpsertCounts()
    found = bulk.select_in(conn, table, ("id", "content_hash"), {}, "id", [r["id"] for r in rows])
    stored = {row[0]: row[1] for row in found}
    counts = UpsertCounts()
    now = utcnow()
    changed: list[dict[str, Any]] = []
    for row in rows:
        old = stored.get(row["id"])
        if old == row["content_hash"]:
            counts.unchanged += 1
            continue
        if old is None:
            counts.inserted += 1
        else:
            counts.updated += 1
        changed.append({**row, "created_at": now, "updated_at": now})
    if changed:
        statement = _insert(conn, table)
        keep = {"id", "created_at"}
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keep},
            where=table.c.content_hash != statement.excluded.content_hash,
        )
        conn.execute(statement, changed)
    return counts


def upsert_versioned(conn: Connection, spec: RecordTable, records: Sequence[EncodedRecord]) -> UpsertCounts:
    """Add a version for each new or changed record; an unchanged one writes nothing."""
    table = spec.table
    ids = [rid for rid, _, _, _ in records]
    found = bulk.select_in(conn, table, ("id", "version", "content_hash"), {"is_latest": True}, "id", ids)
    latest = {rid: (version, digest) for rid, version, digest in found}
    counts = UpsertCounts()
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    superseded: list[dict[str, Any]] = []
    for model_id, body, digest, columns in records:
        previous = latest.get(model_id)
        if previous is not None and previous[1] == digest:
            counts.unchanged += 1
            continue
        version = 1
        if previous is None:
            counts.inserted += 1
        else:
            counts.updated += 1
            version = previous[0] + 1
            superseded.append({"b_id": model_id, "b_version": previous[0]})
        inserts.append(
            {
                "id": model_id,
                "version": version,
                "is_latest": True,
                "content_hash": digest,
                "body": body,
                "created_at": now,
                **columns,
            }
        )
    if superseded:
        conn.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"), table.c.version == sa.bindparam("b_version"))
            .values(is_latest=False),
            superseded,
        )
    bulk.insert_rows(conn, table, inserts)
    return counts


def upsert_encoded(conn: Connection, spec: RecordTable, records: Sequence[EncodedRecord]) -> UpsertCounts:
    """Write a batch of encoded records of one type, versioned or current-state as its table requires."""
    if not records:
        return UpsertCounts()
    if spec.versioned:
        return upsert_versioned(conn, spec, records)
    return upsert_current(conn, spec, records)


def upsert_records(conn: Connection, spec: RecordTable, models: Sequence[CanonicalModel]) -> UpsertCounts:
    """Write a batch of one record type, versioned or current-state as its table requires."""
    return upsert_encoded(conn, spec, encode_records(spec, models))
