"""``coisync reconcile``: one truth across systems, flags written back into each."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text


@click.command("reconcile")
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge on this day (default: today)."
)
@click.option("--dry-run", is_flag=True, help="Link nothing and write nothing; print the flags.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the flags as CSV."
)
@pass_app
@click.pass_context
def reconcile_command(
    ctx: click.Context,
    app: AppContext,
    as_of: datetime | None,
    dry_run: bool,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """Link the same party across connections, compare their copies, flag each system.

    Flags go back through the sync planner and outbox into the fields each mapping gives the
    reconcile job. Exit codes: 0 no new flags, 3 new flags raised, 1 a connection failed,
    2 configuration, 4 another run holds the lock.
    """
    from coisync.reconcile.flags import load_settings
    from coisync.reconcile.report import flags_csv, flags_table
    from coisync.reconcile.run import run_reconcile

    result = run_reconcile(
        app.store(),
        app.config,
        app.config_path,
        app.portfolio(),
        load_settings(app.config),
        as_of=as_of.date() if as_of else None,
        dry_run=dry_run,
    )
    if csv_path is not None:
        csv_path.write_text(flags_csv(result), encoding="utf-8")
    if as_json:
        emit_json(result.as_dict())
    else:
        out = console()
        out.print(flags_table(result))
        for part in result.connections:
            state = (
                safe_text(part.reason) if part.reason else f"{part.planned} planned, {part.applied} applied"
            )
            out.print(
                f"{safe_text(part.name)}: {state}"
                + (f" [red]{safe_text(part.error)}[/red]" if part.error else "")
            )
        out.print(
            f"{len(result.flags)} flags ({len(result.new_flags)} new); {len(result.linked)} linked, "
            f"{len(result.review)} to review; exit code {int(result.exit_code)}"
        )
    ctx.exit(int(result.exit_code))
