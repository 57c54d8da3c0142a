"""``coisync sync``: pull every platform, evaluate, write the verdicts back."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text, table
from coisync.errors import UsageError
from coisync.sync.engine import SyncEngine, SyncOptions
from coisync.sync.settings import load_sync_settings
from coisync.sync.summary import RunSummary


def parse_fraction(text: str | None) -> float | None:
    """``20%`` or ``0.2`` as a fraction."""
    if text is None:
        return None
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise UsageError(f"--max-writes {text!r} is not a fraction; write it like 50% or 0.5") from None
    if not 0 < value <= 1:
        raise UsageError(f"--max-writes {text!r} must be above 0% and at most 100%")
    return value


def print_summary(summary: RunSummary) -> None:
    """The run summary as tables, then the plan of a dry run."""
    out = console()
    rows = []
    for part in summary.connections:
        push = part.push
        rows.append(
            (
                part.name,
                part.read,
                part.changed,
                part.quarantined,
                part.planned if part.writes else "read-only",
                push.applied + push.unchanged + push.confirmed_by_read_back if push else 0,
                push.failed if push else 0,
                part.conflicts,
                part.requests,
            )
        )
    title = f"sync {summary.run_id}" + (" (dry run: nothing written)" if summary.dry_run else "")
    out.print(
        table(
            title,
            [
                "connection",
                "read",
                "changed",
                "quarantined",
                "writes planned",
                "applied",
                "failed",
                "conflicts",
                "requests",
            ],
            rows,
        )
    )
    for part in summary.connections:
        if part.read_only_reason:
            out.print(f"[dim]{safe_text(part.name)} is read-only: {safe_text(part.read_only_reason)}[/dim]")
        elif not part.writes:
            out.print(
                f"[dim]{safe_text(part.name)}: writes are off (set writes = true in [connections.{safe_text(part.name)}])[/dim]"
            )
        if part.capped:
            out.print(f"[yellow]{safe_text(part.name)}: {safe_text(part.capped)}[/yellow]")
        if part.error:
            out.print(f"[red]{safe_text(part.name)}: {safe_text(part.error)}[/red]")
        if summary.dry_run:
            for line in part.plan_lines:
                out.print(safe_text(line))
    order = ("pull", "evaluate", "plan", "push")
    phases = ", ".join(f"{p} {summary.phases[p]:.1f}s" for p in order if p in summary.phases)
    parties = "party" if summary.evaluated == 1 else "parties"
    verdicts = "verdict" if summary.verdicts_changed == 1 else "verdicts"
    out.print(
        f"{summary.evaluated} {parties} evaluated ({summary.verdicts_changed} {verdicts} changed) in "
        f"{summary.duration:.1f}s"
        + (f" ({phases})" if phases else "")
        + f"; exit code {int(summary.exit_code)}"
    )


class _Bar:
    """A progress display on a terminal; nothing otherwise (log lines tell the story)."""

    def __init__(self, enabled: bool) -> None:
        self.progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}"),
                TimeElapsedColumn(),
                console=console(stderr=True),
                transient=True,
            )
            if enabled
            else None
        )
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, n: int) -> None:
        if self.progress is None:
            return
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=None)
        self.progress.advance(self.tasks[phase], n)


@click.command("sync")
@click.option(
    "--connection", "connections", multiple=True, metavar="NAME", help="Only this connection (repeatable)."
)
@click.option(
    "--dry-run", is_flag=True, help="Read and evaluate, print the plan, write nothing to any platform."
)
@click.option(
    "--full",
    is_flag=True,
    help="Read every stream from the beginning (records missed by a cursor are caught); an unchanged record costs only its hash.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge on this day (default: today per property).",
)
@click.option(
    "--max-writes",
    metavar="PERCENT",
    help="Write cap for this run, e.g. 50% (default [sync] max_write_fraction).",
)
@click.option(
    "--revert", "revert_run", metavar="RUN_ID", help="Put back the values that run overwrote, then stop."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
@click.pass_context
def sync_command(
    ctx: click.Context,
    app: AppContext,
    connections: tuple[str, ...],
    dry_run: bool,
    full: bool,
    as_of: datetime | None,
    max_writes: str | None,
    revert_run: str | None,
    as_json: bool,
) -> None:
    """Sync every configured connection (or the named ones) both ways.

    \b
    1. pull: each stream from its saved cursor into the store (malformed records are
       quarantined with their reason; see coisync quarantine list)
    2. evaluate: parties whose records changed, or whose policies crossed a window
    3. plan: what each platform should show, diffed with what it shows
    4. push: the differences, through a durable outbox (never lost, never doubled)

    A connection writes nothing until writes = true in its table. A run that would change
    more than the write cap stops before pushing. Exit codes: 0 ok, 1 some records or writes
    failed (or the cap stopped the push), 2 configuration, 4 another run holds the lock,
    75 a platform asked to wait or is down (retry later).
    """
    if revert_run:
        _revert(ctx, app, revert_run, connections, as_json)
        return
    engine = SyncEngine(
        app.store(),
        app.config,
        app.config_path,
        app.portfolio(),
        load_sync_settings(app.config),
        progress=_Bar(sys.stderr.isatty() and not as_json),
    )
    options = SyncOptions(
        connections=connections,
        dry_run=dry_run,
        full=full,
        as_of=as_of.date() if as_of else None,
        max_write_fraction=parse_fraction(max_writes),
    )
    bar = engine.progress
    if isinstance(bar, _Bar) and bar.progress is not None:
        with bar.progress:
            summary = engine.run(options)
    else:
        summary = engine.run(options)
    if as_json:
        data = summary.as_dict()
        if dry_run:
            data["plan"] = [line for part in summary.connections for line in part.plan_lines]
        emit_json(data)
    else:
        print_summary(summary)
    ctx.exit(int(summary.exit_code))


def _revert(ctx: click.Context, app: AppContext, run_id: str, names: tuple[str, ...], as_json: bool) -> None:
    from coisync.sync.connections import build_connector, connection_names
    from coisync.sync.revert import revert_run

    connectors = {
        n: build_connector(n, app.config, app.config_path) for n in connection_names(app.config, names)
    }
    with app.store().lock("revert"):
        result = revert_run(app.store(), connectors, run_id)
    for connector in connectors.values():
        connector.close()
    applied = sum(p.applied + p.unchanged for p in result.pushes.values())
    failed = sum(p.failed for p in result.pushes.values())
    if as_json:
        emit_json(
            {
                "run_id": result.run_id,
                "reverted_run": run_id,
                "planned": result.planned,
                "applied": applied,
                "failed": failed,
                "skipped": result.skipped,
            }
        )
    else:
        out = console()
        out.print(
            f"revert {result.run_id} of run {safe_text(run_id)}: {result.planned} writes planned, {applied} applied, {failed} failed"
        )
        for line in result.skipped:
            out.print(f"[yellow]skipped {safe_text(line)}[/yellow]")
    ctx.exit(1 if failed or result.skipped else 0)
