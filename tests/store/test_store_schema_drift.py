"""The migrations and ``coisync.store.schema`` describe the same tables (no drift).

Only the tables ``schema.metadata`` declares are compared; packages that keep their own
metadata (and migrations) for their tables check those themselves.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from coisync.store import Store
from coisync.store.schema import metadata


def _declared_here(name: str | None, type_: str, parent_names: Any) -> bool:
    if type_ == "table":
        return name in metadata.tables
    return True


def test_migrated_database_matches_the_schema_module(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _declared_here}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []
