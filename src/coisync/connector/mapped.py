"""Identify a raw record and check that it maps, so a bad record is quarantined, not fatal.

:func:`mapped_record` is what most streams do per raw record: :func:`platform_record` finds its
id and cursor value, an optional id pattern rejects ids the platform never issues (a corrupted
record), and the forward mapping must succeed, otherwise the record becomes a
:class:`~coisync.connector.records.Quarantined` naming why while its siblings continue.
"""

from __future__ import annotations

import re
from typing import Any

from coisync.connector.records import PlatformRecord, Quarantined
from coisync.connector.stream import Stream, platform_record
from coisync.mapping.engine import RecordMapping

NUMERIC_ID = re.compile(r"^[0-9]+$")
"""Ids of platforms that number their records (Procore, Buildium)."""


def mapped_record(
    stream: Stream | str,
    raw: Any,
    mapping: RecordMapping,
    *,
    id_pattern: re.Pattern[str] | None = None,
    cursor_path: str | None = None,
) -> PlatformRecord | Quarantined:
    """The record, or a :class:`Quarantined` when it cannot be identified or mapped.

    Args:
        stream: The stream (or its name).
        raw: The raw record (anything the platform sent; a non-object is quarantined).
        mapping: The mapping of its record type.
        id_pattern: When given, the platform id must match it in full.
        cursor_path: Path of the cursor value when it is not the mapping's ``updated_at``.
    """
    item = platform_record(stream, raw, mapping, cursor_path=cursor_path)
    if isinstance(item, Quarantined):
        return item
    if id_pattern is not None and not id_pattern.fullmatch(item.platform_id):
        return _quarantine(item, f"id {item.platform_id!r} is not an id this platform issues")
    result = mapping.forward(item.raw)
    if not result.ok:
        return _quarantine(item, result.reason)
    return item


def _quarantine(item: PlatformRecord, reason: str) -> Quarantined:
    return Quarantined(
        stream=item.stream,
        raw=item.raw,
        reason=reason,
        platform_type=item.platform_type,
        platform_id=item.platform_id,
    )


__all__ = ["NUMERIC_ID", "mapped_record"]
