"""``coisync review``: confirm, correct or reject certificates intake could not trust."""

from __future__ import annotations

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import UsageError


@click.group("review")
def review_group() -> None:
    """The review queue of certificate intake: list, show, correct, accept, reject.

    Every decision is written to the audit log with who made it.
    """


@review_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Every intake, not only those pending review.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_command(app: AppContext, show_all: bool, as_json: bool) -> None:
    """Intakes waiting for review (newest first)."""
    from coisync.intake.review import queue
    from coisync.store.review import INTAKE_STATUSES

    rows = queue(app.store(), INTAKE_STATUSES if show_all else ("pending",))
    if as_json:
        emit_json([{k: v for k, v in r.as_dict().items() if k != "extraction"} for r in rows])
        return
    console().print(
        table(
            "Intake review queue" if not show_all else "Intakes",
            ["id", "status", "file", "party", "form", "method", "first reason"],
            [
                (
                    r.id,
                    r.status,
                    r.file_name,
                    r.party_id or "",
                    r.form,
                    r.method,
                    r.reasons[0] if r.reasons else "",
                )
                for r in rows
            ],
        )
    )
    click.echo(f"{len(rows)} intake(s)")


@review_group.command("show")
@click.argument("intake_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show_command(app: AppContext, intake_id: int, as_json: bool) -> None:
    """Every extracted field of one intake with its confidence and where it came from."""
    from coisync.intake.extracted import CONFIDENCE_THRESHOLD
    from coisync.intake.review import intake

    row = intake(app.store(), intake_id)
    if as_json:
        emit_json(row.as_dict())
        return
    click.echo(
        f"intake {row.id}: {row.status} - {row.file_name} ({row.form}, {row.method}, {row.pages} page(s))"
    )
    click.echo(
        f"document sha256 {row.document_sha256}; party {row.party_id or '-'}; sender {row.sender or '-'}"
    )
    for reason in row.reasons:
        click.echo(f"reason: {reason}")
    fields = row.extraction.get("fields", [])
    # Plain aligned lines: the keys must stay whole, they are what 'review correct' takes.
    click.echo(f"{'field':<44} {'value':<36} {'conf':>5}     {'source':<10} location")
    for item in fields:
        value = " / ".join(str(item["value"]).splitlines())
        shown = value if len(value) <= 36 else value[:35] + "…"
        flag = "LOW" if item["confidence"] < CONFIDENCE_THRESHOLD else ""
        click.echo(
            f"{item['key']:<44} {shown:<36} {item['confidence']:>5.2f} {flag:<3} {item['source']:<10} {item['location']}"
        )
    wording = row.extraction.get("wording")
    if wording:
        click.echo("wording: " + ", ".join(f"{k}={v}" for k, v in wording.items()))


def _assignments(pairs: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"expected FIELD=VALUE, got {pair!r} (e.g. gl.limit.each_occurrence=1000000)")
        found[key.strip()] = value.strip()
    return found


@review_group.command("correct")
@click.argument("intake_id", type=int)
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--accept", "then_accept", is_flag=True, help="Accept the intake after correcting it.")
@click.option("--party", "party_id", metavar="ID", help="With --accept: the party it belongs to.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def correct_command(
    app: AppContext,
    intake_id: int,
    assignments: tuple[str, ...],
    then_accept: bool,
    party_id: str | None,
    as_json: bool,
) -> None:
    """Set fields by hand, e.g. gl.limit.each_occurrence=1,000,000 gl.effective_date=01/31/2026."""
    from coisync.intake.pipeline import default_actor, review_reasons
    from coisync.intake.review import correct

    store = app.store()
    actor = default_actor("review")
    extraction = correct(store, intake_id, _assignments(assignments), actor)
    remaining = review_reasons(extraction)
    if then_accept:
        _accept(app, intake_id, party_id, as_json)
        return
    if as_json:
        emit_json({"intake_id": intake_id, "status": "pending", "remaining": remaining})
        return
    click.echo(f"intake {intake_id}: {len(assignments)} field(s) corrected; still pending review")
    for reason in remaining:
        click.echo(f"remaining: {reason}")


@review_group.command("accept")
@click.argument("intake_id", type=int)
@click.option(
    "--party", "party_id", metavar="ID", help="The party it belongs to (when intake found none or several)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def accept_command(app: AppContext, intake_id: int, party_id: str | None, as_json: bool) -> None:
    """Accept an intake as it stands: write the certificate and judge the party again."""
    _accept(app, intake_id, party_id, as_json)


def _accept(app: AppContext, intake_id: int, party_id: str | None, as_json: bool) -> None:
    from coisync.intake.pipeline import default_actor
    from coisync.intake.review import accept, intake
    from coisync.intake.verdict import party_verdict

    store = app.store()
    written = accept(store, intake_id, default_actor("review"), party_id)
    owner = intake(store, intake_id).party_id
    verdict = party_verdict(store, app.portfolio(), owner) if owner else None
    status = verdict.status.value if verdict else None
    if as_json:
        emit_json(
            {
                "intake_id": intake_id,
                "status": "accepted",
                "record_id": written.record_id,
                "version": written.version,
                "party_id": owner,
                "verdict": status,
            }
        )
        return
    click.echo(f"intake {intake_id}: accepted -> {written.record_id} v{written.version}")
    if status:
        click.echo(f"party {owner}: {status}")


@review_group.command("reject")
@click.argument("intake_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@pass_app
def reject_command(app: AppContext, intake_id: int, reason: str) -> None:
    """Reject an intake: nothing is written for the party; the document stays stored."""
    from coisync.intake.pipeline import default_actor
    from coisync.intake.review import reject

    reject(app.store(), intake_id, default_actor("review"), reason)
    click.echo(f"intake {intake_id}: rejected")
