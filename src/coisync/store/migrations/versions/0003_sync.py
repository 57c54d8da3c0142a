"""Sync engine: runs, quarantine, verdicts, outbox and conflicts.

Revision ID: 0003_sync
Revises: 0002_intake
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sync"
down_revision = "0002_intake"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_runs",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("connections", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("connection", sa.String(63), nullable=False),
        sa.Column("stream", sa.String(100), nullable=False),
        sa.Column("record_key", sa.String(300), nullable=False),
        sa.Column("platform_type", sa.String(100), nullable=True),
        sa.Column("platform_id", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("resolved_at", TS, nullable=True),
        sa.UniqueConstraint("connection", "stream", "record_key", name="uq_quarantine_record"),
    )
    op.create_table(
        "verdicts",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("next_review", sa.Date, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("evaluated_at", TS, nullable=False),
    )
    op.create_index("ix_verdicts_next_review", "verdicts", ["next_review"])
    op.create_table(
        "outbox",
        sa.Column("op_id", sa.String(64), primary_key=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("connection", sa.String(63), nullable=False),
        sa.Column("job", sa.String(20), nullable=False),
        sa.Column("target", sa.String(30), nullable=False),
        sa.Column("platform_type", sa.String(100), nullable=False),
        sa.Column("platform_id", sa.String(200), nullable=True),
        sa.Column("origin_id", sa.String(200), nullable=True),
        sa.Column("entity_kind", sa.String(20), nullable=True),
        sa.Column("entity_id", sa.String(200), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("desired", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("expected_version", sa.String(200), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("result_platform_id", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_outbox_run_id", "outbox", ["run_id"])
    op.create_index("ix_outbox_connection_state", "outbox", ["connection", "state"])
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("connection", sa.String(63), nullable=False),
        sa.Column("platform_type", sa.String(100), nullable=False),
        sa.Column("platform_id", sa.String(200), nullable=False),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("ours", sa.Text, nullable=True),
        sa.Column("theirs", sa.Text, nullable=True),
        sa.Column("desired", sa.Text, nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
    )
    op.create_index(
        "ix_conflicts_record", "conflicts", ["connection", "platform_type", "platform_id", "field"]
    )


def downgrade() -> None:
    op.drop_index("ix_conflicts_record", "conflicts")
    op.drop_table("conflicts")
    op.drop_index("ix_outbox_connection_state", "outbox")
    op.drop_index("ix_outbox_run_id", "outbox")
    op.drop_table("outbox")
    op.drop_index("ix_verdicts_next_review", "verdicts")
    op.drop_table("verdicts")
    op.drop_table("quarantine")
    op.drop_table("sync_runs")
