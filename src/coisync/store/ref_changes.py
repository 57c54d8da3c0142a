"""Undoable identity changes: refs re-pointed from one canonical entity to another.

:func:`link` moves every ref of one entity onto another (two records are the same party),
:func:`unlink` moves chosen refs onto another entity (they were not the same). Each decision is
a ``ref_changes`` row with one ``ref_change_items`` row per moved ref holding its previous
target, so :func:`undo` restores exactly what was there. Callers audit decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.errors import UsageError
from coisync.model import EntityKind, ExternalRef
from coisync.store import schema
from coisync.store.refs import RefKey, get_ref, key_match, ref_key, refs_for_entity
from coisync.store.upsert import utcnow


@dataclass(frozen=True)
class RefChange:
    """The outcome of a link, unlink or undo."""

    change_id: int
    action: str
    moved: tuple[tuple[RefKey, tuple[str, str], tuple[str, str]], ...]
    """Each moved ref with its (kind, id) before and after."""


def _move(
    conn: Connection,
    action: str,
    actor: str,
    reason: str | None,
    refs: list[ExternalRef],
    to: tuple[str, str],
) -> RefChange:
    change_id = conn.execute(
        sa.insert(schema.ref_changes)
        .values(action=action, actor=actor, reason=reason, created_at=utcnow())
        .returning(schema.ref_changes.c.id)
    ).scalar_one()
    moved = tuple((ref_key(r), (r.entity_kind.value, r.entity_id), to) for r in refs)
    if moved:
        conn.execute(
            sa.insert(schema.ref_change_items),
            [
                {
                    "change_id": change_id,
                    "connection": key[0],
                    "platform_type": key[1],
                    "platform_id": key[2],
                    "from_kind": before[0],
                    "from_id": before[1],
                    "to_kind": after[0],
                    "to_id": after[1],
                }
                for key, before, after in moved
            ],
        )
        conn.execute(
            sa.update(schema.external_refs)
            .where(key_match([m[0] for m in moved]))
            .values(entity_kind=to[0], entity_id=to[1], updated_at=utcnow())
        )
    return RefChange(int(change_id), action, moved)


def link(
    conn: Connection, kind: str, from_id: str, to_id: str, actor: str, reason: str | None = None
) -> RefChange:
    """Re-point every ref of entity ``from_id`` onto ``to_id`` (same kind)."""
    if from_id == to_id:
        raise UsageError(f"cannot link {kind} {from_id!r} to itself")
    refs = refs_for_entity(conn, kind, from_id)
    return _move(conn, "link", actor, reason, refs, (kind, to_id))


def unlink(
    conn: Connection, keys: Sequence[RefKey], to_id: str, actor: str, reason: str | None = None
) -> RefChange:
    """Re-point the chosen refs onto entity ``to_id`` (same kind as each ref had)."""
    refs: list[ExternalRef] = []
    for key in keys:
        ref = get_ref(conn, key)
        if ref is None:
            raise UsageError(f"no external ref {'/'.join(key)}; list refs with the entity's id")
        refs.append(ref)
    kinds = {r.entity_kind.value for r in refs}
    if len(kinds) > 1:
        raise UsageError("refs of different entity kinds cannot be unlinked together")
    kind = kinds.pop() if kinds else EntityKind.PARTY.value
    return _move(conn, "unlink", actor, reason, refs, (kind, to_id))


def undo(conn: Connection, change_id: int, actor: str) -> RefChange:
    """Put every ref a change moved back where it was, and mark the change undone."""
    change = conn.execute(
        sa.select(schema.ref_changes).where(schema.ref_changes.c.id == change_id)
    ).one_or_none()
    if change is None:
        raise UsageError(f"no identity change {change_id}")
    if change.undone_at is not None:
        raise UsageError(f"identity change {change_id} was already undone")
    items = conn.execute(
        sa.select(schema.ref_change_items).where(schema.ref_change_items.c.change_id == change_id)
    ).all()
    t = schema.external_refs
    moved = []
    for item in items:
        key = (item.connection, item.platform_type, item.platform_id)
        conn.execute(
            sa.update(t)
            .where(key_match([key]))
            .values(entity_kind=item.from_kind, entity_id=item.from_id, updated_at=utcnow())
        )
        moved.append((key, (item.to_kind, item.to_id), (item.from_kind, item.from_id)))
    conn.execute(
        sa.update(schema.ref_changes)
        .where(schema.ref_changes.c.id == change_id)
        .values(undone_at=utcnow(), undone_by=actor)
    )
    return RefChange(change_id, "undo", tuple(moved))
