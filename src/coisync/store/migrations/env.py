"""Alembic environment: runs on the connection :func:`coisync.store.migrate.upgrade` hands over.

Two processes opening a new store at once must not both migrate it: on SQLite the migration
transaction starts with ``BEGIN IMMEDIATE`` (the engine's write option), on PostgreSQL it takes
a transaction-scoped advisory lock first; either way the second process then finds the
database already at the head revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from coisync.store.locks import advisory_key
from coisync.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        schema = connection.execute(sa.select(sa.func.current_schema())).scalar_one()
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(advisory_key(f"{schema}:migrate"))))
    context.run_migrations()
