"""The sync engine's own tables: runs, quarantine, verdicts, outbox and conflicts.

They live in their own metadata (migration ``0003_sync`` creates them). Changed-party marks
(``party_changes``) belong to the store (``coisync.store.review``); the engine adds and clears them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
TS = sa.DateTime(timezone=True)

runs = sa.Table(
    "sync_runs",
    metadata,
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
"""One row per run of sync, reconcile or notify; ``summary`` is JSON."""

quarantine = sa.Table(
    "quarantine",
    metadata,
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
"""Platform records that could not be used, with the reason; kept until a later read succeeds."""

verdicts = sa.Table(
    "verdicts",
    metadata,
    sa.Column("party_id", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("next_review", sa.Date, nullable=True, index=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("evaluated_at", TS, nullable=False),
)
"""The latest verdict per party and the canonical values it asks platforms to show."""

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("op_id", sa.String(64), primary_key=True),
    sa.Column("run_id", sa.String(40), nullable=False, index=True),
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
    sa.Index("ix_outbox_connection_state", "connection", "state"),
)
"""Every write to a platform, recorded before it is sent (see docs/sync.md, Durability)."""

conflicts = sa.Table(
    "conflicts",
    metadata,
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
    sa.Index("ix_conflicts_record", "connection", "platform_type", "platform_id", "field"),
)
"""A coisync-owned field a person changed inside the platform; resolved by policy or by hand."""
