"""Certificate intake: one row per intake document (the review queue) and changed-party marks.

Revision ID: 0002_intake
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_intake"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("sender", sa.Text, nullable=True),
        sa.Column("form", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
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
    op.create_index("ix_intakes_document_sha256", "intakes", ["document_sha256"])
    op.create_index("ix_intakes_status", "intakes", ["status"])
    op.create_table(
        "party_changes",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("party_changes")
    op.drop_index("ix_intakes_status", "intakes")
    op.drop_index("ix_intakes_document_sha256", "intakes")
    op.drop_table("intakes")
