"""``coisync conflicts``: coisync-owned fields a person changed inside a platform."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
import sqlalchemy as sa

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import UsageError
from coisync.store.engine import read_connection
from coisync.store.refs import get_ref, upsert_refs
from coisync.sync.tables import conflicts


@click.group("conflicts")
def conflicts_group() -> None:
    """Fields coisync owns that someone changed inside the platform.

    By default ([sync] conflict_policy = "keep_theirs") coisync keeps the platform's value and
    lists the conflict here until a person decides.
    """


@conflicts_group.command("list")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved conflicts.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_command(app: AppContext, include_resolved: bool, as_json: bool) -> None:
    """List open conflicts: what coisync wrote, what the platform shows now, what coisync wants."""
    query = sa.select(conflicts).order_by(conflicts.c.id)
    if not include_resolved:
        query = query.where(conflicts.c.state == "open")
    with read_connection(app.store().engine) as conn:
        rows = conn.execute(query).all()
    data = [
        {
            "id": r.id,
            "connection": r.connection,
            "record": f"{r.platform_type}:{r.platform_id}",
            "field": r.field,
            "coisync_wrote": json.loads(r.ours or "null"),
            "platform_shows": json.loads(r.theirs or "null"),
            "coisync_wants": json.loads(r.desired or "null"),
            "state": r.state,
            "created_at": r.created_at,
        }
        for r in rows
    ]
    if as_json:
        emit_json(data)
        return
    console().print(
        table(
            "Conflicts",
            [
                "id",
                "connection",
                "record",
                "field",
                "coisync wrote",
                "platform shows",
                "coisync wants",
                "state",
            ],
            [
                (
                    d["id"],
                    d["connection"],
                    d["record"],
                    d["field"],
                    d["coisync_wrote"],
                    d["platform_shows"],
                    d["coisync_wants"],
                    d["state"],
                )
                for d in data
            ],
        )
    )


@conflicts_group.command("resolve")
@click.argument("conflict_id", type=int)
@click.option(
    "--keep",
    type=click.Choice(["theirs", "ours"]),
    required=True,
    help="theirs: leave the platform's value; ours: coisync writes its value on the next sync.",
)
@click.option("--by", "actor", required=True, help="Who decided (kept in the audit log).")
@pass_app
def resolve_command(app: AppContext, conflict_id: int, keep: str, actor: str) -> None:
    """Decide a conflict; the decision is written to the audit log."""
    store = app.store()
    with store.transaction() as conn:
        row = conn.execute(sa.select(conflicts).where(conflicts.c.id == conflict_id)).first()
        if row is None:
            raise UsageError(f"no conflict {conflict_id}; list them with `coisync conflicts list`")
        if row.state != "open":
            raise UsageError(f"conflict {conflict_id} is already {row.state}")
        if keep == "ours":
            ref = get_ref(conn, (row.connection, row.platform_type, row.platform_id))
            if ref is not None:
                known = dict(ref.last_known)
                written = dict(known.get("written", {}))
                written[row.field] = known.get("read", {}).get(row.field)
                known["written"] = written
                # A new updated_at puts the ref in the next sync's plan, which writes coisync's value.
                update = {"last_known": known, "updated_at": datetime.now(tz=UTC)}
                upsert_refs(conn, [ref.model_copy(update=update)])
        conn.execute(
            conflicts.update()
            .where(conflicts.c.id == conflict_id)
            .values(state=f"kept_{keep}", resolved_at=datetime.now(tz=UTC), resolved_by=actor)
        )
        store.audit.append(
            actor,
            "conflict.resolve",
            f"{row.connection}/{row.platform_type}:{row.platform_id}",
            {"conflict_id": conflict_id, "field": row.field, "keep": keep},
            conn=conn,
        )
    console().print(
        f"conflict {conflict_id}: keeping {keep}"
        + (" (the next coisync sync writes coisync's value)" if keep == "ours" else "")
    )
