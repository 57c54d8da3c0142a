"""A consecutive-failure circuit breaker (reliability.md §3, scenario 12).

States::

    closed ──N consecutive failures──▶ open ──reset_timeout elapsed──▶ half-open
      ▲                                  ▲                                 │
      └──────────── probe succeeds ──────┼──────── probe fails ────────────┘

While open, :meth:`CircuitBreaker.before_request` raises
:class:`~coisync.http.errors.CircuitOpenError` without sending anything, so a sync run
checkpoints and exits non-zero instead of hammering a platform that is down. In half-open,
exactly one caller (the probe) is let through; the others are refused until it reports.
"""

from __future__ import annotations

import enum
import threading

from coisync.http.clock import Clock
from coisync.http.errors import CircuitOpenError

DEFAULT_FAILURE_THRESHOLD = 5
DEFAULT_RESET_TIMEOUT = 30.0


class BreakerState(enum.Enum):
    """The breaker's state."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures; probes after ``reset_timeout``.

    A *failure* is an outcome that says the platform is unwell: a 5xx or a network error.
    Callers report every outcome with :meth:`record_success`, :meth:`record_failure` or,
    for outcomes that say nothing about the platform's health (a 429, an interrupted
    call), :meth:`record_neutral`.

    Args:
        clock: The clock that times the open period.
        failure_threshold: Consecutive failures that open the breaker.
        reset_timeout: Seconds the breaker stays open before letting one probe through.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
        reset_timeout: float = DEFAULT_RESET_TIMEOUT,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._clock = clock
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self.times_opened = 0
        """How often the breaker went from closed or half-open to open."""

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker whose timeout passed reports half-open)."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._timeout_passed():
                return BreakerState.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        with self._lock:
            return self._failures

    def before_request(self) -> None:
        """Let a request through, or refuse it.

        Raises:
            CircuitOpenError: The breaker is open, or half-open with its probe in flight.
        """
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return
            if self._state is BreakerState.OPEN:
                if not self._timeout_passed():
                    raise self._open_error()
                self._state = BreakerState.HALF_OPEN
                self._probe_in_flight = False
            if self._probe_in_flight:
                raise self._open_error()
            self._probe_in_flight = True

    def record_success(self) -> None:
        """The platform answered normally: close the breaker and reset the count."""
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        """The platform failed: count it, and open when the threshold is reached."""
        with self._lock:
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
                if self._state is not BreakerState.OPEN:
                    self.times_opened += 1
                self._state = BreakerState.OPEN
                self._opened_at = self._clock.monotonic()
            self._probe_in_flight = False

    def record_neutral(self) -> None:
        """The outcome says nothing about health: only free the half-open probe slot."""
        with self._lock:
            self._probe_in_flight = False

    def _timeout_passed(self) -> bool:
        return self._clock.monotonic() - self._opened_at >= self.reset_timeout

    def _open_error(self) -> CircuitOpenError:
        retry_in = max(0.0, self.reset_timeout - (self._clock.monotonic() - self._opened_at))
        return CircuitOpenError(
            f"the platform failed {self._failures} times in a row; not calling it for "
            f"{retry_in:.0f} s more (circuit breaker open)",
            retry_in=retry_in,
        )

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(state={self.state.value!r}, failures={self.consecutive_failures}, "
            f"threshold={self.failure_threshold}, reset_timeout={self.reset_timeout})"
        )
