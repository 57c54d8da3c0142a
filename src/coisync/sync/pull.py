"""The pull step: platform streams into the canonical store, one transaction per batch.

Each batch's entities, refs, quarantine rows, changed-party marks and the stream's cursor are
committed together, so the cursor is never ahead of the data it covers and a crash at any point
re-reads at most one batch (which the content-hash checks then absorb).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from coisync.connector import Connector, Cursor, PlatformRecord, Quarantined, RecordBatch, Stream
from coisync.errors import StoreError
from coisync.model import CanonicalModel
from coisync.readahead import read_ahead
from coisync.store import RECORD_TABLES, Store, schema
from coisync.store.queries import load
from coisync.store.refs import RefKey, get_refs, upsert_refs
from coisync.store.review import mark_parties_changed
from coisync.store.upsert import record_id
from coisync.sync import crashpoints
from coisync.sync.assemble import Assembler, related_keys
from coisync.sync.fingerprints import (
    StoredFingerprints,
    fingerprint,
    mapping_fingerprint,
    stored_fingerprints,
)
from coisync.sync.tables import quarantine
from coisync.sync.values import dumps

log = logging.getLogger("coisync.sync")

ENTITY_RECORD_TYPE = {"party": "party", "property": "property", "agreement": "agreement"}


@dataclass
class StreamResult:
    """What one stream's pull did."""

    connection: str
    stream: str
    read: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0
    batches: int = 0


