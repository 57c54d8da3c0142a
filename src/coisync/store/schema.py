"""The store's tables, as SQLAlchemy Core metadata.

Queries are built from these objects; the migrations in ``coisync/store/migrations`` create
them. When a table changes, change it here *and* add a migration (never edit a shipped one).

Bodies are canonical JSON text (``CanonicalModel.canonical_json()``), read back with
``model_validate_json``; ``content_hash`` is the SHA-256 of that text, so an unchanged record
is recognised without reading its body. Entity tables hold the current state only;
certificates and property evidence keep every version (``(id, version)``, history never
overwritten) with exactly one ``is_latest`` row per id.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

TS = sa.DateTime(timezone=True)
"""Every timestamp is written in UTC."""


def _entity_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


parties = sa.Table(
    "parties",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False, index=True),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    *_entity_columns(),
)

properties = sa.Table(
    "properties",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    *_entity_columns(),
)

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("party_id", sa.String(200), nullable=False, index=True),
    sa.Column("property_id", sa.String(200), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    *_entity_columns(),
)

waivers = sa.Table(
    "waivers",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("party_id", sa.String(200), nullable=False, index=True),
    sa.Column("agreement_id", sa.String(200), nullable=True),
    sa.Column("revoked_at", TS, nullable=True),
    *_entity_columns(),
)


def _versioned(name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("party_id", sa.String(200), nullable=True),
        sa.Column("is_latest", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Index(f"ix_{name}_party_latest", "party_id", "is_latest"),
        sa.Index(
            f"uq_{name}_latest",
            "id",
            unique=True,
            sqlite_where=sa.text("is_latest"),
            postgresql_where=sa.text("is_latest"),
        ),
    )


certificates = _versioned("certificates")
evidence = _versioned("property_evidence")

external_refs = sa.Table(
    "external_refs",
    metadata,
    sa.Column("connection", sa.String(100), primary_key=True),
    sa.Column("platform_type", sa.String(100), primary_key=True),
    sa.Column("platform_id", sa.String(200), primary_key=True),
    sa.Column("entity_kind", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("version", sa.String(200), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=True),
    sa.Column("last_known", sa.Text, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Index("ix_external_refs_entity", "entity_kind", "entity_id"),
)

ref_changes = sa.Table(
    "ref_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("undone_at", TS, nullable=True),
    sa.Column("undone_by", sa.String(200), nullable=True),
)
"""One identity decision (link, unlink) that re-pointed external refs; undoable."""

ref_change_items = sa.Table(
    "ref_change_items",
    metadata,
    sa.Column("change_id", sa.Integer, sa.ForeignKey("ref_changes.id"), primary_key=True),
    sa.Column("connection", sa.String(100), primary_key=True),
    sa.Column("platform_type", sa.String(100), primary_key=True),
    sa.Column("platform_id", sa.String(200), primary_key=True),
    sa.Column("from_kind", sa.String(20), nullable=False),
    sa.Column("from_id", sa.String(200), nullable=False),
    sa.Column("to_kind", sa.String(20), nullable=False),
    sa.Column("to_id", sa.String(200), nullable=False),
)
"""Each ref a change moved, with its previous target so the change can be undone."""

sync_state = sa.Table(
    "sync_state",
    metadata,
    sa.Column("connection", sa.String(100), primary_key=True),
    sa.Column("stream", sa.String(100), primary_key=True),
    sa.Column("cursor", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(100), nullable=True),
    sa.Column("updated_at", TS, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("media_type", sa.String(200), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
"""Append-only and hash-chained; ``at`` is kept as the exact ISO text that was hashed."""

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
"""One row (id 1): the last sequence number and hash, updated with every append."""
