"""External refs (platform record -> canonical entity) and undoable identity changes.

A ref is keyed by ``(connection, platform_type, platform_id)``. Identity decisions re-point
refs: :func:`link` moves every ref of one entity onto another (two records are the same
party), :func:`unlink` moves chosen refs onto another entity (they were not the same). Each
decision is a ``ref_changes`` row with one ``ref_change_items`` row per moved ref holding its
previous target, so :func:`undo` restores exactly what was there. Callers audit decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from coisync.errors import UsageError
from coisync.model import EntityKind, ExternalRef
from coisync.store import schema
from coisync.store.queries import as_utc
from coisync.store.upsert import UpsertCounts, utcnow

RefKey = tuple[str, str, str]
"""``(connection, platform_type, platform_id)``."""


@dataclass(frozen=True)
class RefChange:
    """The outcome of a link, unlink or undo."""

    change_id: int
    action: str
    moved: tuple[tuple[RefKey, tuple[str, str], tuple[str, str]], ...]
    """Each moved ref with its (kind, id) before and after."""


def ref_key(ref: ExternalRef) -> RefKey:
    """The primary key of a ref."""
    return (ref.connection, ref.platform_type, ref.platform_id)


def _key_match(keys: Sequence[RefKey]) -> sa.ColumnElement[bool]:
    """Rows with one of ``keys``: one ``platform_id IN (...)`` per (connection, type).

    A batch's keys nearly always share their connection and type, so this compiles to one
    cached statement with an expanding parameter instead of a tuple comparison per key.
    """
    t = schema.external_refs
    groups: dict[tuple[str, str], list[str]] = {}
    for connection, platform_type, platform_id in keys:
        groups.setdefault((connection, platform_type), []).append(platform_id)
    clauses = [
        sa.and_(t.c.connection == connection, t.c.platform_type == platform_type, t.c.platform_id.in_(ids))
        for (connection, platform_type), ids in groups.items()
    ]
    if not clauses:
        return sa.false()
    return clauses[0] if len(clauses) == 1 else sa.or_(*clauses)


def _to_ref(row: Row[Any]) -> ExternalRef:
    # Rows were validated when written: constructed without validating them again.
    return ExternalRef.model_construct(
        connection=row.connection,
        platform_type=row.platform_type,
        platform_id=row.platform_id,
        entity_kind=EntityKind(row.entity_kind),
        entity_id=row.entity_id,
        version=row.version,
        content_hash=row.content_hash,
        last_known=json.loads(row.last_known),
        updated_at=as_utc(row.updated_at),
    )


def _fingerprint(ref: ExternalRef) -> tuple[Any, ...]:
    return (
        ref.entity_kind.value,
        ref.entity_id,
        ref.version,
        ref.content_hash,
        json.dumps(ref.last_known, sort_keys=True, default=str),
    )


def _update_by_key(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Update refs in one batched statement; each row names its ref by ``b_connection``,
    ``b_type`` and ``b_id`` beside the columns it sets."""
    if not rows:
        return
    t = schema.external_refs
    conn.execute(
        sa.update(t).where(
            t.c.connection == sa.bindparam("b_connection"),
            t.c.platform_type == sa.bindparam("b_type"),
            t.c.platform_id == sa.bindparam("b_id"),
        ),
        rows,
    )


def upsert_refs(
    conn: Connection, refs: Sequence[ExternalRef], stored: Mapping[RefKey, ExternalRef] | None = None
) -> UpsertCounts:
    """Insert or update refs; a ref whose target, version, hash and last-known are equal is left alone.

    ``stored`` holds what the caller already read of these refs in this transaction (a key
    absent from it does not exist); without it they are read here.
    """
    t = schema.external_refs
    latest: dict[RefKey, ExternalRef] = {ref_key(r): r for r in refs}
    if not latest:
        return UpsertCounts()
    if stored is None:
        stored = get_refs(conn, list(latest))
    counts = UpsertCounts()
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, ref in latest.items():
        row = {
            "entity_kind": ref.entity_kind.value,
            "entity_id": ref.entity_id,
            "version": ref.version,
            "content_hash": ref.content_hash,
            "last_known": json.dumps(ref.last_known, sort_keys=True, default=str),
            "updated_at": ref.updated_at or now,
        }
        old = stored.get(key)
        if old is None:
            counts.inserted += 1
            inserts.append({"connection": key[0], "platform_type": key[1], "platform_id": key[2], **row})
        elif _fingerprint(old) != _fingerprint(ref):
            counts.updated += 1
            updates.append({"b_connection": key[0], "b_type": key[1], "b_id": key[2], **row})
        else:
            counts.unchanged += 1
    if inserts:
        conn.execute(sa.insert(t), inserts)
    _update_by_key(conn, updates)
    return counts


