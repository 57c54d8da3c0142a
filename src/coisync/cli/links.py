"""``coisync links``: the identity review list and manual link decisions (undoable).

Parties, properties and agreements are linked alike; ``link`` and ``reject`` find the kind of
the two ids in the store (``--kind`` says it when an id is not stored yet).
"""

from __future__ import annotations

import click
import sqlalchemy as sa

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text, table
from coisync.errors import UsageError
from coisync.store import Store

ACTOR = "cli"
KINDS = ("party", "property", "agreement")
COLUMNS = ("kind", "left_id", "right_id", "score", "basis", "state", "change_id")

kind_option = click.option(
    "--kind", type=click.Choice(KINDS), help="The entities' kind (default: found from the stored ids)."
)


def _kind(store: Store, kind: str | None, *ids: str) -> str:
    """The kind of the entities ``ids`` name (all one kind)."""
    if kind is not None:
        return kind
    from coisync.reconcile.identity import kind_of

    found = {i: kind_of(store, i) for i in ids}
    kinds = set(found.values())
    if None in kinds:
        missing = next(i for i, k in found.items() if k is None)
        raise UsageError(
            f"no party, property or agreement {missing!r}; list candidates with coisync links list"
        )
    if len(kinds) > 1:
        raise UsageError(
            "the ids name entities of different kinds: " + ", ".join(f"{i} ({k})" for i, k in found.items())
        )
    return str(kinds.pop())


@click.group("links")
def links_group() -> None:
    """List identity candidates, link or reject them, undo a decision.

    Candidates are parties, properties and agreements that may be one entity across connections.
    """


@links_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also show linked and rejected pairs.")
@click.option("--kind", type=click.Choice(KINDS), help="Only pairs of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def list_command(app: AppContext, show_all: bool, kind: str | None, as_json: bool) -> None:
    """Pairs that may be one entity (the review list), best score first."""
    from coisync.reconcile.tables import REVIEW
    from coisync.reconcile.tables import identity_candidates as t

    store = app.store()
    query = sa.select(t).order_by(t.c.score.desc(), t.c.kind, t.c.left_id, t.c.right_id)
    if not show_all:
        query = query.where(t.c.state == REVIEW)
    if kind:
        query = query.where(t.c.kind == kind)
    with store.transaction() as conn:
        items = [{k: row._mapping[k] for k in COLUMNS} for row in conn.execute(query)]
    if as_json:
        emit_json(items)
        return
    rows = [[safe_text(i[k]) for k in COLUMNS] for i in items]
    console().print(
        table("identity candidates", ["kind", "left", "right", "score", "basis", "state", "change"], rows)
    )


@links_group.command("link")
@click.argument("keep_id")
@click.argument("merge_id")
@kind_option
@click.option("--reason", help="Why they are one entity (audited).")
@pass_app
def link_command(app: AppContext, keep_id: str, merge_id: str, kind: str | None, reason: str | None) -> None:
    """MERGE_ID is the same entity as KEEP_ID: its refs and records move onto KEEP_ID.

    Both name a party, a property or an agreement (the kind is found from the stored ids).
    """
    from coisync.reconcile import links
    from coisync.reconcile.identity import Candidate, record
    from coisync.reconcile.tables import LINKED

    store = app.store()
    kind = _kind(store, kind, keep_id, merge_id)
    change = links.link(store, kind, merge_id, keep_id, ACTOR, reason or "linked by hand")
    left, right = sorted((keep_id, merge_id))
    record(store, Candidate(left, right, 100.0, "manual", kind), LINKED, ACTOR, change.change_id)
    console().print(
        f"linked {safe_text(merge_id)} into {safe_text(keep_id)} (change {change.change_id}; undo with coisync links undo {change.change_id})"
    )


@links_group.command("reject")
@click.argument("left_id")
@click.argument("right_id")
@kind_option
@pass_app
def reject_command(app: AppContext, left_id: str, right_id: str, kind: str | None) -> None:
    """The two entities are not one: never link them automatically."""
    from coisync.reconcile.identity import Candidate, record
    from coisync.reconcile.tables import REJECTED

    store = app.store()
    kind = _kind(store, kind, left_id, right_id)
    left, right = sorted((left_id, right_id))
    record(store, Candidate(left, right, 0.0, "manual", kind), REJECTED, ACTOR)
    console().print(f"{kind} {safe_text(left)} and {safe_text(right)} stay apart")


@links_group.command("unlink")
@click.argument("change_id", type=int)
@pass_app
def unlink_command(app: AppContext, change_id: int) -> None:
    """Undo a link (automatic or manual): refs and records go back; the pair is rejected."""
    from coisync.reconcile import links
    from coisync.reconcile.tables import REJECTED
    from coisync.reconcile.tables import identity_candidates as t

    store = app.store()
    change = links.undo(store, change_id, ACTOR)
    with store.transaction() as conn:
        conn.execute(sa.update(t).where(t.c.change_id == change_id).values(state=REJECTED, actor=ACTOR))
    console().print(f"change {change.change_id} undone; {len(change.moved)} refs moved back")


@links_group.command("undo")
@click.argument("change_id", type=int)
@pass_app
def undo_command(app: AppContext, change_id: int) -> None:
    """Undo an identity change without rejecting the pair (it returns to the review list)."""
    from coisync.reconcile import links
    from coisync.reconcile.tables import REVIEW
    from coisync.reconcile.tables import identity_candidates as t

    store = app.store()
    change = links.undo(store, change_id, ACTOR)
    with store.transaction() as conn:
        conn.execute(sa.update(t).where(t.c.change_id == change_id).values(state=REVIEW, actor=ACTOR))
    console().print(f"change {change.change_id} undone; {len(change.moved)} refs moved back")
