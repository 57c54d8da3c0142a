"""Time as an injected dependency: the real clock and a fake one for tests.

Everything in :mod:`coisync.http` that waits or measures (backoff, rate-limit windows,
the circuit breaker, OAuth token expiry) asks a :class:`Clock` instead of calling
:mod:`time` directly, so a test drives minutes of simulated time in microseconds.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

FAKE_EPOCH = 1_767_225_600.0
"""Where a :class:`FakeClock` starts by default: 2026-01-01T00:00:00Z."""


@runtime_checkable
class Clock(Protocol):
    """Wall time, monotonic time and sleeping."""

    def now(self) -> float:
        """Wall-clock time in Unix seconds (compared with server ``Date`` headers)."""
        ...

    def monotonic(self) -> float:
        """A clock that never goes backwards; used for every interval and deadline."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""
        ...


class SystemClock:
    """The real clock: :func:`time.time`, :func:`time.monotonic`, :func:`time.sleep`."""

    def now(self) -> float:
        """Return the current Unix time."""
        return time.time()

    def monotonic(self) -> float:
        """Return :func:`time.monotonic`."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for ``seconds`` (negative values sleep for zero)."""
        time.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """A deterministic clock: :meth:`sleep` advances time at once and is recorded.

    Wall time and monotonic time move together. The clock is thread-safe; when several
    threads sleep, each sleep advances the shared time, so simulated time can run ahead
    of what real concurrent sleeps would take. Tests that need exact timings use one thread.

    Args:
        start: The initial wall-clock time in Unix seconds.
    """

    def __init__(self, start: float = FAKE_EPOCH) -> None:
        self._lock = threading.Lock()
        self._wall = float(start)
        self._mono = 0.0
        self.sleeps: list[float] = []
        """Every requested sleep, in call order."""

    def now(self) -> float:
        """Return the simulated Unix time."""
        with self._lock:
            return self._wall

    def monotonic(self) -> float:
        """Return the simulated monotonic time (starts at 0)."""
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance time by it without blocking."""
        seconds = max(0.0, float(seconds))
        with self._lock:
            self.sleeps.append(seconds)
            self._wall += seconds
            self._mono += seconds

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a sleep (time passing elsewhere)."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._wall += seconds
            self._mono += seconds

    @property
    def total_slept(self) -> float:
        """The sum of all recorded sleeps."""
        with self._lock:
            return sum(self.sleeps)

    def __repr__(self) -> str:
        return f"FakeClock(now={self._wall!r}, sleeps={len(self.sleeps)})"
