"""Initial store: canonical entities, versioned certificates and evidence, refs, state, audit.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
GENESIS_HASH = "0" * 64


def _entity_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def _versioned(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("party_id", sa.String(200), nullable=True),
        sa.Column("is_latest", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index(f"ix_{name}_party_latest", name, ["party_id", "is_latest"])
    op.create_index(
        f"uq_{name}_latest",
        name,
        ["id"],
        unique=True,
        sqlite_where=sa.text("is_latest"),
        postgresql_where=sa.text("is_latest"),
    )


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        *_entity_columns(),
    )
    op.create_index("ix_parties_kind", "parties", ["kind"])
    op.create_table(
        "properties",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        *_entity_columns(),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("property_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        *_entity_columns(),
    )
    op.create_index("ix_agreements_party_id", "agreements", ["party_id"])
    op.create_index("ix_agreements_property_id", "agreements", ["property_id"])
    op.create_table(
        "waivers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("agreement_id", sa.String(200), nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        *_entity_columns(),
    )
    op.create_index("ix_waivers_party_id", "waivers", ["party_id"])
    _versioned("certificates")
    _versioned("property_evidence")
    op.create_table(
        "external_refs",
        sa.Column("connection", sa.String(100), primary_key=True),
        sa.Column("platform_type", sa.String(100), primary_key=True),
        sa.Column("platform_id", sa.String(200), primary_key=True),
        sa.Column("entity_kind", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(200), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("last_known", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_external_refs_entity", "external_refs", ["entity_kind", "entity_id"])
    op.create_table(
        "ref_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("undone_at", TS, nullable=True),
        sa.Column("undone_by", sa.String(200), nullable=True),
    )
    op.create_table(
        "ref_change_items",
        sa.Column("change_id", sa.Integer, sa.ForeignKey("ref_changes.id"), primary_key=True),
        sa.Column("connection", sa.String(100), primary_key=True),
        sa.Column("platform_type", sa.String(100), primary_key=True),
        sa.Column("platform_id", sa.String(200), primary_key=True),
        sa.Column("from_kind", sa.String(20), nullable=False),
        sa.Column("from_id", sa.String(200), nullable=False),
        sa.Column("to_kind", sa.String(20), nullable=False),
        sa.Column("to_id", sa.String(200), nullable=False),
    )
    op.create_table(
        "sync_state",
        sa.Column("connection", sa.String(100), primary_key=True),
        sa.Column("stream", sa.String(100), primary_key=True),
        sa.Column("cursor", sa.Text, nullable=False),
        sa.Column("run_id", sa.String(100), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])


def downgrade() -> None:
    for name in (
        "audit_head",
        "audit_log",
        "documents",
        "sync_state",
        "ref_change_items",
        "ref_changes",
        "external_refs",
        "property_evidence",
        "certificates",
        "waivers",
        "agreements",
        "properties",
        "parties",
    ):
        op.drop_table(name)
