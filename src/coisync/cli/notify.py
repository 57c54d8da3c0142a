"""``coisync notify``: requests, reminders, deficiency notices and escalations, with proof."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import ExitCode

LOCK_NAME = "notify"


@click.command("notify")
@click.option("--dry-run", is_flag=True, help="Show the messages that are due; send and record nothing.")
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge and chase as of this day (YYYY-MM-DD)."
)
@click.option(
    "--resolve-uncertain", "resolve_id", metavar="ATTEMPT_ID", help="Settle an uncertain attempt, then stop."
)
@click.option(
    "--sent/--not-sent", "was_sent", default=None, help="With --resolve-uncertain: what really happened."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
@click.pass_context
def notify_command(
    ctx: click.Context,
    app: AppContext,
    dry_run: bool,
    as_of: datetime | None,
    resolve_id: str | None,
    was_sent: bool | None,
    as_json: bool,
) -> None:
    """Send every due request, reminder, renewal notice and escalation, exactly once.

    Cadences come from [followup] (defaults: vendors on the day, +2, +5 and +8 days, the last
    copying the property manager; tenants slower; renewals 60/30/14/0 days before expiry;
    after expiry the party, then the manager, then the owner). Every attempt is recorded in the
    audit log. An attempt interrupted after it may have been sent is reported as uncertain and
    never resent: settle it with --resolve-uncertain ID --sent|--not-sent. A party with no
    e-mail contact is recorded as blocked (audited) and listed by every run until a contact
    appears; only the run that first finds it exits 1.

    Exit codes: 0 ok, 1 some messages failed or are uncertain, or a party became unreachable,
    2 configuration, 4 another notify run holds the lock.
    """
    from coisync.followup.channels import ChannelContext, build_channels
    from coisync.followup.run import NotifyRun
    from coisync.followup.settings import load_followup_settings
    from coisync.followup.state import resolve_uncertain
    from coisync.sync import runs

    store = app.store()
    if resolve_id is not None:
        if was_sent is None:
            raise click.UsageError("--resolve-uncertain needs --sent or --not-sent")
        row = resolve_uncertain(store, resolve_id, sent=was_sent, actor=f"user:{getpass.getuser()}")
        if as_json:
            emit_json({"attempt_id": row.attempt_id, "state": row.state})
        else:
            click.echo(f"attempt {row.attempt_id}: {row.state}")
        return
    settings = load_followup_settings(app.config, app.config_path.resolve().parent)
    portfolio = app.portfolio()
    day = as_of.date() if as_of else datetime.now(tz=UTC).date()
    with store.lock(LOCK_NAME):
        run_id = runs.new_run_id()
        context = ChannelContext(settings, store, app.config, app.config_path, run_id)
        channels = build_channels(context, settings.channels)
        with store.transaction() as conn:
            runs.start(conn, run_id, "notify", list(settings.channels), day, dry_run)
        status, code = "failed", ExitCode.INTERNAL
        try:
            summary = NotifyRun(
                store, portfolio, settings, channels, run_id=run_id, as_of=day, dry_run=dry_run
            ).run()
            code = ExitCode.OK if summary.ok else ExitCode.PARTIAL
            status = "ok" if summary.ok else "partial"
        finally:
            with store.transaction() as conn:
                runs.finish(conn, run_id, status, int(code), summary.as_dict() if status != "failed" else {})
    data = {"run_id": run_id, "as_of": day, "dry_run": dry_run, **summary.as_dict()}
    if as_json:
        emit_json(data)
    else:
        _print(data)
    ctx.exit(int(code))


def _print(data: dict[str, Any]) -> None:
    out = console()
    keys = ("planned", "sent", "failed", "uncertain", "cancelled", "blocked")
    names = sorted({ch for key in keys for ch in data[key]})
    rows = [[ch, *(data[key].get(ch, 0) for key in keys)] for ch in names]
    out.print(table(f"notify {data['run_id']} as of {data['as_of']}", ["channel", *keys], rows))
    for item in data["uncertain_attempts"]:
        out.print(
            f"UNCERTAIN {item['attempt_id']} party {item['party_id']} via {item['channel']}: may have been sent; "
            f"check, then run coisync notify --resolve-uncertain {item['attempt_id']} --sent|--not-sent",
            markup=False,
        )
    for item in data["blocked_parties"]:
        label = "BLOCKED (new)" if item["new"] else "BLOCKED"
        out.print(
            f"{label} party {item['party_id']} via {item['channel']} since {item['as_of']}: "
            f"{item['message']} (its notices wait until it has one)",
            markup=False,
        )
    for item in data["failures"]:
        out.print(f"FAILED party {item['party_id']} via {item['channel']}: {item['error']}", markup=False)
