"""Streams: what a connector reads, one record type each, incrementally where the platform allows.

A stream declares its name, the canonical entity its records describe, the platform record type
(the key of its mapping), its cursor field and how that cursor behaves (see
:mod:`coisync.connector.cursor`). ``read(cursor)`` yields :class:`RecordBatch` objects;
:func:`batch_records` does the bookkeeping every stream needs (drop re-read ties, quarantine
what cannot be identified, compute the cursor that is safe after each batch), so a stream's own
code is only "fetch pages, hand over the raw records".
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from coisync.connector.cursor import Bound, Cursor, cursor_key
from coisync.connector.records import PlatformRecord, Quarantined, RecordBatch
from coisync.mapping.engine import RecordMapping
from coisync.mapping.errors import CoercionError
from coisync.mapping.parsing import parse_datetime
from coisync.mapping.paths import MISSING, parse_path

log = logging.getLogger("coisync.connector")

DEFAULT_BATCH_SIZE = 1000


class Stream(ABC):
    """One readable collection of a platform. Subclasses set the class attributes and ``read``.

    Attributes:
        name: Stream name, unique within the connector (saved with the cursor).
        entity: Canonical entity kind its records describe (one of
            :data:`coisync.mapping.spec.MAPPED_ENTITY_KINDS`, e.g. ``EntityKind.PARTY`` or ``"policy"``).
        platform_type: The platform record type, which is also the mapping's ``records.<type>``.
        cursor_field: Platform field to read incrementally by; ``None`` for full refresh.
        sorted: The platform returns records in cursor order.
        bound: ``closed`` (``>=``, ties de-duplicated) or ``open`` (``>``).
        lag: Seconds to re-read behind the cursor.
        batch_size: Records per batch.
        reads_ahead: ``read`` fetches its next page while the current one is handled (see
            ``HttpSession.paginate(read_ahead=...)``); the pull then reads no batches ahead on
            top, as a second thread would only contend for the GIL.
    """

    name: ClassVar[str]
    entity: ClassVar[str]
    platform_type: ClassVar[str]
    cursor_field: ClassVar[str | None] = None
    sorted: ClassVar[bool] = False
    bound: ClassVar[Bound] = "closed"
    lag: ClassVar[float] = 0.0
    batch_size: ClassVar[int] = DEFAULT_BATCH_SIZE
    reads_ahead: ClassVar[bool] = False

    def initial_cursor(self) -> Cursor:
        """The cursor of a first read: from the beginning."""
        return Cursor(field=self.cursor_field, bound=self.bound, lag=self.lag, sorted=self.sorted)

    def cursor_from_state(self, saved: str | None) -> Cursor:
        """The saved cursor, or the initial one when none is saved or the cursor field changed."""
        if not saved:
            return self.initial_cursor()
        cursor = Cursor.from_json(saved)
        if cursor.field != self.cursor_field:
            log.warning(
                "stream %s: saved cursor is on %r but the stream now uses %r; reading from the beginning",
                self.name,
                cursor.field,
                self.cursor_field,
            )
            return self.initial_cursor()
        return cursor.model_copy(update={"bound": self.bound, "lag": self.lag, "sorted": self.sorted})

    @abstractmethod
    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        """Yield the records after ``cursor`` in batches, each with the cursor safe to save after it."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({self.platform_type} -> {self.entity})>"


def platform_record(
    stream: Stream | str,
    raw: Mapping[str, Any],
    mapping: RecordMapping,
    *,
    cursor_path: str | None = None,
) -> PlatformRecord | Quarantined:
    """A raw record identified through its mapping's ``id``/``updated_at``/``version`` paths.

    Args:
        stream: The stream (or its name).
        raw: The raw record.
        mapping: The mapping of its record type.
        cursor_path: Path of the cursor value when it is not the mapping's ``updated_at``.

    Returns:
        The record, or a :class:`Quarantined` naming what is missing.
    """
    name = stream if isinstance(stream, str) else stream.name
    if not isinstance(raw, Mapping):
        return Quarantined(
            stream=name, raw=raw, reason=f"not an object but {type(raw).__name__}", platform_type=mapping.name
        )
    platform_id = mapping.platform_id(raw)
    if not platform_id:
        where = str(mapping.id_path) if mapping.id_path else "(the mapping names no id path)"
        return Quarantined(
            stream=name, raw=dict(raw), reason=f"no platform id at {where}", platform_type=mapping.name
        )
    updated_text = mapping.updated_at(raw)
    try:
        updated = parse_datetime(updated_text)
    except CoercionError as exc:
        return Quarantined(
            stream=name,
            raw=dict(raw),
            reason=f"bad updated_at: {exc}",
            platform_type=mapping.name,
            platform_id=platform_id,
        )
    cursor_value = updated_text
    if cursor_path is not None:
        found = parse_path(cursor_path).get(raw)
        cursor_value = None if found is MISSING or found is None else str(found)
    return PlatformRecord(
        stream=name,
        platform_type=mapping.name,
        platform_id=platform_id,
        raw=dict(raw),
        version=mapping.version(raw),
        updated_at=updated,
        cursor_value=cursor_value,
    )


def batch_records(
    stream: str,
    items: Iterable[PlatformRecord | Quarantined],
    cursor: Cursor,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[RecordBatch]:
    """Group records into batches and attach the cursor that is safe after each.

    Records the cursor does not admit (before a closed bound, at or before an open one) and
    re-read ties (same value, key and content as recorded in ``cursor.seen``) are dropped. A
    sorted stream's cursor advances with each batch; an unsorted stream's only with the last.

    Args:
        stream: The stream's name.
        items: Records and quarantined records, in the platform's order.
        cursor: The cursor the read started from.
        batch_size: Records (usable plus quarantined) per batch.
    """
    if cursor.field is not None and not cursor.sorted:
        log.info(
            "stream %s is not sorted by %s: progress is not resumable if interrupted", stream, cursor.field
        )
    best_value, best_keys = cursor.value, list(cursor.seen)
    records: list[PlatformRecord] = []
    quarantined: list[Quarantined] = []
    skipped = 0

    def safe_cursor(final: bool) -> Cursor:
        if cursor.field is None or not (cursor.sorted or final):
            return cursor
        return cursor.advanced(best_value, tuple(best_keys))

    ready: RecordBatch | None = None  # a full batch, held until we know whether it is the last
    for item in items:
        if isinstance(item, Quarantined):
            quarantined.append(item)
        elif not cursor.admits(item.cursor_value) or cursor.is_duplicate(item.cursor_value, item.key):
            skipped += 1
            continue
        else:
            records.append(item)
            value = item.cursor_value
            if value is not None and cursor.field is not None:
                if best_value is None or cursor_key(value) > cursor_key(best_value):
                    best_value, best_keys = value, [item.key]
                elif value == best_value:
                    best_keys.append(item.key)
        if ready is not None:
            yield ready
            ready = None
        if len(records) + len(quarantined) >= batch_size:
            ready = RecordBatch(
                stream=stream,
                records=tuple(records),
                quarantined=tuple(quarantined),
                cursor=safe_cursor(False),
            )
            records, quarantined = [], []
    if skipped:
        log.debug("stream %s: %d records already handed over were skipped", stream, skipped)
    final = safe_cursor(True)
    if ready is not None:
        yield RecordBatch(stream=stream, records=ready.records, quarantined=ready.quarantined, cursor=final)
    elif records or quarantined or final != cursor:
        yield RecordBatch(stream=stream, records=tuple(records), quarantined=tuple(quarantined), cursor=final)


__all__ = ["DEFAULT_BATCH_SIZE", "Stream", "batch_records", "platform_record"]
