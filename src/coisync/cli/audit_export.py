"""``coisync audit export``: a party's follow-up proof as an audit-ready bundle."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from coisync.cli.context import AppContext, pass_app
from coisync.errors import ExitCode

FORMATS = ("json", "csv", "html")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@click.command("export")
@click.option("--party", "party_id", required=True, metavar="ID", help="The party whose trail is exported.")
@click.option(
    "--format", "formats", type=click.Choice(FORMATS), multiple=True,
    help="json, csv or html (repeatable; default all three with --output, json without).",
)  # fmt: skip
@click.option(
    "--output", type=click.Path(file_okay=False, path_type=Path), help="Directory to write the bundle into."
)
@click.pass_context
@pass_app
def export_command(
    app: AppContext, ctx: click.Context, party_id: str, formats: tuple[str, ...], output: Path | None
) -> None:
    """Export every audit row about a party (each attempt: channel, recipients, message id,
    content hash, time, outcome) with the chain's verification at export time.

    Exit 0 when written; exit 3 when the audit chain does not verify (the bundle still says so).
    """
    from coisync.followup import proof

    store = app.store()
    if store.get_party(party_id) is None:
        raise click.BadParameter(f"no party {party_id!r} in the store", param_hint="--party")
    bundle = proof.collect(store, party_id)
    render = {"json": proof.to_json, "csv": proof.to_csv, "html": proof.to_html}
    if output is None:
        if len(formats) > 1:
            raise click.UsageError("without --output give one --format")
        sys.stdout.write(render[formats[0] if formats else "json"](bundle))
    else:
        output.mkdir(parents=True, exist_ok=True)
        stem = f"followup-proof-{_SAFE.sub('_', party_id)}"
        for fmt in formats or FORMATS:
            path = output / f"{stem}.{fmt}"
            path.write_text(render[fmt](bundle), encoding="utf-8")
            click.echo(f"wrote {path}")
    if not bundle.chain["ok"]:
        click.echo("audit log does not verify: see the bundle's chain section", err=True)
        ctx.exit(int(ExitCode.FINDINGS))
