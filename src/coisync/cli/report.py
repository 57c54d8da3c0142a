"""``coisync report``: the portfolio compliance report as text, CSV, JSON or one HTML file."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, to_json
from coisync.errors import ExitCode, UsageError
from coisync.portfolio import PartyVerdict, evaluate_portfolio

FORMATS = ("text", "csv", "json", "html")
SUFFIX_FORMATS = {".txt": "text", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html"}
if TYPE_CHECKING:
    from coisync.report import Report
    from coisync.report.model import BlockedParty
    from coisync.store import Store

PROGRESS_MIN_PARTIES = 500
TEXT_FILE_WIDTH = 160


def _format(fmt: str | None, as_json: bool, output: Path | None) -> str:
    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json and --format {fmt} disagree; give one of them")
    if as_json:
        return "json"
    if fmt:
        return fmt
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "text")
    return "text"


def _with_progress(verdicts: Iterable[PartyVerdict], total: int) -> Iterator[PartyVerdict]:
    with Progress(
        TextColumn("judging parties"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("report", total=total)
        for verdict in verdicts:
            yield verdict
            bar.advance(task)


def _render(report: Report, fmt: str, stream: IO[str]) -> None:
    """Write the report to a stream (a file, or standard output for the non-text formats)."""
    from coisync.report import render_html, render_text, report_dict, write_csv_report

    if fmt == "json":
        stream.write(to_json(report_dict(report)) + "\n")
    elif fmt == "csv":
        write_csv_report(report, stream)
    elif fmt == "html":
        stream.write(render_html(report))
    else:
        render_text(report, Console(file=stream, width=TEXT_FILE_WIDTH, color_system=None, highlight=False))


def _blocked(store: Store, names: dict[str, str]) -> list[BlockedParty]:
    """The report's parties `coisync notify` cannot reach (no e-mail contact)."""
    from coisync.followup.blocks import open_blocks
    from coisync.report.model import BlockedParty
    from coisync.store.engine import read_connection

    with read_connection(store.engine) as conn:
        rows = open_blocks(conn)
    return [
        BlockedParty(b.party_id, names[b.party_id], b.channel, b.message, b.as_of)
        for b in rows
        if b.party_id in names
    ]


def _write_file(path: Path, fmt: str, report: Report) -> None:
    """Write next to the target and rename, so a failed run never leaves half a report."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: directory {directory} does not exist; create it first")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            _render(report, fmt, stream)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@click.command("report")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: from --output's suffix, else text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge on this day (default: today in each property's time zone).",
)
@click.option(
    "--property",
    "property_ids",
    multiple=True,
    metavar="ID",
    help="Only parties at this property (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@pass_app
@click.pass_context
def report_command(
    ctx: click.Context,
    app: AppContext,
    fmt: str | None,
    output: Path | None,
    as_of: object,
    property_ids: tuple[str, ...],
    as_json: bool,
) -> None:
    """Report where the portfolio stands: by owner, property, kind and status.

    \b
    Sections: status counts; parties by owner, property and kind; upcoming expirations
    (next 90 days); the most common deficiencies; items pending review with the evidence
    that would settle them; parties follow-up cannot reach (no e-mail contact); every
    party's findings with their evidence and clause.

    \b
    Formats: text (tables on the terminal), csv (one row per finding, UTF-8 with BOM,
    formula-safe), json (every section), html (one self-contained file with charts and a
    filterable party table; open it in any browser, offline).

    A report is a snapshot, not a verdict: the exit code is 0 whatever the statuses
    (use `coisync status` for exit code 3 on findings); 2 for a usage error.
    """
    from coisync.report import ReportBuilder

    chosen = _format(fmt, as_json, output)
    day: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    store = app.store()
    properties = {p.id: p for p in store.iter_properties()}
    unknown = [p for p in property_ids if p not in properties]
    if unknown:
        raise UsageError(
            f"unknown property {', '.join(map(repr, unknown))}; list properties with `coisync status --json`"
        )
    verdicts: Iterable[PartyVerdict] = evaluate_portfolio(store, app.portfolio(), as_of=day)
    total = store.counts().get("party", 0)
    if sys.stderr.isatty() and app.verbosity >= 0 and total >= PROGRESS_MIN_PARTIES:
        verdicts = _with_progress(verdicts, total)
    builder = ReportBuilder(properties, as_of=day, property_filter=property_ids)
    builder.add_all(verdicts)
    report = builder.finish()
    report.followup_blocked = _blocked(store, {p.id: p.name for p in report.parties})
    if output is not None:
        _write_file(output, chosen, report)
        if app.verbosity >= 0:
            click.echo(
                f"wrote {output} ({chosen}: {report.party_count} parties, {report.attention_count} need attention)",
                err=True,
            )
    elif chosen == "text":
        from coisync.report import render_text

        render_text(report, console())
    else:
        _render(report, chosen, sys.stdout)
    ctx.exit(int(ExitCode.OK))
