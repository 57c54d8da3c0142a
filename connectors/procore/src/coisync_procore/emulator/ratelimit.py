"""Procore's rate limits: a 10-second spike window and an hourly window, every request counted.

Every response carries ``X-Rate-Limit-Limit``, ``X-Rate-Limit-Remaining`` and
``X-Rate-Limit-Reset`` (Unix seconds) for the window nearer to exhaustion (fewest requests
left; on a tie, the one that resets first). A request arriving when either window is used up is
refused with 429 and ``Retry-After``; it still counts, as failed requests do at Procore.

Assumed: windows are fixed, starting at the first request after the previous one ended, and
the limits are shared by all clients of one emulator.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from coisync_procore.emulator.settings import RateWindow


@dataclass
class _Window:
    rule: RateWindow
    start: float = 0.0
    used: int = 0
    started: bool = False

    def roll(self, now: float) -> None:
        if not self.started or now >= self.start + self.rule.seconds:
            self.start, self.used, self.started = now, 0, True

    @property
    def remaining(self) -> int:
        return max(0, self.rule.limit - self.used)

    @property
    def reset(self) -> int:
        return math.ceil(self.start + self.rule.seconds)


@dataclass(frozen=True)
class RateDecision:
    """The outcome of counting one request.

    Attributes:
        allowed: False when a window was already used up (answer 429).
        limit: ``X-Rate-Limit-Limit`` of the reported window.
        remaining: ``X-Rate-Limit-Remaining`` after this request.
        reset: ``X-Rate-Limit-Reset``, Unix seconds.
        retry_after: Seconds until every used-up window resets (0 when allowed).
    """

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """The three ``X-Rate-Limit-*`` headers."""
        return {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(self.reset),
        }


class RateLimiter:
    """Counts requests against several fixed windows.

    Args:
        windows: The windows, e.g. ``[RateWindow(25, 10), RateWindow(600, 3600)]``.
    """

    def __init__(self, windows: list[RateWindow]) -> None:
        if not windows:
            raise ValueError("at least one rate-limit window is needed")
        self._windows = [_Window(rule) for rule in windows]
        self._lock = threading.Lock()

    def hit(self, now: float) -> RateDecision:
        """Count one request at ``now`` and decide whether it may proceed."""
        with self._lock:
            for window in self._windows:
                window.roll(now)
            exhausted = [w for w in self._windows if w.remaining == 0]
            for window in self._windows:
                window.used += 1
            nearest = min(self._windows, key=lambda w: (w.remaining, w.reset))
            retry_after = max((math.ceil(w.reset - now) for w in exhausted), default=0)
            return RateDecision(
                allowed=not exhausted,
                limit=nearest.rule.limit,
                remaining=nearest.remaining,
                reset=nearest.reset,
                retry_after=max(1, retry_after) if exhausted else 0,
            )
