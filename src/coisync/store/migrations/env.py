"""Alembic environment: runs on the connection :func:`coisync.store.migrate.upgrade` hands over."""

from __future__ import annotations

from alembic import context

from coisync.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
