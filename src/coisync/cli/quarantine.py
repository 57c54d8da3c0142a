"""``coisync quarantine``: platform records set aside with their reason, and retrying them."""

from __future__ import annotations

import json

import click
import sqlalchemy as sa

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.connector import PlatformRecord
from coisync.errors import ExitCode
from coisync.store.engine import read_connection
from coisync.sync.connections import build_connector
from coisync.sync.pull import write_batch
from coisync.sync.tables import quarantine


@click.group("quarantine")
def quarantine_group() -> None:
    """Platform records that could not be used, kept with the reason while their siblings synced."""


@quarantine_group.command("list")
@click.option("--connection", help="Only this connection.")
@click.option("--all", "include_resolved", is_flag=True, help="Include records that later synced.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_command(app: AppContext, connection: str | None, include_resolved: bool, as_json: bool) -> None:
    """List quarantined records with their reason."""
    query = sa.select(quarantine).order_by(quarantine.c.connection, quarantine.c.stream, quarantine.c.id)
    if connection:
        query = query.where(quarantine.c.connection == connection)
    if not include_resolved:
        query = query.where(quarantine.c.resolved_at.is_(None))
    with read_connection(app.store().engine) as conn:
        rows = conn.execute(query).all()
    if as_json:
        emit_json(
            [
                {
                    "id": r.id,
                    "connection": r.connection,
                    "stream": r.stream,
                    "platform_type": r.platform_type,
                    "platform_id": r.platform_id,
                    "reason": r.reason,
                    "first_seen_at": r.first_seen_at,
                    "last_seen_at": r.last_seen_at,
                    "resolved_at": r.resolved_at,
                }
                for r in rows
            ]
        )
        return
    console().print(
        table(
            "Quarantined records",
            ["id", "connection", "stream", "record", "reason", "last seen"],
            [(r.id, r.connection, r.stream, r.record_key, r.reason, r.last_seen_at) for r in rows],
        )
    )


@quarantine_group.command("retry")
@click.option("--connection", help="Only this connection.")
@pass_app
@click.pass_context
def retry_command(ctx: click.Context, app: AppContext, connection: str | None) -> None:
    """Map quarantined records again (after a mapping fix), without reading the platform.

    Records that now map are stored as if just synced; the others stay with their new reason.
    Exit code 1 when some are still quarantined.
    """
    store = app.store()
    query = sa.select(quarantine).where(
        quarantine.c.resolved_at.is_(None), quarantine.c.platform_id.is_not(None)
    )
    if connection:
        query = query.where(quarantine.c.connection == connection)
    with read_connection(store.engine) as conn:
        rows = conn.execute(query).all()
    groups: dict[tuple[str, str], list[PlatformRecord]] = {}
    for r in rows:
        groups.setdefault((r.connection, r.stream), []).append(
            PlatformRecord(
                stream=r.stream,
                platform_type=r.platform_type,
                platform_id=r.platform_id,
                raw=json.loads(r.raw),
            )
        )
    still = 0
    for (name, stream_name), records in sorted(groups.items()):
        connector = build_connector(name, app.config, app.config_path)
        with connector:
            _, _, bad = write_batch(
                store, connector, connector.stream(stream_name), records, (), None, "retry"
            )
        still += bad
        console().print(f"{name}/{stream_name}: {len(records) - bad} of {len(records)} records now synced")
    ctx.exit(int(ExitCode.PARTIAL if still else ExitCode.OK))