def saved_cursor(store: Store, connection: str, stream: Stream, *, full: bool) -> Cursor:
    """The cursor to read from: the saved one, or the beginning on ``--full`` or a first run.

    Raises:
        StoreError: The saved cursor cannot be read (corrupt or from another version).
    """
    if full:
        return stream.initial_cursor()
    try:
        state = store.get_sync_state(connection, stream.name)
        if state is None:
            return stream.initial_cursor()
        return stream.cursor_from_state(json.dumps(state.cursor))
    except (ValidationError, ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
        raise StoreError(
            f"the saved cursor of {connection}/{stream.name} cannot be read ({type(exc).__name__}); "
            f"nothing was written. Read the stream again from the start with "
            f"`coisync sync --connection {connection} --full`"
        ) from None


def _current_models(conn: Connection, record_type: str, ids: Iterable[str]) -> dict[str, CanonicalModel]:
    spec = RECORD_TABLES[record_type]
    wanted = list(set(ids))
    if not wanted or spec.versioned:
        return {}
    rows = conn.execute(sa.select(spec.table.c.id, spec.table.c.body).where(spec.table.c.id.in_(wanted)))
    return {row.id: load(spec.model, row.body) for row in rows}


def _quarantine(conn: Connection, connection: str, items: Sequence[Quarantined], run_id: str) -> None:
    now = datetime.now(tz=UTC)
    for item in items:
        raw = dumps(item.raw) if not isinstance(item.raw, str) else item.raw
        key = f"{item.platform_type}:{item.platform_id}" if item.platform_id else f"raw:{hash_text(raw)}"
        values = {
            "connection": connection,
            "stream": item.stream,
            "record_key": key[:300],
            "platform_type": item.platform_type,
            "platform_id": item.platform_id,
            "reason": item.reason,
            "raw": raw,
            "run_id": run_id,
            "first_seen_at": now,
            "last_seen_at": now,
            "resolved_at": None,
        }
        insert = (
            postgresql.insert(quarantine) if conn.dialect.name == "postgresql" else sqlite.insert(quarantine)
        )
        conn.execute(
            insert.values(**values).on_conflict_do_update(
                index_elements=[quarantine.c.connection, quarantine.c.stream, quarantine.c.record_key],
                set_={
                    "reason": item.reason,
                    "raw": raw,
                    "run_id": run_id,
                    "last_seen_at": now,
                    "resolved_at": None,
                },
            )
        )


def _resolve_quarantine(
    conn: Connection, connection: str, stream: str, records: Sequence[PlatformRecord]
) -> None:
    keys = [f"{r.platform_type}:{r.platform_id}" for r in records]
    if keys:
        conn.execute(
            quarantine.update()
            .where(
                quarantine.c.connection == connection,
                quarantine.c.stream == stream,
                quarantine.c.record_key.in_(keys),
                quarantine.c.resolved_at.is_(None),
            )
            .values(resolved_at=datetime.now(tz=UTC))
        )


def _parties_at(conn: Connection, property_ids: Sequence[str]) -> set[str]:
    """Parties whose verdict depends on these properties (holder and additional-insured names,
    templates): those with an agreement there, and those listing the property."""
    a, p = schema.agreements, schema.parties
    found: set[str] = set()
    for start in range(0, len(property_ids), 500):
        chunk = list(property_ids[start : start + 500])
        found.update(conn.execute(sa.select(a.c.party_id).where(a.c.property_id.in_(chunk))).scalars())
    if len(property_ids) <= 20:
        for property_id in property_ids:
            found.update(
                conn.execute(sa.select(p.c.id).where(p.c.body.contains(f'"{property_id}"'))).scalars()
            )
    else:  # many changed properties: one pass over the parties instead of a scan per property
        listed = re.compile("|".join(re.escape(f'"{pid}"') for pid in property_ids))
        found.update(row.id for row in conn.execute(sa.select(p.c.id, p.c.body)) if listed.search(row.body))
    return found


def ref_defaults(connector: Connector) -> dict[str, str]:
    """The record type a plain ``party_ref`` / ``property_ref`` means: the connector's only one."""
    defaults: dict[str, str] = {}
    for target, entity in (("party_ref", "party"), ("property_ref", "property")):
        types = {s.platform_type for s in connector.streams() if s.entity == entity}
        if len(types) == 1:
            defaults[target] = types.pop()
    return defaults


def hash_text(text: str) -> str:
    """A short digest of a text (quarantine keys for records without an id)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def write_batch(
    store: Store,
    connector: Connector,
    stream: Stream,
    records: Sequence[PlatformRecord],
    quarantined: Sequence[Quarantined],
    cursor: Cursor | None,
    run_id: str,
) -> tuple[int, int, int]:
    """Map, assemble and commit one batch with its cursor; returns (changed, unchanged, quarantined).

    A record is unchanged when its ref holds the same fingerprint: the raw record's content
    hash bound to the mapping's, so editing a mapping re-maps every record once. ``cursor``
    None stores the records without moving the stream's cursor (quarantine retry).
    """
    name = connector.config.name
    mapping = connector.mapping.record(stream.platform_type)
    assembler = Assembler(name, ref_defaults(connector))
    salt = mapping_fingerprint(connector, stream.platform_type)
    records = [replace(r, content_hash=fingerprint(r.content_hash, salt)) for r in records]
    with store.transaction() as conn:
        crashpoints.watch_statements(conn, "pull.statement")
        # Unchanged records are recognised by their stored fingerprint alone, before any work.
        hashes = stored_fingerprints(conn, name, records)
        pending = [r for r in records if hashes.get((r.platform_type, r.platform_id)) != r.content_hash]
        related: list[RefKey] = [(name, r.platform_type, r.platform_id) for r in pending]
        mapped_records = {}
        for record in pending:
            mapped = mapping.forward(record.raw)
            mapped_records[(name, record.platform_type, record.platform_id)] = mapped
            related.extend(related_keys(name, mapped.values, assembler.ref_defaults))
        known = get_refs(conn, related)
        record_type = ENTITY_RECORD_TYPE.get(stream.entity)
        existing: Mapping[str, CanonicalModel] = {}
        if record_type:
            ids = [assembler.entity_id((name, r.platform_type, r.platform_id), known) for r in pending]
            existing = _current_models(conn, record_type, ids)
        batch = assembler.assemble(
            pending, mapping, stream.entity, known, existing, force=True, mapped_records=mapped_records
        )
        batch.unchanged += len(records) - len(pending)
        for rtype, models in batch.models.items():
            store.upsert(rtype, models, conn=conn)
        upsert_refs(conn, batch.refs, stored=known)
        all_quarantined = [*quarantined, *batch.quarantined]
        _quarantine(conn, name, all_quarantined, run_id)
        bad = {(q.platform_type, q.platform_id) for q in batch.quarantined}
        _resolve_quarantine(
            conn, name, stream.name, [r for r in pending if (r.platform_type, r.platform_id) not in bad]
        )
        changed_parties = set(batch.changed_parties)
        moved = [m for m in batch.models.get("property", ()) if existing.get(record_id(m)) != m]
        if moved:
            changed_parties |= _parties_at(conn, [record_id(m) for m in moved])
        mark_parties_changed(conn, changed_parties, f"{name}/{stream.name}")
        crashpoints.hit("pull.before_commit")
        if cursor is not None:
            store.set_sync_state(name, stream.name, cursor.model_dump(mode="json"), run_id, conn=conn)
    crashpoints.hit("pull.batch")
    changed = sum(len(m) for m in batch.models.values())
    return changed, batch.unchanged, len(all_quarantined)


def split_batches(batches: Iterable[RecordBatch], start: Cursor, size: int | None) -> Iterator[RecordBatch]:
    """The stream's batches in parts of at most ``size`` records (as they are when ``size`` is None).

    Only the last part of a batch carries its cursor; the others carry the cursor that was
    safe before the batch, so a crash between parts re-reads rather than skips.
    """
    safe = start
    for batch in batches:
        items: list[PlatformRecord | Quarantined] = [*batch.quarantined, *batch.records]
        if size is None or len(items) <= size:
            yield batch
        else:
            for begin in range(0, len(items), size):
                part = items[begin : begin + size]
                last = begin + size >= len(items)
                yield RecordBatch(
                    stream=batch.stream,
                    records=tuple(r for r in part if isinstance(r, PlatformRecord)),
                    quarantined=tuple(q for q in part if isinstance(q, Quarantined)),
                    cursor=batch.cursor if last else safe,
                )
        safe = batch.cursor


def pull_stream(
    store: Store,
    connector: Connector,
    stream: Stream,
    run_id: str,
    *,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
    max_batch: int | None = None,
    read_ahead_depth: int = 0,
) -> StreamResult:
    """Read one stream from its saved cursor into the store.

    ``max_batch`` caps the records committed per transaction: a larger batch of the stream is
    committed in parts, every part but the last with the cursor already saved before it.
    ``read_ahead_depth`` batches are read ahead by a thread while the previous one is stored
    (:mod:`coisync.readahead`).
    """
    name = connector.config.name
    result = StreamResult(connection=name, stream=stream.name)
    cursor = saved_cursor(store, name, stream, full=full)
    batches = read_ahead(stream.read(cursor), read_ahead_depth, f"{name}-{stream.name}")
    unsaved: Cursor | None = None  # the cursor after batches that changed nothing, saved at the end
    known = StoredFingerprints(store, connector)
    for batch in split_batches(batches, cursor, max_batch):
        if not batch.quarantined and known.unchanged(batch.records):
            # Nothing to write: no transaction, no commit; its cursor rides along to the next one.
            unsaved = batch.cursor
            result.read += len(batch)
            result.unchanged += len(batch.records)
            result.batches += 1
            crashpoints.hit("pull.batch")
            if progress:
                progress(len(batch))
            continue
        unsaved = None
        changed, unchanged, quarantined = write_batch(
            store, connector, stream, batch.records, batch.quarantined, batch.cursor, run_id
        )
        known.refresh(batch.records)
        result.read += len(batch)
        result.changed += changed
        result.unchanged += unchanged
        result.quarantined += quarantined
        result.batches += 1
        if progress:
            progress(len(batch))
    if unsaved is not None:
        store.set_sync_state(name, stream.name, unsaved.model_dump(mode="json"), run_id)
    if result.batches == 0:
        # An empty stream still records that it was read (a non-null state for the next run).
        store.set_sync_state(name, stream.name, cursor.model_dump(mode="json"), run_id)
    log.info(
        "pulled %s/%s: %d read, %d changed, %d quarantined",
        name,
        stream.name,
        result.read,
        result.changed,
        result.quarantined,
    )
    return result
