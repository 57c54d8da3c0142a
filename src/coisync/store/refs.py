"""External refs: which canonical entity a platform record belongs to, and what the platform
last showed and coisync last wrote there (``last_known``).

A ref is keyed by ``(connection, platform_type, platform_id)``. Identity decisions that re-point
refs (link, unlink, undo) are in :mod:`coisync.store.ref_changes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from coisync.jsontext import dumps_sorted, loads
from coisync.model import EntityKind, ExternalRef
from coisync.store import bulk, schema
from coisync.store.queries import as_utc
from coisync.store.upsert import UpsertCounts, utcnow

RefKey = tuple[str, str, str]
"""``(connection, platform_type, platform_id)``."""


def ref_key(ref: ExternalRef) -> RefKey:
    """The primary key of a ref."""
    return (ref.connection, ref.platform_type, ref.platform_id)


def _ids_by_type(keys: Iterable[RefKey]) -> dict[tuple[str, str], list[str]]:
    """The platform ids of ``keys`` per (connection, type): a batch's keys nearly always share
    them, so one ``platform_id IN (...)`` per group reads them instead of a comparison per key."""
    groups: dict[tuple[str, str], list[str]] = {}
    for connection, platform_type, platform_id in keys:
        groups.setdefault((connection, platform_type), []).append(platform_id)
    return groups


def key_match(keys: Sequence[RefKey]) -> sa.ColumnElement[bool]:
    """Rows with one of ``keys``: one ``platform_id IN (...)`` per (connection, type)."""
    t = schema.external_refs
    clauses = [
        sa.and_(t.c.connection == connection, t.c.platform_type == platform_type, t.c.platform_id.in_(ids))
        for (connection, platform_type), ids in _ids_by_type(keys).items()
    ]
    if not clauses:
        return sa.false()
    return clauses[0] if len(clauses) == 1 else sa.or_(*clauses)


def _rows_by_key(
    conn: Connection, keys: Sequence[RefKey], columns: tuple[str, ...], chunk_size: int = 1000
) -> Iterator[Row[Any]]:
    """``columns`` (the key's three among them) of the stored refs among ``keys``: per chunk of
    ``chunk_size`` keys, one query per (connection, type) among them (:func:`bulk.select_in`)."""
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), chunk_size):
        for (connection, platform_type), ids in _ids_by_type(unique[start : start + chunk_size]).items():
            equal = {"connection": connection, "platform_type": platform_type}
            yield from bulk.select_in(conn, schema.external_refs, columns, equal, "platform_id", ids)


def _key_of(row: Row[Any]) -> RefKey:
    return (row.connection, row.platform_type, row.platform_id)


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
        last_known=loads(row.last_known),
        updated_at=as_utc(row.updated_at),
    )


def _fingerprint(ref: ExternalRef) -> tuple[Any, ...]:
    return (
        ref.entity_kind.value,
        ref.entity_id,
        ref.version,
        ref.content_hash,
        dumps_sorted(ref.last_known),
    )


def _update_by_key(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Update refs in one batched statement; each row names its ref by ``b_connection``,
    ``b_type`` and ``b_id`` beside the columns it sets."""
    if not rows:
        return
    key = {"connection": "b_connection", "platform_type": "b_type", "platform_id": "b_id"}
    bulk.update_rows(conn, schema.external_refs, key, rows)


@dataclass
class RefWrites:
    """The inserts and updates an upsert of refs comes to (:func:`ref_writes`)."""

    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    counts: UpsertCounts


def ref_writes(refs: Sequence[ExternalRef], stored: Mapping[RefKey, ExternalRef]) -> RefWrites:
    """What upserting ``refs`` writes, given the refs ``stored`` now (a key absent does not exist);
    a ref whose target, version, hash and last-known are equal is left alone."""
    latest: dict[RefKey, ExternalRef] = {ref_key(r): r for r in refs}
    writes = RefWrites([], [], UpsertCounts())
    now = utcnow()
    for key, ref in latest.items():
        row = {
            "entity_kind": ref.entity_kind.value,
            "entity_id": ref.entity_id,
            "version": ref.version,
            "content_hash": ref.content_hash,
            "last_known": dumps_sorted(ref.last_known),
            "updated_at": ref.updated_at or now,
        }
        old = stored.get(key)
        if old is None:
            writes.counts.inserted += 1
            writes.inserts.append(
                {"connection": key[0], "platform_type": key[1], "platform_id": key[2], **row}
            )
        elif _fingerprint(old) != _fingerprint(ref):
            writes.counts.updated += 1
            writes.updates.append({"b_connection": key[0], "b_type": key[1], "b_id": key[2], **row})
        else:
            writes.counts.unchanged += 1
    return writes


def apply_ref_writes(conn: Connection, writes: RefWrites) -> UpsertCounts:
    """Execute :func:`ref_writes`' result: one batched insert, one batched update."""
    bulk.insert_rows(conn, schema.external_refs, writes.inserts)
    _update_by_key(conn, writes.updates)
    return writes.counts


def upsert_refs(
    conn: Connection, refs: Sequence[ExternalRef], stored: Mapping[RefKey, ExternalRef] | None = None
) -> UpsertCounts:
    """Insert or update refs; a ref whose target, version, hash and last-known are equal is left alone.

    ``stored`` holds what the caller already read of these refs in this transaction (a key
    absent from it does not exist); without it they are read here.
    """
    if not refs:
        return UpsertCounts()
    if stored is None:
        stored = get_refs(conn, [ref_key(r) for r in refs])
    return apply_ref_writes(conn, ref_writes(refs, stored))


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
                "last_known": dumps_sorted(row["last_known"]),
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
    wanted: dict[RefKey, tuple[dict[str, Any], str | None]] = {}
    for key, values, version in written:
        before, kept = wanted.get(key, ({}, None))
        wanted[key] = ({**before, **values}, version or kept)
    now = utcnow()
    updates: list[dict[str, Any]] = []
    columns = ("connection", "platform_type", "platform_id", "last_known", "version")
    for connection, platform_type, platform_id, last_known, stored_version in _rows_by_key(
        conn, list(wanted), columns
    ):
        values, version = wanted[(connection, platform_type, platform_id)]
        known = loads(last_known)
        known["read"] = {**known.get("read", {}), **values}
        known["written"] = {**known.get("written", {}), **values}
        updates.append(
            {
                "b_connection": connection,
                "b_type": platform_type,
                "b_id": platform_id,
                "last_known": dumps_sorted(known),
                "version": version or stored_version,
                "updated_at": now,
            }
        )
    _update_by_key(conn, updates)
    return len(updates)


def get_ref(conn: Connection, key: RefKey) -> ExternalRef | None:
    """One ref, or None."""
    row = conn.execute(sa.select(schema.external_refs).where(key_match([key]))).one_or_none()
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


RefState = tuple[str, str, str | None, str | None, str]
"""A stored ref as it reads: (entity kind, entity id, version, content hash, last-known text)."""


def ref_rows(conn: Connection, keys: Sequence[RefKey], chunk_size: int = 1000) -> dict[RefKey, Row[Any]]:
    """The stored rows of the refs that exist among ``keys`` (one query per chunk)."""
    columns = tuple(column.name for column in schema.external_refs.c)
    return {_key_of(row): row for row in _rows_by_key(conn, keys, columns, chunk_size)}


def ref_state(row: Row[Any]) -> RefState:
    """What a stored ref holds, for telling whether it changed since it was read."""
    return (row.entity_kind, row.entity_id, row.version, row.content_hash, row.last_known)


_STATE_COLUMNS = (
    "connection",
    "platform_type",
    "platform_id",
    "entity_kind",
    "entity_id",
    "version",
    "content_hash",
    "last_known",
)
"""The key and the columns :func:`ref_state` reads, in the order :func:`ref_states` unpacks them."""


def ref_states(conn: Connection, keys: Sequence[RefKey]) -> dict[RefKey, RefState]:
    """The state of the refs that exist among ``keys`` (reading only what a state is made of)."""
    return {
        (connection, platform_type, platform_id): (kind, entity, version, digest, known)
        for connection, platform_type, platform_id, kind, entity, version, digest, known in _rows_by_key(
            conn, keys, _STATE_COLUMNS
        )
    }


class RefView(NamedTuple):
    """What the planner reads of a stored ref (:func:`ref_views`): a plain tuple, made without
    building a model or reading the ref's timestamp; the attributes are an
    :class:`~coisync.model.ExternalRef`'s."""

    connection: str
    platform_type: str
    platform_id: str
    entity_kind: EntityKind
    entity_id: str
    version: str | None
    last_known: dict[str, Any]


_KINDS = {kind.value: kind for kind in EntityKind}
_VIEW_COLUMNS: tuple[str, ...] = RefView._fields  # the view's fields are the ref table's columns


def ref_views(conn: Connection, keys: Sequence[RefKey], chunk_size: int = 1000) -> dict[RefKey, RefView]:
    """The refs that exist among ``keys``, as :class:`RefView` (one query per chunk)."""
    views: dict[RefKey, RefView] = {}
    for connection, platform_type, platform_id, kind, entity_id, version, last_known in _rows_by_key(
        conn, keys, _VIEW_COLUMNS, chunk_size
    ):
        view = RefView(
            connection, platform_type, platform_id, _KINDS[kind], entity_id, version, loads(last_known)
        )
        views[(connection, platform_type, platform_id)] = view
    return views


def refs_from_rows(rows: Mapping[RefKey, Row[Any]]) -> dict[RefKey, ExternalRef]:
    """Refs built from their stored rows."""
    return {key: _to_ref(row) for key, row in rows.items()}


def get_refs(conn: Connection, keys: Sequence[RefKey], chunk_size: int = 1000) -> dict[RefKey, ExternalRef]:
    """The refs that exist among ``keys``, fetched in chunks (one query per chunk)."""
    return refs_from_rows(ref_rows(conn, keys, chunk_size))


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
