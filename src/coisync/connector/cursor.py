"""Incremental sync state: an explicit cursor value object, saved as JSON in the store.

Semantics (stated once, relied on by every stream and by the sync engine):

* ``field`` is the platform field the stream filters and orders on (e.g. ``updated_at``);
  ``None`` means the stream is read in full every time.
* ``value`` is the last value that is *safe*: every record up to it has been handed over.
  ``None`` means "from the beginning".
* ``bound`` is how the next read asks the platform: ``closed`` asks ``field >= value``
  (records sharing the last value are read again and dropped by :meth:`Cursor.is_duplicate`,
  which compares primary key + content hash with ``seen``); ``open`` asks ``field > value``
  (only for platforms whose cursor values never repeat).
* ``lag`` (seconds) is subtracted from a timestamp ``value`` when asking, to catch records
  committed late with an older timestamp; they come through again and the store's
  content-hash upsert makes that harmless.
* ``sorted`` says whether the platform returns records in cursor order. Only then is
  progress saved batch by batch; an unsorted stream saves its cursor after the last batch,
  so an interrupted run starts over (progress is not resumable).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coisync.mapping.errors import CoercionError
from coisync.mapping.parsing import parse_datetime

Bound = Literal["closed", "open"]
CursorKey = tuple[int, datetime | Decimal | str]

MAX_SEEN_KEYS = 1_000
"""Keys kept for tie de-duplication. Past it, older ties may be handed over again, which the
store's content-hash upsert absorbs; a platform with more records per value needs an open bound."""


@lru_cache(maxsize=4096)
def cursor_key(value: str) -> CursorKey:
    """A sort key for cursor values: timestamps as datetimes, numbers as numbers, else text.

    Kept for recent values: a page's records share few cursor values, and each is compared
    with the best value so far as it passes."""
    try:
        moment = parse_datetime(value)
    except CoercionError:
        moment = None
    if moment is not None:
        return (0, moment)
    try:
        return (1, Decimal(value))
    except InvalidOperation:
        return (2, value)


class Cursor(BaseModel):
    """Where a stream's next incremental read starts (see the module docs for semantics).

    Attributes:
        field: Platform cursor field; ``None`` for full-refresh streams.
        value: Last safe value, as the platform spells it; ``None`` for "from the beginning".
        bound: ``closed`` (``>=``, ties de-duplicated) or ``open`` (``>``).
        lag: Seconds subtracted from a timestamp value when asking the platform.
        sorted: Records arrive in cursor order, so progress is saved per batch.
        seen: ``primary key:content hash`` of the records already handed over at exactly ``value``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str | None = None
    value: str | None = None
    bound: Bound = "closed"
    lag: float = Field(default=0.0, ge=0)
    sorted: bool = False
    seen: tuple[str, ...] = ()

    @property
    def resumable(self) -> bool:
        """True when an interrupted read can continue from the last saved batch."""
        return self.sorted

    def request_value(self) -> str | None:
        """The value to send to the platform: ``value`` minus ``lag`` when it is a timestamp."""
        if self.value is None or not self.lag:
            return self.value
        try:
            moment = parse_datetime(self.value)
        except CoercionError:
            return self.value
        assert moment is not None
        return (moment - timedelta(seconds=self.lag)).isoformat()

    def admits(self, value: str | None) -> bool:
        """True when a record with this cursor value belongs to the next read."""
        if self.value is None or value is None or self.lag:
            return True  # with a lag, older records are asked for on purpose (late commits)
        ours, theirs = cursor_key(self.value), cursor_key(value)
        if ours[0] != theirs[0]:
            return True  # incomparable spellings: let the record through, the store de-duplicates
        return bool(theirs >= ours) if self.bound == "closed" else bool(theirs > ours)

    def is_duplicate(self, value: str | None, record_key: str) -> bool:
        """True for a record at exactly ``value`` that was handed over before (same key and content)."""
        return value is not None and value == self.value and record_key in self.seen

    def advanced(self, value: str | None, keys: tuple[str, ...]) -> Cursor:
        """The cursor after handing over records up to ``value``; ``keys`` are those at exactly ``value``."""
        if value is None:
            return self
        seen = (
            tuple(dict.fromkeys((*self.seen, *keys))) if value == self.value else tuple(dict.fromkeys(keys))
        )
        return self.model_copy(update={"value": value, "seen": seen[-MAX_SEEN_KEYS:]})

    def to_json(self) -> str:
        """The JSON saved in the store's sync state."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Cursor:
        """A cursor from its saved JSON."""
        return cls.model_validate_json(text)


__all__ = ["MAX_SEEN_KEYS", "Bound", "Cursor", "cursor_key"]
