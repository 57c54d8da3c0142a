"""Thread-safe request counters of one session (for metrics and tests)."""

from __future__ import annotations

import threading
from collections import Counter


class HttpCounters:
    """Counts requests sent, retries slept and responses by status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests_made = 0
        self._retries = 0
        self._by_status: Counter[int] = Counter()

    def count_request(self) -> None:
        """One request was handed to the transport."""
        with self._lock:
            self._requests_made += 1

    def count_response(self, status: int) -> None:
        """One response arrived."""
        with self._lock:
            self._by_status[status] += 1

    def count_retry(self) -> None:
        """The retry policy is about to wait and try again."""
        with self._lock:
            self._retries += 1

    @property
    def requests_made(self) -> int:
        """Requests handed to the transport, retries and token and redirect requests included."""
        with self._lock:
            return self._requests_made

    @property
    def retries(self) -> int:
        """Retries performed."""
        with self._lock:
            return self._retries

    @property
    def by_status(self) -> dict[int, int]:
        """Responses received, by status code."""
        with self._lock:
            return dict(self._by_status)

    def __repr__(self) -> str:
        return (
            f"HttpCounters(requests_made={self.requests_made}, retries={self.retries}, "
            f"by_status={self.by_status})"
        )
