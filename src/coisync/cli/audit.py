"""``coisync audit``: checking the hash-chained audit log."""

from __future__ import annotations

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import emit_json
from coisync.errors import ExitCode


@click.group("audit")
def audit_group() -> None:
    """Inspect the audit log every change is recorded in."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
@pass_app
def verify_command(app: AppContext, ctx: click.Context, as_json: bool) -> None:
    """Recompute the audit log's hash chain and compare it with the head row.

    Exit 0 when the log is intact; exit 3 when a row was altered or deleted, the log was
    truncated or the head was changed (each problem names the sequence number).
    """
    result = app.store().audit.verify()
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(f"head: seq {result.head_seq}, hash {result.head_hash}")
        click.echo(f"rows checked: {result.rows}")
        if result.ok:
            click.echo("audit log intact")
        else:
            for seq, problem in result.problems:
                click.echo(f"seq {seq}: {problem}")
            click.echo(f"audit log TAMPERED: {len(result.problems)} problem(s)")
    if not result.ok:
        ctx.exit(int(ExitCode.FINDINGS))


def _add_export() -> None:
    from coisync.cli.audit_export import export_command

    audit_group.add_command(export_command)


_add_export()
