"""Reconciliation: identity candidates (review list, decisions) and records re-pointed by links.

Revision ID: 0005_reconcile
Revises: 0004_followup
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reconcile"
down_revision = "0004_followup"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "identity_candidates",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("left_id", sa.String(200), primary_key=True),
        sa.Column("right_id", sa.String(200), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("change_id", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "identity_moves",
        sa.Column("change_id", sa.Integer, primary_key=True),
        sa.Column("table_name", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("from_id", sa.String(200), nullable=False),
        sa.Column("to_id", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("identity_moves")
    op.drop_table("identity_candidates")
