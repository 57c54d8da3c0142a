"""``coisync db``: the store's schema migrations."""

from __future__ import annotations

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import emit_json


@click.group("db")
def db_group() -> None:
    """Manage the store's database (SQLite file or PostgreSQL)."""


@db_group.command("upgrade")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def upgrade_command(app: AppContext, as_json: bool) -> None:
    """Create the store if needed and migrate it to the newest revision.

    Every command does this on first use; run it explicitly before a deployment or to see
    which revision a database is at.
    """
    from coisync.store import open_store
    from coisync.store.migrate import current_revision, head_revision, upgrade

    store = open_store(app.db_url, migrate=False)
    try:
        before = current_revision(store.engine)
        after = before if before == head_revision() else upgrade(store.engine)
    finally:
        store.close()
    if as_json:
        emit_json({"previous_revision": before, "revision": after, "upgraded": before != after})
        return
    if before == after:
        click.echo(f"store is at revision {after} (newest; nothing to do)")
    else:
        click.echo(f"store upgraded from revision {before or 'none (new database)'} to {after}")
