"""The intake migration: one head, and the migrated tables match ``coisync.store.review``."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from coisync.store import Store
from coisync.store.migrate import head_revision
from coisync.store.review import metadata


def _mine(name: str | None, type_: str, parent_names: Any) -> bool:
    return name in metadata.tables if type_ == "table" else True


def test_the_store_migrates_to_a_single_head_with_the_intake_tables(store: Store) -> None:
    assert store.revision() == head_revision()
    assert {"intakes", "party_changes"} <= set(store.table_names())


def test_intake_tables_match_their_declaration(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _mine})
        assert compare_metadata(context, metadata) == []
