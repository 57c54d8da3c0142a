"""The emulator base's rate limiter reports its windows without counting (GetRateLimits-style)."""

from __future__ import annotations

from coisync.sandbox.emulator import RateLimiter, RateWindow


def test_status_does_not_count_and_reports_each_window() -> None:
    limiter = RateLimiter([RateWindow(3, 10), RateWindow(5, 3600)])
    fresh = limiter.status(100.0)
    assert [(d.limit, d.remaining, d.reset, d.seconds) for d in fresh] == [
        (3, 3, 110, 10),
        (5, 5, 3700, 3600),
    ]
    limiter.hit(100.0)
    limiter.hit(101.0)
    assert [d.remaining for d in limiter.status(102.0)] == [1, 3]
    assert [d.remaining for d in limiter.status(102.0)] == [1, 3]
    limiter.hit(102.0)
    spent = limiter.status(105.0)[0]
    assert (spent.allowed, spent.remaining, spent.retry_after) == (False, 0, 5)
    assert limiter.status(111.0)[0].remaining == 3  # the window ended
