"""Intake records and the review queue, plus the 'party changed' marks the sync engine consumes.

Every document intake reads leaves one ``intakes`` row: the stored document's SHA-256, page
count, sender, how it was read, every extracted field with confidence and location, and what
became of it: ``trusted`` (written straight away), ``pending`` (waiting in the review queue),
``accepted`` or ``rejected`` (decided by a person). ``party_changes`` holds one row per party
whose evidence changed since the sync engine last planned its writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.store import bulk
from coisync.store.queries import as_utc
from coisync.store.upsert import utcnow

metadata = sa.MetaData()
TS = sa.DateTime(timezone=True)

INTAKE_STATUSES = ("trusted", "pending", "accepted", "rejected")

intakes = sa.Table(
    "intakes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("sender", sa.Text, nullable=True),
    sa.Column("form", sa.String(20), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("party_id", sa.String(200), nullable=True),
    sa.Column("record_type", sa.String(20), nullable=True),
    sa.Column("record_id", sa.String(200), nullable=True),
    sa.Column("record_version", sa.Integer, nullable=True),
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("extraction", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("decided_at", TS, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
)
"""One row per intake document: what was read, how sure, and what became of it."""

party_changes = sa.Table(
    "party_changes",
    metadata,
    sa.Column("party_id", sa.String(200), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("changed_at", TS, nullable=False),
)
"""Parties whose certificates changed; the sync engine plans platform writes from these."""


@dataclass(frozen=True)
class IntakeRow:
    """One stored intake."""

    id: int
    document_sha256: str
    file_name: str
    pages: int
    sender: str | None
    form: str
    method: str
    status: str
    party_id: str | None
    record_type: str | None
    record_id: str | None
    record_version: int | None
    reasons: list[str]
    extraction: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "status": self.status,
            "document_sha256": self.document_sha256,
            "file_name": self.file_name,
            "pages": self.pages,
            "sender": self.sender,
            "form": self.form,
            "method": self.method,
            "party_id": self.party_id,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "record_version": self.record_version,
            "reasons": self.reasons,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decided_by": self.decided_by,
            "extraction": self.extraction,
        }


def _row(row: Any) -> IntakeRow:
    return IntakeRow(
        id=int(row.id),
        document_sha256=row.document_sha256,
        file_name=row.file_name,
        pages=int(row.pages),
        sender=row.sender,
        form=row.form,
        method=row.method,
        status=row.status,
        party_id=row.party_id,
        record_type=row.record_type,
        record_id=row.record_id,
        record_version=row.record_version,
        reasons=list(json.loads(row.reasons)),
        extraction=dict(json.loads(row.extraction)),
        created_at=as_utc(row.created_at),
        decided_at=as_utc(row.decided_at) if row.decided_at is not None else None,
        decided_by=row.decided_by,
    )


def add_intake(conn: Connection, **values: Any) -> int:
    """Insert an intake row (``reasons`` a list, ``extraction`` a dict) and return its id."""
    data = dict(values)
    data["reasons"] = json.dumps(list(data.get("reasons", [])), ensure_ascii=False)
    data["extraction"] = json.dumps(data["extraction"], ensure_ascii=False, sort_keys=True)
    data.setdefault("created_at", utcnow())
    result = conn.execute(sa.insert(intakes).values(**data).returning(intakes.c.id))
    return int(result.scalar_one())


def update_intake(conn: Connection, intake_id: int, **values: Any) -> None:
    """Change an intake row (the same encodings as :func:`add_intake`)."""
    data = dict(values)
    if "reasons" in data:
        data["reasons"] = json.dumps(list(data["reasons"]), ensure_ascii=False)
    if "extraction" in data:
        data["extraction"] = json.dumps(data["extraction"], ensure_ascii=False, sort_keys=True)
    conn.execute(sa.update(intakes).where(intakes.c.id == intake_id).values(**data))


def get_intake(conn: Connection, intake_id: int) -> IntakeRow | None:
    """One intake row, or None."""
    row = conn.execute(sa.select(intakes).where(intakes.c.id == intake_id)).one_or_none()
    return None if row is None else _row(row)


def list_intakes(
    conn: Connection, statuses: Sequence[str] | None = None, limit: int = 500
) -> list[IntakeRow]:
    """Intake rows, newest first; only the given statuses when set."""
    query = sa.select(intakes).order_by(intakes.c.id.desc()).limit(limit)
    if statuses:
        query = query.where(intakes.c.status.in_(list(statuses)))
    return [_row(row) for row in conn.execute(query)]


def count_intakes(conn: Connection) -> int:
    """Every intake row."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(intakes)).scalar_one())


def mark_party_changed(conn: Connection, party_id: str, reason: str) -> None:
    """Record that a party's evidence changed (the sync engine's work list)."""
    mark_parties_changed(conn, [party_id], reason)


def mark_parties_changed(conn: Connection, party_ids: Iterable[str], reason: str) -> None:
    """Record that these parties' evidence changed, in one statement."""
    now = utcnow()
    rows = [{"party_id": pid, "reason": reason, "changed_at": now} for pid in sorted(set(party_ids))]
    if not rows:
        return
    bulk.insert_rows(conn, party_changes, rows, update_on=("party_id",))


def changed_parties(conn: Connection) -> list[tuple[str, str, datetime]]:
    """Every party marked changed: (party id, reason, when), oldest first."""
    rows = conn.execute(
        sa.select(party_changes).order_by(party_changes.c.changed_at, party_changes.c.party_id)
    )
    return [(r.party_id, r.reason, as_utc(r.changed_at)) for r in rows]
