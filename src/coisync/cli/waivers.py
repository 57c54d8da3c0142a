"""``coisync waivers``: approved exceptions, each with an approver, a reason and an expiry."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import click
import sqlalchemy as sa

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.compliance import MEANING
from coisync.errors import UsageError
from coisync.model import Waiver, WaiverScope
from coisync.store import schema
from coisync.store.engine import read_connection
from coisync.store.queries import load
from coisync.store.review import mark_party_changed


@click.group("waivers")
def waivers_group() -> None:
    """Approved exceptions: a waiver turns the findings it names into "waived" until it expires.

    A waiver never excuses a different coverage, and never an expired policy. Every change is
    written to the audit log.
    """


@waivers_group.command("add")
@click.option("--party", "party_id", required=True, help="The party the waiver is for.")
@click.option(
    "--code",
    "codes",
    multiple=True,
    required=True,
    help="A finding code it excuses (repeatable), e.g. limit_insufficient.",
)
@click.option("--coverage", help="Only findings on this coverage type, e.g. general_liability.")
@click.option("--limit-key", help="Only findings on this limit, e.g. each_occurrence.")
@click.option("--agreement", "agreement_id", help="Only for this agreement.")
@click.option("--approver", required=True, help="Who approved it (a person, kept in the audit log).")
@click.option("--reason", required=True, help="Why it was approved.")
@click.option("--granted", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start day (default today).")
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day it applies (default: until revoked).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the waiver as JSON.")
@pass_app
def add_command(
    app: AppContext,
    party_id: str,
    codes: tuple[str, ...],
    coverage: str | None,
    limit_key: str | None,
    agreement_id: str | None,
    approver: str,
    reason: str,
    granted: datetime | None,
    expires: datetime | None,
    as_json: bool,
) -> None:
    """Approve a waiver for one party's findings."""
    unknown = [c for c in codes if c not in MEANING]
    if unknown:
        raise UsageError(f"unknown finding code {', '.join(unknown)}; see docs/compliance.md for the codes")
    if "policy_expired" in codes:
        raise UsageError("an expired policy cannot be waived; request the renewal certificate instead")
    store = app.store()
    if store.get_party(party_id) is None:
        raise UsageError(f"no party {party_id!r}; list parties with `coisync status`")
    today = datetime.now(tz=UTC).date()
    waiver = Waiver(
        id=f"waiver-{today:%Y%m%d}-{secrets.token_hex(3)}",
        party_id=party_id,
        agreement_id=agreement_id,
        scope=WaiverScope(finding_codes=codes, coverage_type=coverage, limit_key=limit_key),
        approver=approver,
        reason=reason,
        granted_on=granted.date() if granted else today,
        expires_on=expires.date() if expires else None,
    )
    if waiver.expires_on and waiver.expires_on < waiver.granted_on:
        raise UsageError("--expires is before the start day")
    with store.transaction() as conn:
        store.upsert("waiver", [waiver], conn=conn)
        store.audit.append(
            approver, "waiver.add", f"waiver:{waiver.id}", waiver.model_dump(mode="json"), conn=conn
        )
        mark_party_changed(conn, party_id, f"waiver {waiver.id} added")
    if as_json:
        emit_json(waiver.model_dump(mode="json"))
    else:
        console().print(
            f"added {waiver.id} for {party_id}: {', '.join(codes)} until {waiver.expires_on or 'revoked'}"
        )


@waivers_group.command("list")
@click.option("--party", "party_id", help="Only this party's waivers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_command(app: AppContext, party_id: str | None, as_json: bool) -> None:
    """List waivers, revoked ones included."""
    query = sa.select(schema.waivers.c.body).order_by(schema.waivers.c.id)
    if party_id:
        query = query.where(schema.waivers.c.party_id == party_id)
    with read_connection(app.store().engine) as conn:
        waivers = [load(Waiver, row.body) for row in conn.execute(query)]
    if as_json:
        emit_json([w.model_dump(mode="json") for w in waivers])
        return
    rows = [
        (
            w.id,
            w.party_id,
            ", ".join(w.scope.finding_codes),
            w.scope.coverage_type or "any",
            w.approver,
            w.granted_on,
            w.expires_on or "",
            "revoked" if w.revoked_at else "active",
            w.reason,
        )
        for w in waivers
    ]
    console().print(
        table(
            "Waivers",
            ["id", "party", "codes", "coverage", "approver", "from", "until", "state", "reason"],
            rows,
        )
    )


@waivers_group.command("revoke")
@click.argument("waiver_id")
@click.option("--by", "actor", required=True, help="Who revoked it (kept in the audit log).")
@pass_app
def revoke_command(app: AppContext, waiver_id: str, actor: str) -> None:
    """Revoke a waiver: its findings count again from now on."""
    store = app.store()
    waiver = store.revoke_waiver(waiver_id, actor)
    with store.transaction() as conn:
        mark_party_changed(conn, waiver.party_id, f"waiver {waiver_id} revoked")
    console().print(f"revoked {waiver_id} ({waiver.party_id})")
