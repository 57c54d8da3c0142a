"""The rate limiter: token bucket, header-driven pauses, and the cap (scenario 10)."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import formatdate

import httpx
import pytest

from coisync.http import FakeClock, HttpSession, RateLimitedError, RateLimiter


def test_bucket_allows_a_burst_then_spaces_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, rate=2.0, burst=3)
    sent_at = []
    for _ in range(7):
        limiter.acquire()
        sent_at.append(clock.monotonic())
    assert sent_at[:3] == [0.0, 0.0, 0.0]
    assert sent_at[3:] == pytest.approx([0.5, 1.0, 1.5, 2.0])


def test_bucket_refills_while_idle_but_never_above_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, rate=1.0, burst=2)
    limiter.acquire()
    limiter.acquire()
    clock.advance(100)
    start = clock.monotonic()
    for _ in range(4):
        limiter.acquire()
    # Two from the refilled bucket at once, then one per second.
    assert clock.monotonic() - start == pytest.approx(2.0)


def test_no_rate_means_no_waiting() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    for _ in range(1000):
        limiter.acquire()
    assert clock.sleeps == []


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 1), (-1.0, 1), (1.0, 0)])
def test_invalid_settings(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        RateLimiter(clock=FakeClock(), rate=rate, burst=burst)


def test_remaining_zero_blocks_until_reset_measured_from_date() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.observe(
        httpx.Response(
            200,
            headers={
                "Date": formatdate(clock.now(), usegmt=True),
                "X-Rate-Limit-Limit": "25",
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(int(clock.now()) + 8),
            },
        )
    )
    limiter.acquire()
    assert clock.monotonic() == pytest.approx(8.0)


def test_remaining_above_zero_does_not_block() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.observe(
        httpx.Response(
            200,
            headers={"X-Rate-Limit-Remaining": "3", "X-Rate-Limit-Reset": str(int(clock.now()) + 8)},
        )
    )
    limiter.acquire()
    assert clock.sleeps == []


def test_block_for_never_shortens_a_longer_block() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.block_for(10)
    limiter.block_for(2)
    limiter.acquire()
    assert clock.monotonic() == pytest.approx(10.0)


def test_a_block_over_max_wait_raises_without_sleeping() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, max_wait=60)
    limiter.block_for(900)
    with pytest.raises(RateLimitedError) as raised:
        limiter.acquire()
    assert raised.value.wait_seconds == pytest.approx(900)
    assert clock.sleeps == []


def spike_window_platform(
    clock: FakeClock, limit: int, window: float
) -> tuple[Callable[[httpx.Request], httpx.Response], list[float], list[int]]:
    """A Procore-like fake: ``limit`` requests per fixed window, then 429 until the reset."""
    sent_at: list[float] = []
    statuses: list[int] = []
    state = {"window_start": clock.now(), "used": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        now = clock.now()
        sent_at.append(now)
        if now >= state["window_start"] + window:
            state["window_start"] = now - (now - state["window_start"]) % window
            state["used"] = 0
        reset = state["window_start"] + window
        state["used"] += 1
        remaining = max(0, limit - state["used"])
        headers = {
            "Date": formatdate(now, usegmt=True),
            "X-Rate-Limit-Limit": str(limit),
            "X-Rate-Limit-Remaining": str(remaining),
            "X-Rate-Limit-Reset": str(int(reset)),
        }
        status = 429 if state["used"] > limit else 200
        statuses.append(status)
        return httpx.Response(status, json=[], headers=headers)

    return handler, sent_at, statuses


def test_spike_window_is_respected_with_no_429s(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    handler, sent_at, statuses = spike_window_platform(clock, limit=25, window=10.0)
    session = make_session(handler)
    for page in range(200):
        session.get("/rest/v1.0/insurances", params={"page": page})
    assert statuses.count(429) == 0
    # In every 10-second window at most 25 requests were sent.
    for index, start in enumerate(sent_at):
        in_window = [t for t in sent_at[index:] if t < start + 10.0]
        assert len(in_window) <= 25
    assert session.requests_made == 200


def test_client_side_rate_keeps_requests_under_the_configured_rate(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.monotonic())
        return httpx.Response(200)

    session = make_session(handler, rate=2.5, burst=1)
    for _ in range(26):
        session.get("/x")
    assert sent_at[-1] - sent_at[0] == pytest.approx(10.0)
