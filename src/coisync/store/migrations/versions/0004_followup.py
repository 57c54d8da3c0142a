"""Follow-up: chase cases and every delivery attempt.

Revision ID: 0004_followup
Revises: 0003_sync
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_followup"
down_revision = "0003_sync"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "followup_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("track", sa.String(20), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("anchor", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("closed_reason", sa.String(40), nullable=True),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_table(
        "followup_attempts",
        sa.Column("attempt_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("message_id", sa.String(300), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_followup_cases_party_id", "followup_cases", ["party_id"])
    op.create_index("ix_followup_attempts_case_id", "followup_attempts", ["case_id"])
    op.create_index("ix_followup_attempts_party_id", "followup_attempts", ["party_id"])


def downgrade() -> None:
    op.drop_index("ix_followup_attempts_party_id", "followup_attempts")
    op.drop_index("ix_followup_attempts_case_id", "followup_attempts")
    op.drop_index("ix_followup_cases_party_id", "followup_cases")
    op.drop_table("followup_attempts")
    op.drop_table("followup_cases")
