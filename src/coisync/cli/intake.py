"""``coisync intake``: take in certificate PDFs, e-mails, canonical JSON and CSV."""

from __future__ import annotations

from pathlib import Path

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import emit_json
from coisync.errors import ExitCode


@click.command("intake")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--party", "party_id", metavar="ID", help="The party these certificates belong to (skips name matching)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one result per document, and the verdicts, as JSON."
)
@click.pass_context
@pass_app
def intake_command(
    app: AppContext, ctx: click.Context, files: tuple[Path, ...], party_id: str | None, as_json: bool
) -> None:
    """Take in certificates: fillable or flattened ACORD 25/28 PDFs, .eml messages, JSON, CSV.

    \b
    AcroForm fields are read first, then the text layout; scanned pages go to review (an OCR
    plugin can read them). The named insured is matched to a party unless --party is given.
    A certificate read with full confidence is written at once (a resubmission becomes a new
    version) and the party is judged again; anything doubtful - a field below the confidence
    threshold, no or several matching parties - waits in 'coisync review'. The PDF is kept in
    the store with its SHA-256 and where every field came from. .json/.jsonl/.csv files are
    canonical records and go through 'coisync import'.

    \b
    Exit codes: 0 every document was taken in (trusted or queued for review); 2 a document
    could not be read at all (not a PDF, encrypted, damaged, too large) - nothing of it was
    stored, the other documents were taken in.
    """
    from coisync.ingest import import_files
    from coisync.intake.errors import IntakeError
    from coisync.intake.files import is_canonical, sources_from
    from coisync.intake.pipeline import IntakeResult, default_actor, take_in_all
    from coisync.intake.verdict import party_verdict

    store = app.store()
    actor = default_actor()
    results: list[IntakeResult] = []
    sources = []
    canonical = [p for p in files if is_canonical(p)]
    for path in files:
        if is_canonical(path):
            continue
        try:
            sources.extend(sources_from(path))
        except IntakeError as exc:
            results.append(IntakeResult(str(path), "error", error=str(exc)))
    results.extend(take_in_all(store, sources, party_id=party_id, actor=actor))
    imported = import_files(store, canonical, actor=actor) if canonical else None

    verdicts = {}
    for party in sorted({r.party_id for r in results if r.status == "trusted" and r.party_id}):
        verdict = party_verdict(store, app.portfolio(), party)
        if verdict is not None:
            verdicts[party] = verdict.status.value
    for result in results:
        if result.status == "trusted" and result.party_id in verdicts:
            result.verdict = verdicts[result.party_id]

    if as_json:
        emit_json(
            {
                "documents": [r.as_dict() for r in results],
                "verdicts": verdicts,
                "imported": imported.as_dict() if imported else None,
            }
        )
    else:
        for result in results:
            click.echo(_line(result))
        if imported is not None:
            click.echo(
                f"imported {imported.summary.rows_written} rows from {len(canonical)} canonical file(s)"
            )
            for problem in imported.summary.problems[:20]:
                click.echo(f"invalid: {problem}", err=True)
        for party, status in verdicts.items():
            click.echo(f"party {party}: {status}")
    failed = any(r.status == "error" for r in results) or bool(imported and imported.unreadable)
    if failed:
        ctx.exit(int(ExitCode.USAGE))
    if imported is not None and imported.summary.invalid:
        ctx.exit(int(ExitCode.PARTIAL))


def _line(result: object) -> str:
    from coisync.intake.pipeline import IntakeResult

    assert isinstance(result, IntakeResult)
    if result.status == "error":
        return f"error: {result.error}"
    where = (
        f"{result.form}, {result.method}, {result.pages} page(s), sha256 {str(result.document_sha256)[:12]}"
    )
    if result.status == "trusted":
        change = f"v{result.version}" if result.changed else f"v{result.version} unchanged"
        return f"{result.file}: trusted -> {result.record_id} {change} (party {result.party_id}; {where})"
    first = result.reasons[0] if result.reasons else "needs review"
    more = f" (+{len(result.reasons) - 1} more)" if len(result.reasons) > 1 else ""
    return f"{result.file}: pending review #{result.intake_id}: {first}{more} ({where})"
