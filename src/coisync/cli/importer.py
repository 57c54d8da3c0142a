"""``coisync import``: load canonical JSON, JSONL or CSV records into the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import ExitCode
from coisync.model import RECORD_MODELS

MAX_PROBLEMS_SHOWN = 50
PROGRESS_MIN_BYTES = 1_000_000


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--type",
    "record_type",
    type=click.Choice(list(RECORD_MODELS)),
    help="Record type of CSV files without a 'type' column (and a check for JSON input).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every problem as JSON.")
@click.pass_context
@pass_app
def import_command(
    app: AppContext, ctx: click.Context, files: tuple[Path, ...], record_type: str | None, as_json: bool
) -> None:
    """Import parties, properties, agreements, certificates, evidence and waivers.

    \b
    FILES are canonical JSON (.json: one record, a list, or a portfolio object),
    JSONL (.jsonl: one {"format_version": 1, "type": ..., "data": ...} per line, streamed)
    or CSV (.csv: columns in docs/import.md). Records whose content is unchanged write
    nothing, so importing the same file again writes 0 rows. A changed certificate becomes
    a new version; the previous one is kept.

    \b
    Exit codes: 0 every record imported; 1 some records were invalid (each is reported
    with file, line, field and reason; the others were imported); 2 a file could not be
    read at all.
    """
    from coisync.ingest import import_files

    store = app.store()
    total = sum(p.stat().st_size for p in files if p.is_file())
    show_bar = not as_json and sys.stderr.isatty() and total >= PROGRESS_MIN_BYTES
    if show_bar:
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("import", total=total)
            report = import_files(
                store, files, record_type=record_type, progress=lambda n: bar.advance(task, n)
            )
    else:
        report = import_files(store, files, record_type=record_type)
    summary = report.summary

    if as_json:
        emit_json(report.as_dict())
    else:
        out = console()
        rows = [
            (name, c.read, c.inserted, c.updated, c.unchanged, c.invalid)
            for name, c in sorted(summary.types.items(), key=lambda kv: _order(kv[0]))
        ]
        out.print(
            table("Import summary", ["type", "read", "inserted", "updated", "unchanged", "invalid"], rows)
        )
        if summary.rows_written:
            out.print(f"{summary.rows_written} rows written (audit seq {summary.audit_seq})")
        elif summary.invalid or report.unreadable:
            out.print("0 rows written")
        else:
            out.print("0 rows written: everything was already up to date")
        # Plain lines, never wrapped or read as markup: one problem per line.
        for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
            click.echo(f"invalid: {problem}", err=True)
        if len(summary.problems) > MAX_PROBLEMS_SHOWN:
            more = len(summary.problems) - MAX_PROBLEMS_SHOWN
            click.echo(f"... and {more} more problems (use --json for all)", err=True)
        for name, reason in report.unreadable:
            click.echo(f"unreadable: {name}: {reason}", err=True)
    if report.unreadable:
        ctx.exit(int(ExitCode.USAGE))
    if summary.invalid:
        ctx.exit(int(ExitCode.PARTIAL))


def _order(record_type: str) -> int:
    names = list(RECORD_MODELS)
    return names.index(record_type) if record_type in names else len(names)
