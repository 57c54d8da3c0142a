"""Client-side rate limiting: a token bucket plus the platform's own reset times.

Two limits apply to every request a connection sends (auth and redirect requests too):

* a token bucket of ``rate`` requests per second with ``burst`` requests of headroom,
  the share of the platform's quota this connection allows itself;
* a *blocked-until* time learnt from responses: ``X-Rate-Limit-Remaining: 0`` with
  ``X-Rate-Limit-Reset`` (Procore), or ``Retry-After`` on a 429/503. No request is sent
  before it, from any thread.
"""

from __future__ import annotations

import threading

import httpx

from coisync.http.clock import Clock
from coisync.http.errors import RateLimitedError
from coisync.http.retry import server_wait


class RateLimiter:
    """A thread-safe token bucket that also honours server-announced reset times.

    The bucket is kept as a "theoretical arrival time" (GCRA): each caller reserves the
    next free send slot under a lock and sleeps outside it, so waiting threads are served
    in order and never burst past the configured rate.

    Args:
        clock: The clock to read and sleep on.
        rate: Requests per second; ``None`` means no client-side rate (reset times still apply).
        burst: How many requests may go back to back after an idle period.
        max_wait: The longest server-announced block :meth:`acquire` sleeps through; a
            longer one raises :class:`~coisync.http.errors.RateLimitedError` at once.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        rate: float | None = None,
        burst: int = 1,
        max_wait: float = float("inf"),
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive or None")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self._clock = clock
        self.rate = rate
        self.burst = burst
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._arrival = clock.monotonic()  # the theoretical arrival time of the next request
        self._blocked_until = float("-inf")
        self.waited = 0.0
        """Total seconds callers spent waiting in :meth:`acquire`."""

    @property
    def blocked_until(self) -> float:
        """The monotonic time before which nothing is sent (``-inf`` when not blocked)."""
        with self._lock:
            return self._blocked_until

    def acquire(self) -> None:
        """Block until this caller may send one request, then count it.

        Raises:
            RateLimitedError: The platform asked for a pause longer than ``max_wait``.
        """
        with self._lock:
            now = self._clock.monotonic()
            self._check_block(self._blocked_until - now)
            start = max(now, self._blocked_until)
            if self.rate is None:
                slot = start
            else:
                interval = 1.0 / self.rate
                tolerance = (self.burst - 1) * interval
                slot = max(start, self._arrival - tolerance)
                self._arrival = max(self._arrival, slot) + interval
        self._sleep_until(slot)
        # A reset learnt while this caller slept still applies to it.
        while True:
            with self._lock:
                remaining = self._blocked_until - self._clock.monotonic()
            if remaining <= 0:
                return
            self._check_block(remaining)
            self._sleep_until(self._clock.monotonic() + remaining)

    def block_for(self, seconds: float) -> None:
        """Send nothing for the next ``seconds`` (never shortens an existing block)."""
        if seconds <= 0:
            return
        with self._lock:
            until = self._clock.monotonic() + seconds
            self._blocked_until = max(self._blocked_until, until)

    def observe(self, response: httpx.Response) -> None:
        """Learn from a response's rate-limit headers (call it for every response)."""
        headers = response.headers
        remaining = headers.get("X-Rate-Limit-Remaining", "").strip()
        throttled = response.status_code in (429, 503) and "Retry-After" in headers
        if remaining == "0" or throttled or response.status_code == 429:
            wait = server_wait(response, self._clock)
            if wait is not None:
                self.block_for(wait)

    def _check_block(self, remaining: float) -> None:
        if remaining > self.max_wait:
            raise RateLimitedError(
                f"the platform asked to pause for {remaining:.0f} s, more than the "
                f"{self.max_wait:.0f} s cap; try again later",
                wait_seconds=remaining,
            )

    def _sleep_until(self, when: float) -> None:
        delay = when - self._clock.monotonic()
        if delay > 0:
            with self._lock:
                self.waited += delay
            self._clock.sleep(delay)

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate!r}, burst={self.burst!r})"
