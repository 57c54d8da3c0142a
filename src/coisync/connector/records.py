"""What streams yield: platform records, quarantined records, and batches with a safe cursor."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from coisync.connector.cursor import Cursor


def content_hash(raw: Mapping[str, Any]) -> str:
    """SHA-256 of a raw record's JSON with sorted keys: equal content, equal hash.

    The JSON is orjson's (compact, UTF-8; a value JSON cannot hold is written as its ``str``),
    several times faster than the standard encoder on the path every record of every read
    takes. A key that is not a string, or an integer past 64 bits, falls back to the standard
    encoder.
    """
    try:
        data = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:
        text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        data = text.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, kw_only=True)
class PlatformRecord:
    """One record as the platform sent it (XML already converted to a dict).

    Attributes:
        stream: The stream that read it.
        platform_type: The platform's record type; the key of its mapping (``records.<type>``).
        platform_id: The platform's id for it, as text.
        raw: The record.
        version: Version or ETag, when the platform has one.
        updated_at: Last modification time, when known.
        cursor_value: The record's value of the stream's cursor field, as the platform spells it.
    """

    stream: str
    platform_type: str
    platform_id: str
    raw: dict[str, Any]
    version: str | None = None
    updated_at: datetime | None = None
    cursor_value: str | None = None
    content_hash: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.platform_id:
            raise ValueError("a platform record needs a platform_id")
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.raw))

    def with_content_hash(self, content_hash: str) -> PlatformRecord:
        """The same record with another content hash (a fingerprint), made without
        :func:`dataclasses.replace`'s generic copy: it is made for every record a pull maps."""
        return PlatformRecord(
            stream=self.stream,
            platform_type=self.platform_type,
            platform_id=self.platform_id,
            raw=self.raw,
            version=self.version,
            updated_at=self.updated_at,
            cursor_value=self.cursor_value,
            content_hash=content_hash,
        )

    @property
    def key(self) -> str:
        """``platform_type:platform_id:content_hash``, the identity used to drop re-read duplicates."""
        return f"{self.platform_type}:{self.platform_id}:{self.content_hash}"


@dataclass(frozen=True, kw_only=True)
class Quarantined:
    """A record that could not be used, kept with the reason while its siblings continue.

    Attributes:
        stream: The stream that read it.
        raw: The record as received (or as much of it as could be read).
        reason: Why it was set aside, in words (never a secret).
        platform_type: Its record type, when known.
        platform_id: Its id, when known.
    """

    stream: str
    raw: Any
    reason: str
    platform_type: str | None = None
    platform_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordBatch:
    """Records read together, and the cursor that is safe to save once they are stored.

    ``cursor`` is never ahead of what this and earlier batches contain: saving it and then
    crashing loses nothing.

    Attributes:
        stream: The stream's name.
        records: The usable records.
        quarantined: Records set aside, with reasons.
        cursor: The cursor to save after storing this batch.
    """

    stream: str
    records: tuple[PlatformRecord, ...]
    cursor: Cursor
    quarantined: tuple[Quarantined, ...] = ()

    def __len__(self) -> int:
        return len(self.records) + len(self.quarantined)


__all__ = ["PlatformRecord", "Quarantined", "RecordBatch", "content_hash"]
