"""Procore's rate limits: a 10-second spike window and an hourly window, every request counted.

Every response carries ``X-Rate-Limit-Limit``, ``X-Rate-Limit-Remaining`` and
``X-Rate-Limit-Reset`` (Unix seconds) for the window nearer to exhaustion (fewest requests
left; on a tie, the one that resets first). A request arriving when either window is used up is
refused with 429 and ``Retry-After``; it still counts, as failed requests do at Procore.

The counting itself is the emulator base's (:mod:`coisync.sandbox.emulator.ratelimit`).
Assumed: windows are fixed, starting at the first request after the previous one ended, and
the limits are shared by all clients of one emulator.
"""

from __future__ import annotations

from coisync.sandbox.emulator.ratelimit import RateDecision, RateLimiter, RateWindow

__all__ = ["RateDecision", "RateLimiter", "RateWindow"]
