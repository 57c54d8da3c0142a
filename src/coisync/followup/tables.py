"""The follow-up tables (migrations ``0004_followup``, ``0006_followup_blocks``): chase cases,
delivery attempts and parties no channel can reach."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
TS = sa.DateTime(timezone=True)

cases = sa.Table(
    "followup_cases",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("party_id", sa.String(200), nullable=False, index=True),
    sa.Column("track", sa.String(20), nullable=False),
    sa.Column("basis", sa.String(64), nullable=False),
    sa.Column("anchor", sa.Date, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("closed_reason", sa.String(40), nullable=True),
    sa.Column("opened_at", TS, nullable=False),
    sa.Column("closed_at", TS, nullable=True),
)
"""One chase per party, track and finding set (or expiration date); ``anchor`` is the day
the cadence counts from (the day it opened, or the expiration date for renewals)."""

attempts = sa.Table(
    "followup_attempts",
    metadata,
    sa.Column("attempt_id", sa.String(64), primary_key=True),
    sa.Column("case_id", sa.String(64), nullable=False, index=True),
    sa.Column("party_id", sa.String(200), nullable=False, index=True),
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
"""One row per (case, step, channel): its id is the idempotency key, so a step is sent once."""

blocks = sa.Table(
    "followup_blocks",
    metadata,
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
"""A party a channel cannot reach (migration ``0006_followup_blocks``): recorded, and audited,
the first time a due notice finds no address; the row goes (audited) once a contact appears."""
