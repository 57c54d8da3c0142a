"""The circuit breaker on its own and inside the session (reliability scenario 12)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import httpx
import pytest

from coisync.errors import ExitCode
from coisync.http import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    FakeClock,
    HttpSession,
    ServerError,
)


def test_opens_after_threshold_consecutive_failures() -> None:
    breaker = CircuitBreaker(clock=FakeClock(), failure_threshold=3, reset_timeout=30)
    for _ in range(2):
        breaker.before_request()
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.before_request()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError) as raised:
        breaker.before_request()
    assert raised.value.retry_in == pytest.approx(30)
    assert raised.value.exit_code == ExitCode.TEMPORARY


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker(clock=FakeClock(), failure_threshold=3)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 2


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(clock=clock, failure_threshold=1, reset_timeout=10)
    breaker.record_failure()
    clock.advance(9.9)
    with pytest.raises(CircuitOpenError):
        breaker.before_request()
    clock.advance(0.1)
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.before_request()  # the probe
    with pytest.raises(CircuitOpenError):
        breaker.before_request()  # a second caller while the probe is in flight
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    breaker.before_request()


def test_a_failed_probe_reopens_for_another_interval() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(clock=clock, failure_threshold=2, reset_timeout=10)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(10)
    breaker.before_request()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.times_opened == 2
    clock.advance(5)
    with pytest.raises(CircuitOpenError):
        breaker.before_request()


def test_a_neutral_probe_outcome_frees_the_probe_slot() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(clock=clock, failure_threshold=1, reset_timeout=1)
    breaker.record_failure()
    clock.advance(1)
    breaker.before_request()
    breaker.record_neutral()
    breaker.before_request()  # another probe may go


def test_invalid_threshold() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(clock=FakeClock(), failure_threshold=0)


def test_outage_opens_the_breaker_and_probes_at_most_once_per_interval(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    outage_ends = clock.now() + 300  # the platform answers 503 for five minutes
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now())
        if clock.now() < outage_ends:
            return httpx.Response(503)
        return httpx.Response(200, json=[])

    session = make_session(handler, max_attempts=3, breaker_threshold=5, breaker_reset_timeout=30.0)
    outcomes: list[str] = []
    while clock.now() < outage_ends + 60:
        try:
            session.get("/insurances")
            outcomes.append("ok")
        except ServerError:
            outcomes.append("server-error")
        except CircuitOpenError:
            outcomes.append("open")
        clock.advance(1.0)

    assert "open" in outcomes
    assert session.breaker.times_opened >= 1
    # While open, at most one request (the probe) per half-open interval reached the platform.
    during_outage = [t for t in sent_at if t < outage_ends]
    # The 5th failure opened it; from then on only probes, one per 30 s interval.
    opening_and_probes = during_outage[4:]
    assert len(opening_and_probes) <= 1 + 300 // 30
    for earlier, later in itertools.pairwise(opening_and_probes):
        assert later - earlier >= 30.0
    # After recovery the breaker closes again and requests succeed.
    assert outcomes[-1] == "ok"
    assert session.breaker.state is BreakerState.CLOSED


def test_an_open_breaker_stops_retries_within_a_request(
    make_session: Callable[..., HttpSession],
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(502)

    session = make_session(handler, max_attempts=10, breaker_threshold=3)
    with pytest.raises(CircuitOpenError):
        session.get("/x")
    assert calls == 3


def test_rate_limits_and_client_errors_do_not_open_the_breaker(
    make_session: Callable[..., HttpSession],
) -> None:
    statuses = iter([429, 404, 404, 404, 429, 200] * 3)
    session = make_session(lambda request: httpx.Response(next(statuses)), breaker_threshold=2)
    for _ in range(10):
        try:
            session.get("/x")
        except Exception as exc:
            assert not isinstance(exc, CircuitOpenError)
    assert session.breaker.state is BreakerState.CLOSED
