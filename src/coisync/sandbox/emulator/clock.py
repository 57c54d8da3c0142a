"""The emulator's notion of time: an injected clock, so tests move time instead of sleeping.

Emulators only need :meth:`Clock.now` (Unix seconds); a clock that also has ``sleep`` is used
for the ``slow`` fault, so a fake clock makes a slow response cost no real time. The protocol is
structurally compatible with ``coisync.http.clock``: its ``SystemClock`` and ``FakeClock`` can be
passed to an emulator as they are.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

DEFAULT_START = 1_767_225_600.0
"""Where a :class:`FixedClock` starts by default: 2026-01-01T00:00:00Z."""


@runtime_checkable
class Clock(Protocol):
    """Wall-clock time in Unix seconds."""

    def now(self) -> float:
        """Return the current Unix time in seconds."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        """Return :func:`time.time`."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` (negative values sleep for zero)."""
        time.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until told to move; ``sleep`` advances it without blocking.

    Args:
        start: The initial time in Unix seconds.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._lock = threading.Lock()
        self._now = float(start)

    def now(self) -> float:
        """Return the current simulated time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``.

        Raises:
            ValueError: If ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds

    def set(self, when: float) -> None:
        """Jump to the Unix time ``when`` (may not go backwards).

        Raises:
            ValueError: If ``when`` is earlier than the current time.
        """
        with self._lock:
            if when < self._now:
                raise ValueError("a clock cannot go backwards")
            self._now = float(when)

    def sleep(self, seconds: float) -> None:
        """Advance time by ``seconds`` at once (the ``slow`` fault under test)."""
        self.advance(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"FixedClock(now={self._now!r})"


def iso_utc(seconds: float) -> str:
    """Format Unix seconds as ISO 8601 UTC with a ``Z`` suffix, whole seconds.

    Args:
        seconds: Unix time.

    Returns:
        Text such as ``2026-01-01T00:00:00Z``.
    """
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(text: str) -> float:
    """Parse an ISO 8601 timestamp (``Z`` or an offset; naive means UTC) into Unix seconds.

    Raises:
        ValueError: If ``text`` is not an ISO 8601 timestamp or date.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
