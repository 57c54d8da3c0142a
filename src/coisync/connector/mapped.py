"""Identify a raw record, so a record that cannot be identified is quarantined, not fatal.

:func:`identified_record` is what most streams do per raw record: :func:`platform_record` finds
its id and cursor value through the mapping, and an optional id pattern rejects ids the platform
never issues (a corrupted record); otherwise the record becomes a
:class:`~coisync.connector.records.Quarantined` naming why while its siblings continue.

Streams do not map records forward: the pull maps each record once, only when its content
changed since the last read, and quarantines one whose fields do not coerce with the reason
(so an unchanged record costs a hash and nothing more).
"""

from __future__ import annotations

import re
from typing import Any

from coisync.connector.records import PlatformRecord, Quarantined
from coisync.connector.stream import Stream, platform_record
from coisync.mapping.engine import RecordMapping

NUMERIC_ID = re.compile(r"^[0-9]+$")
"""Ids of platforms that number their records (Procore, Buildium)."""


def identified_record(
    stream: Stream | str,
    raw: Any,
    mapping: RecordMapping,
    *,
    id_pattern: re.Pattern[str] | None = None,
    cursor_path: str | None = None,
) -> PlatformRecord | Quarantined:
    """The record, or a :class:`Quarantined` when it cannot be identified.

    Args:
        stream: The stream (or its name).
        raw: The raw record (anything the platform sent; a non-object is quarantined).
        mapping: The mapping of its record type (id, updated-at and version paths).
        id_pattern: When given, the platform id must match it in full.
        cursor_path: Path of the cursor value when it is not the mapping's ``updated_at``.
    """
    item = platform_record(stream, raw, mapping, cursor_path=cursor_path)
    if isinstance(item, Quarantined):
        return item
    if id_pattern is not None and not id_pattern.fullmatch(item.platform_id):
        return Quarantined(
            stream=item.stream,
            raw=item.raw,
            reason=f"id {item.platform_id!r} is not an id this platform issues",
            platform_type=item.platform_type,
            platform_id=item.platform_id,
        )
    return item


__all__ = ["NUMERIC_ID", "identified_record"]