def update_last_known(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Replace the ``last_known`` of refs in one batched statement, without reading them.

    Each row holds ``key``, ``last_known`` and ``updated_at``. The caller built ``last_known``
    from the ref as read during its job, under the connection's lock (the planner's claims).
    """
    _update_by_key(
        conn,
        [
            {
                "b_connection": row["key"][0],
                "b_type": row["key"][1],
                "b_id": row["key"][2],
                "last_known": json.dumps(row["last_known"], sort_keys=True, default=str),
                "updated_at": row["updated_at"],
            }
            for row in rows
        ],
    )
    return len(rows)


def record_written(conn: Connection, written: Sequence[tuple[RefKey, Mapping[str, Any], str | None]]) -> int:
    """Record confirmed writes on their refs: the values written become what the platform shows
    (``last_known`` read) and what coisync wrote (``written``); a new version replaces the old.

    ``written`` holds (key, canonical values written, new version or None). One read and one
    batched update, without building refs; a key without a ref is skipped. Returns refs updated.
    """
    t = schema.external_refs
    wanted: dict[RefKey, tuple[dict[str, Any], str | None]] = {}
    for key, values, version in written:
        before, kept = wanted.get(key, ({}, None))
        wanted[key] = ({**before, **values}, version or kept)
    if not wanted:
        return 0
    now = utcnow()
    updates: list[dict[str, Any]] = []
    everything = list(wanted)
    for start in range(0, len(everything), 1000):
        keys = everything[start : start + 1000]
        columns = (t.c.connection, t.c.platform_type, t.c.platform_id, t.c.last_known, t.c.version)
        for row in conn.execute(sa.select(*columns).where(_key_match(keys))):
            values, version = wanted[(row.connection, row.platform_type, row.platform_id)]
            known = json.loads(row.last_known)
            known["read"] = {**known.get("read", {}), **values}
            known["written"] = {**known.get("written", {}), **values}
            updates.append(
                {
                    "b_connection": row.connection,
                    "b_type": row.platform_type,
                    "b_id": row.platform_id,
                    "last_known": json.dumps(known, sort_keys=True, default=str),
                    "version": version or row.version,
                    "updated_at": now,
                }
            )
    _update_by_key(conn, updates)
    return len(updates)


def get_ref(conn: Connection, key: RefKey) -> ExternalRef | None:
    """One ref, or None."""
    row = conn.execute(sa.select(schema.external_refs).where(_key_match([key]))).one_or_none()
    return None if row is None else _to_ref(row)


def stored_hashes(
    conn: Connection, connection: str, platform_type: str, ids: Sequence[str], chunk_size: int = 1000
) -> dict[str, str | None]:
    """The stored content hash of each existing ref among ``ids`` of one record type.

    The pull's unchanged-record check: reads two short columns, builds no ref.
    """
    t = schema.external_refs
    found: dict[str, str | None] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), chunk_size):
        query = sa.select(t.c.platform_id, t.c.content_hash).where(
            t.c.connection == connection,
            t.c.platform_type == platform_type,
            t.c.platform_id.in_(unique[start : start + chunk_size]),
        )
        found.update(conn.execute(query).tuples().all())
    return found


def all_hashes(conn: Connection, connection: str, platform_type: str) -> dict[str, str | None]:
    """The stored content hash of every ref of one record type of a connection."""
    t = schema.external_refs
    query = sa.select(t.c.platform_id, t.c.content_hash).where(
        t.c.connection == connection, t.c.platform_type == platform_type
    )
    return dict(conn.execute(query).tuples().all())


def get_refs(conn: Connection, keys: Sequence[RefKey], chunk_size: int = 1000) -> dict[RefKey, ExternalRef]:
    """The refs that exist among ``keys``, fetched in chunks (one query per chunk)."""
    found: dict[RefKey, ExternalRef] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), chunk_size):
        rows = conn.execute(
            sa.select(schema.external_refs).where(_key_match(unique[start : start + chunk_size]))
        )
        for row in rows:
            ref = _to_ref(row)
            found[ref_key(ref)] = ref
    return found


def iter_connection_refs(
    conn: Connection, connection: str, chunk_size: int = 1000, where: sa.ColumnElement[bool] | None = None
) -> Iterator[ExternalRef]:
    """Every ref of one connection (only those matching ``where`` when given), in key order,
    streamed in chunks."""
    t = schema.external_refs
    after: RefKey | None = None
    while True:
        query = sa.select(t).where(t.c.connection == connection)
        if where is not None:
            query = query.where(where)
        if after is not None:
            query = query.where(
                sa.tuple_(t.c.platform_type, t.c.platform_id)
                > sa.tuple_(sa.literal(after[1]), sa.literal(after[2]))
            )
        rows = conn.execute(query.order_by(t.c.platform_type, t.c.platform_id).limit(chunk_size)).all()
        if not rows:
            return
        for row in rows:
            yield _to_ref(row)
        last = rows[-1]
        after = (last.connection, last.platform_type, last.platform_id)


def refs_for_entity(conn: Connection, kind: str, entity_id: str) -> list[ExternalRef]:
    """Every ref attached to one canonical entity."""
    t = schema.external_refs
    rows = conn.execute(
        sa.select(t)
        .where(t.c.entity_kind == kind, t.c.entity_id == entity_id)
        .order_by(t.c.connection, t.c.platform_type, t.c.platform_id)
    )
    return [_to_ref(row) for row in rows]


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
            .where(_key_match([m[0] for m in moved]))
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
            .where(_key_match([key]))
            .values(entity_kind=item.from_kind, entity_id=item.from_id, updated_at=utcnow())
        )
        moved.append((key, (item.to_kind, item.to_id), (item.from_kind, item.from_id)))
    conn.execute(
        sa.update(schema.ref_changes)
        .where(schema.ref_changes.c.id == change_id)
        .values(undone_at=utcnow(), undone_by=actor)
    )
    return RefChange(change_id, "undo", tuple(moved))
