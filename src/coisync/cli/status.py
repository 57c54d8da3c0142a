"""``coisync status``: the verdict for every party in the store, or for the ones named."""

from __future__ import annotations

from collections import Counter
from datetime import date

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import ExitCode
from coisync.followup.blocks import open_blocks
from coisync.model import Outcome, Status
from coisync.portfolio import PartyVerdict, evaluate_portfolio
from coisync.store.engine import read_connection

PASSING = {Status.COMPLIANT, Status.NOT_REQUIRED}


def _verdict_json(verdict: PartyVerdict) -> dict[str, object]:
    return {
        "party_id": verdict.party.id,
        "legal_name": verdict.party.legal_name,
        "kind": verdict.party.kind.value,
        "status": verdict.status.value,
        "earliest_expiration": verdict.earliest_expiration,
        "evaluations": [
            {
                **e.model_dump(mode="json", exclude={"results"}),
                "findings": [f.model_dump(mode="json", exclude_none=True) for f in e.findings],
            }
            for e in verdict.evaluations
        ],
    }


def _summary(verdict: PartyVerdict) -> str:
    codes = Counter(
        f.code for e in verdict.evaluations for f in e.findings if f.outcome is not Outcome.WAIVED
    )
    return ", ".join(f"{code}×{n}" if n > 1 else code for code, n in codes.most_common(3))


@click.command("status")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge on this day (default: today in each property's time zone).",
)
@click.option("--party", "party_ids", multiple=True, metavar="ID", help="Only this party (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@click.pass_context
def status_command(
    ctx: click.Context, app: AppContext, as_of: object, party_ids: tuple[str, ...], as_json: bool
) -> None:
    """Judge every party in the store against its requirements and list the verdicts.

    A party with active agreements is judged per agreement; one without (most vendors) per
    property it operates at, with the template assigned to its kind and category in
    [portfolio.templates]. Parties `coisync notify` cannot reach (no e-mail contact) are listed
    after the table. Exit code 0 when every party is compliant (or nothing is
    required), 3 otherwise.
    """
    day: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    store = app.store()
    verdicts = list(evaluate_portfolio(store, app.portfolio(), as_of=day, party_ids=party_ids or None))
    with read_connection(store.engine) as conn:
        blocked = open_blocks(conn, [v.party.id for v in verdicts])
    if as_json:
        emit_json(
            {
                "as_of": day,
                "parties": [_verdict_json(v) for v in verdicts],
                "followup_blocked": [b.as_dict(new=False) for b in blocked],
            }
        )
    else:
        out = console()
        rows = [
            (
                v.party.id,
                v.party.legal_name,
                v.party.kind.value,
                v.status.value,
                v.earliest_expiration or "",
                _summary(v),
            )
            for v in verdicts
        ]
        out.print(
            table("Parties", ["party", "name", "kind", "status", "earliest expiration", "findings"], rows)
        )
        counts = Counter(v.status.value for v in verdicts)
        out.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no parties in the store")
        for block in blocked:
            out.print(f"follow-up blocked ({block.channel}): {block.message}", markup=False)
    failing = any(v.status not in PASSING for v in verdicts)
    ctx.exit(int(ExitCode.FINDINGS if failing else ExitCode.OK))
