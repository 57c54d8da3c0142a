"""FakeClock: sleeping advances time instantly and is recorded."""

from __future__ import annotations

import time

import pytest

from coisync.http import Clock, FakeClock, SystemClock


def test_fake_clock_sleep_advances_wall_and_monotonic_time() -> None:
    clock = FakeClock(start=1000.0)
    clock.sleep(2.5)
    clock.sleep(-1)
    assert clock.now() == 1002.5
    assert clock.monotonic() == 2.5
    assert clock.sleeps == [2.5, 0.0]
    assert clock.total_slept == 2.5


def test_fake_clock_advance_is_not_a_sleep_and_cannot_go_back() -> None:
    clock = FakeClock(start=0.0)
    clock.advance(10)
    assert clock.now() == 10.0
    assert clock.sleeps == []
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


def test_fake_clock_sleeping_an_hour_takes_no_real_time() -> None:
    clock = FakeClock()
    started = time.monotonic()
    clock.sleep(3600)
    assert time.monotonic() - started < 0.5


def test_both_clocks_satisfy_the_protocol() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FakeClock(), Clock)
    assert abs(SystemClock().now() - time.time()) < 5
