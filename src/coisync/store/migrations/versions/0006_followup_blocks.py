"""Follow-up: parties a channel cannot reach (no e-mail contact), recorded once until a contact appears.

Revision ID: 0006_followup_blocks
Revises: 0005_reconcile
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_followup_blocks"
down_revision = "0005_reconcile"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "followup_blocks",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("channel", sa.String(40), primary_key=True),
        sa.Column("needed", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("track", sa.String(20), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("since", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("followup_blocks")
