"""Reconciliation tables (created by migration ``0005_reconcile``)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

TS = sa.DateTime(timezone=True)

identity_candidates = sa.Table(
    "identity_candidates",
    metadata,
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
"""Pairs that may be one entity: ``review`` (a person decides), ``linked`` or ``rejected``."""

identity_moves = sa.Table(
    "identity_moves",
    metadata,
    sa.Column("change_id", sa.Integer, primary_key=True),
    sa.Column("table_name", sa.String(40), primary_key=True),
    sa.Column("record_id", sa.String(200), primary_key=True),
    sa.Column("from_id", sa.String(200), nullable=False),
    sa.Column("to_id", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=True),
)
"""Agreements, certificates, evidence and waivers a party link re-pointed, and the merged-away
party itself (``table_name = "parties"`` with its ``body``), for undo."""

REVIEW = "review"
LINKED = "linked"
REJECTED = "rejected"
