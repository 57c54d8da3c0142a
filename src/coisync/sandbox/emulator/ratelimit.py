"""Fixed rate-limit windows for emulators: count requests, refuse past the limit, say when to retry.

A :class:`RateLimiter` holds one or more fixed windows (e.g. a 10-second spike window and an
hourly one). :meth:`RateLimiter.hit` counts one request in every window and reports the window
nearer to exhaustion (fewest requests left; on a tie, the one that resets first); a request
arriving when any window is used up is refused, and still counts, as failed requests do on the
platforms that document it. :meth:`RateLimiter.status` reports without counting (for platforms
that expose their limits through an operation, such as Yardi's ``GetRateLimits``).

Windows are fixed: each starts at the first request after the previous one ended.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RateWindow:
    """A fixed rate-limit window: ``limit`` requests per ``seconds``."""

    limit: int
    seconds: int


@dataclass
class _Window:
    rule: RateWindow
    start: float = 0.0
    used: int = 0
    started: bool = False

    def roll(self, now: float) -> None:
        if not self.started or now >= self.start + self.rule.seconds:
            self.start, self.used, self.started = now, 0, True

    def remaining_at(self, now: float) -> int:
        if not self.started or now >= self.start + self.rule.seconds:
            return self.rule.limit
        return max(0, self.rule.limit - self.used)

    @property
    def remaining(self) -> int:
        return max(0, self.rule.limit - self.used)

    @property
    def reset(self) -> int:
        return math.ceil(self.start + self.rule.seconds)


@dataclass(frozen=True)
class RateDecision:
    """The outcome of counting one request (or of looking without counting).

    Attributes:
        allowed: False when a window was already used up (refuse the request).
        limit: The limit of the reported window.
        remaining: Requests left in the reported window after this request.
        reset: When the reported window ends, Unix seconds.
        retry_after: Seconds until every used-up window resets (0 when allowed).
        seconds: The length of the reported window.
    """

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int
    seconds: int = 0

    def headers(self) -> dict[str, str]:
        """The ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset`` headers."""
        return {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(self.reset),
        }


class RateLimiter:
    """Counts requests against several fixed windows (thread-safe).

    Args:
        windows: The windows, e.g. ``[RateWindow(25, 10), RateWindow(600, 3600)]``.

    Raises:
        ValueError: No window was given.
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
                seconds=nearest.rule.seconds,
            )

    def status(self, now: float) -> list[RateDecision]:
        """Every window's state at ``now``, without counting a request."""
        with self._lock:
            result = []
            for window in self._windows:
                remaining = window.remaining_at(now)
                fresh = remaining == window.rule.limit and (
                    not window.started or now >= window.start + window.rule.seconds
                )
                reset = math.ceil(now + window.rule.seconds) if fresh else window.reset
                retry = 0 if remaining else max(1, math.ceil(window.reset - now))
                result.append(
                    RateDecision(
                        remaining > 0, window.rule.limit, remaining, reset, retry, window.rule.seconds
                    )
                )
            return result


__all__ = ["RateDecision", "RateLimiter", "RateWindow"]
