"""The pull step: platform streams into the canonical store, one transaction per batch.

Each batch's entities, refs, quarantine rows, changed-party marks and the stream's cursor are
committed together, so the cursor is never ahead of the data it covers and a crash at any point
re-reads at most one batch (which the content-hash checks then absorb).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from coisync.connector import Connector, Cursor, PlatformRecord, Quarantined, RecordBatch, Stream
from coisync.errors import StoreError
from coisync.readahead import read_ahead
from coisync.store import RECORD_TABLES, Store
from coisync.store.engine import read_connection
from coisync.store.refs import RefKey, apply_ref_writes
from coisync.store.review import mark_parties_changed
from coisync.store.upsert import upsert_encoded
from coisync.sync import crashpoints, workers
from coisync.sync.fingerprints import StoredFingerprints
from coisync.sync.pull_batch import Prepared, parties_at, prepare_batch, still_valid, with_fingerprints
from coisync.sync.tables import quarantine
from coisync.sync.values import dumps

log = logging.getLogger("coisync.sync")


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


def _resolve_quarantine(conn: Connection, connection: str, stream: str, refs: Sequence[RefKey]) -> None:
    keys = [f"{platform_type}:{platform_id}" for _, platform_type, platform_id in refs]
    open_rows = sa.select(quarantine.c.record_key).where(
        quarantine.c.connection == connection,
        quarantine.c.stream == stream,
        quarantine.c.resolved_at.is_(None),
    )
    if keys and conn.execute(open_rows.limit(1)).first() is not None:
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
    prepared: Prepared | None = None,
) -> tuple[int, int, int]:
    """Map, assemble and commit one batch with its cursor; returns (changed, unchanged, quarantined).

    ``prepared`` is the batch as a worker prepared it from the committed store: it is applied
    when nothing it read has changed since, otherwise the batch is prepared again here. ``cursor``
    None stores the records without moving the stream's cursor (quarantine retry).
    """
    name = connector.config.name
    with store.transaction() as conn:
        crashpoints.watch_statements(conn, "pull.statement")
        if prepared is None or not still_valid(conn, prepared):
            prepared = prepare_batch(conn, connector, stream, with_fingerprints(connector, stream, records))
        for rtype, encoded in prepared.models.items():
            upsert_encoded(conn, RECORD_TABLES[rtype], encoded)
        if prepared.refs is not None:
            apply_ref_writes(conn, prepared.refs)
        all_quarantined = [*quarantined, *prepared.quarantined]
        _quarantine(conn, name, all_quarantined, run_id)
        bad = {(name, q.platform_type, q.platform_id) for q in prepared.quarantined}
        _resolve_quarantine(conn, name, stream.name, [key for key in prepared.pending if key not in bad])
        changed_parties = set(prepared.changed_parties)
        if prepared.moved_properties:
            changed_parties |= parties_at(conn, prepared.moved_properties)
        mark_parties_changed(conn, changed_parties, f"{name}/{stream.name}")
        crashpoints.hit("pull.before_commit")
        if cursor is not None:
            store.set_sync_state(name, stream.name, cursor.model_dump(mode="json"), run_id, conn=conn)
    crashpoints.hit("pull.batch")
    return prepared.changed, prepared.unchanged, len(all_quarantined)


def _prepare_in_worker(job: tuple[str, list[PlatformRecord]]) -> Prepared:
    """:func:`prepare_batch` inside a worker process, from the committed store."""
    stream_name, records = job
    connector: Connector = workers.state()["connector"]
    stream = connector.stream(stream_name)
    with read_connection(workers.engine()) as conn:
        return prepare_batch(conn, connector, stream, with_fingerprints(connector, stream, records))


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
    processes: int = 1,
) -> StreamResult:
    """Read one stream from its saved cursor into the store.

    ``max_batch`` caps the records committed per transaction: a larger batch of the stream is
    committed in parts, every part but the last with the cursor already saved before it.
    ``read_ahead_depth`` batches are read ahead by a thread while the previous one is stored
    (:mod:`coisync.readahead`), unless the stream reads its pages ahead itself. With ``processes`` above 1, once a stream has more than one
    batch to write, batches are prepared ahead in worker processes (:mod:`coisync.sync.pull_batch`).
    """
    name = connector.config.name
    result = StreamResult(connection=name, stream=stream.name)
    cursor = saved_cursor(store, name, stream, full=full)
    depth = 0 if stream.reads_ahead else read_ahead_depth
    batches = read_ahead(stream.read(cursor), depth, f"{name}-{stream.name}")
    ahead = _Ahead(store, connector, stream, run_id, result, progress, processes)
    try:
        for batch in split_batches(batches, cursor, max_batch):
            ahead.add(batch)
        ahead.finish()
    finally:
        ahead.close()
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


class _Ahead:
    """A stream's batches stored in order, prepared ahead in worker processes when many need writing.

    A batch whose every record holds its stored fingerprint writes nothing (no transaction, no
    commit); its cursor rides along to the next batch written, or is saved at the end. With
    batches prepared ahead, that check is made again when the batch's turn comes, after the
    batches before it were written.
    """

    def __init__(
        self,
        store: Store,
        connector: Connector,
        stream: Stream,
        run_id: str,
        result: StreamResult,
        progress: Callable[[int], None] | None,
        processes: int,
    ) -> None:
        self.store, self.connector, self.stream, self.run_id = store, connector, stream, run_id
        self.result, self.progress, self.processes = result, progress, processes
        self.known = StoredFingerprints(store, connector)
        self.waiting: deque[tuple[RecordBatch, bool, Future[Prepared] | None]] = deque()
        self.unsaved: Cursor | None = None
        self.to_write = 0
        self.executor: Executor | None = None
        self.stack = ExitStack()

    def add(self, batch: RecordBatch) -> None:
        """Take the stream's next batch."""
        skip = not batch.quarantined and self.known.unchanged(batch.records)
        future = None
        if not skip:
            self.to_write += 1
            if self.to_write == 2 and self.processes > 1:
                inputs = {"connector": self.connector}
                self.executor = self.stack.enter_context(
                    workers.pool(self.store.url, self.processes, 2, inputs)
                )
            if self.executor is not None:
                job = (self.stream.name, list(batch.records))
                future = self.executor.submit(_prepare_in_worker, job)
        self.waiting.append((batch, skip, future))
        while len(self.waiting) > (2 * self.processes if self.executor is not None else 0):
            self._store_next()

    def finish(self) -> None:
        """Store every batch still waiting, then the cursor of trailing unchanged batches."""
        while self.waiting:
            self._store_next()
        if self.unsaved is not None:
            name = self.connector.config.name
            self.store.set_sync_state(
                name, self.stream.name, self.unsaved.model_dump(mode="json"), self.run_id
            )

    def close(self) -> None:
        """Stop the worker processes (waiting for none of their work)."""
        for _, _, future in self.waiting:
            if future is not None:
                future.cancel()
        self.stack.close()

    def _store_next(self) -> None:
        batch, skip, future = self.waiting.popleft()
        result = self.result
        if skip and (self.executor is None or self.known.unchanged(batch.records)):
            self.unsaved = batch.cursor
            result.read += len(batch)
            result.unchanged += len(batch.records)
            result.batches += 1
            crashpoints.hit("pull.batch")
            if self.progress:
                self.progress(len(batch))
            return
        self.unsaved = None
        prepared = future.result() if future is not None else None
        changed, unchanged, quarantined = write_batch(
            self.store,
            self.connector,
            self.stream,
            batch.records,
            batch.quarantined,
            batch.cursor,
            self.run_id,
            prepared,
        )
        self.known.forget(batch.records)
        result.read += len(batch)
        result.changed += changed
        result.unchanged += unchanged
        result.quarantined += quarantined
        result.batches += 1
        if self.progress:
            self.progress(len(batch))
