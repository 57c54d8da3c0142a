"""``coisync runs`` and ``coisync health``: what ran, and whether every connection is current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import ExitCode, UsageError
from coisync.store.engine import read_connection
from coisync.sync import outbox, runs
from coisync.sync.connections import connection_names
from coisync.sync.settings import load_sync_settings


@click.command("runs")
@click.option("--limit", default=20, show_default=True, help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def runs_command(app: AppContext, limit: int, as_json: bool) -> None:
    """List past sync, revert, reconcile and notify runs with their outcome."""
    with read_connection(app.store().engine) as conn:
        rows = runs.list_runs(conn, limit)
    if as_json:
        emit_json([{**r.__dict__, "summary": r.summary} for r in rows])
        return
    lines = []
    for r in rows:
        s = r.summary
        parts = s.get("connections", [])
        lines.append(
            (
                r.run_id,
                r.kind + (" (dry run)" if r.dry_run else ""),
                ", ".join(r.connections),
                r.status,
                "" if r.exit_code is None else r.exit_code,
                sum(p.get("records_read", 0) for p in parts),
                sum(p.get("writes_applied", 0) for p in parts) if parts else s.get("applied", ""),
                f"{s.get('duration_seconds', '')}",
            )
        )
    console().print(
        table("Runs", ["run", "kind", "connections", "status", "exit", "read", "written", "seconds"], lines)
    )


@click.command("run")
@click.argument("run_id")
@click.option("--limit", default=50, show_default=True, help="Writes shown (all with --json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def run_command(app: AppContext, run_id: str, limit: int, as_json: bool) -> None:
    """Show one run: its summary and every write it made (record, field, before → after)."""
    with read_connection(app.store().engine) as conn:
        row = runs.get_run(conn, run_id)
        if row is None:
            raise UsageError(f"no run {run_id!r}; list runs with `coisync runs`")
        writes = outbox.rows_of_run(conn, run_id)
    items: list[dict[str, Any]] = [
        {
            "connection": w.op.connection,
            "record": f"{w.op.platform_type}:{w.op.platform_id}",
            "state": w.state,
            "changes": {k: {"before": w.before.get(k), "after": v} for k, v in w.op.desired.items()},
            "error": w.last_error,
        }
        for w in writes
    ]
    if as_json:
        emit_json({"run": {**row.__dict__}, "writes": items})
        return
    out = console()
    out.print(
        f"run {row.run_id} ({row.kind}), {row.status}, exit {row.exit_code}, connections {', '.join(row.connections)}"
    )
    lines = []
    for item in items[:limit]:
        for field, change in item["changes"].items():
            after = str(change["after"])
            lines.append(
                (item["connection"], item["record"], field, change["before"], after[:80], item["state"])
            )
    out.print(
        table(f"Writes ({len(items)})", ["connection", "record", "field", "before", "after", "state"], lines)
    )
    if len(items) > limit:
        out.print(f"… {len(items) - limit} more writes (--limit or --json)")


@click.command("health")
@click.option(
    "--max-age",
    "max_age_hours",
    type=float,
    help="Hours since the last successful sync (default [sync] expected_interval_hours).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@click.pass_context
def health_command(ctx: click.Context, app: AppContext, max_age_hours: float | None, as_json: bool) -> None:
    """Exit 3 when a connection's last successful sync is older than its expected schedule.

    Meant for monitoring: run it from the same scheduler as the sync, alert on a non-zero
    exit. A run counts as successful when it finished with exit code 0 or 1 (some records
    quarantined is still a run that kept the platform current).
    """
    limit = timedelta(hours=max_age_hours or load_sync_settings(app.config).expected_interval_hours)
    now = datetime.now(tz=UTC)
    report = []
    with read_connection(app.store().engine) as conn:
        for name in connection_names(app.config):
            last = runs.last_success(conn, name)
            healthy = last is not None and now - last <= limit
            report.append(
                {"connection": name, "last_success": last.isoformat() if last else None, "healthy": healthy}
            )
    if as_json:
        emit_json({"max_age_hours": limit.total_seconds() / 3600, "connections": report})
    else:
        rows = [
            (r["connection"], r["last_success"] or "never", "ok" if r["healthy"] else "STALE") for r in report
        ]
        console().print(
            table(f"Health (max age {limit})", ["connection", "last successful sync", "health"], rows)
        )
    ctx.exit(int(ExitCode.OK if all(r["healthy"] for r in report) else ExitCode.FINDINGS))
