"""The retry policy: one tenacity ``Retrying`` built from named parts (reliability.md §3).

=============================================  ===========  ===============  ===========
Outcome                                        GET, HEAD,   POST/PATCH with  POST/PATCH
                                               PUT, DELETE  idempotency key  without key
=============================================  ===========  ===============  ===========
ConnectError, ConnectTimeout, PoolTimeout      retry        retry            retry
ReadTimeout, RemoteProtocolError, reset, ...   retry        retry, same key  ambiguous
429                                            wait         wait             wait
500, 502, 503, 504                             retry        retry, same key  ambiguous
other 4xx (400, 401, 403, 404, 409, 412, 422)  raise        raise            raise
=============================================  ===========  ===============  ===========

"wait" sleeps ``max(server wait, backoff)`` and retries; a server wait over the cap raises.
"ambiguous" raises :class:`~coisync.http.errors.AmbiguousWriteError` at once, with no
retry: the write may have been applied, so the caller reads back first. A 401 is retried
once inside the auth object (token refresh), never here.

Waits use full jitter, ``uniform(0, min(cap, base * 2 ** (attempt - 1)))``, from an injected
:class:`random.Random`; a server-requested wait (``Retry-After``, ``X-Rate-Limit-Reset``
measured against the response ``Date``) is honoured when larger, and a server wait above
``retry_after_cap`` raises :class:`~coisync.http.errors.RateLimitedError` without sleeping.
Attempts stop at ``max_attempts`` or when the next wait would pass the time budget.
"""

from __future__ import annotations

import contextlib
import enum
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base

from coisync.errors import CoisyncError
from coisync.http.clock import Clock

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
"""Methods safe to resend (RFC 9110 §9.2.2)."""

DEFAULT_RETRY_STATUSES: tuple[int, ...] = (500, 502, 503, 504)
DEFAULT_RATE_LIMIT_STATUSES: tuple[int, ...] = (429,)
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TIME_BUDGET = 300.0
DEFAULT_BACKOFF_BASE = 0.5
DEFAULT_BACKOFF_CAP = 30.0
DEFAULT_RETRY_AFTER_CAP = 60.0

NEVER_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
"""Failures before the request left the process: always safe to retry."""

MAYBE_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.CloseError,
    httpx.RemoteProtocolError,
)
"""Failures after (part of) the request was sent: the server may have acted on it."""


class Action(enum.Enum):
    """What to do with a response."""

    OK = "ok"
    """Hand the response to the caller."""
    RETRY = "retry"
    """A transient server failure: retry if the request is safe to resend."""
    RATE_LIMITED = "rate_limited"
    """The platform is throttling: wait as told (capped), then retry."""
    FAIL = "fail"
    """A permanent failure: raise the error for the status."""


class ResponseClassifier:
    """Maps a response to an :class:`Action`; the one override point for odd platforms.

    A connector whose platform reports errors inside HTTP 200 (Yardi SOAP ``<Message
    messageType="Error">``, MRI per-row errors) subclasses this and overrides
    :meth:`classify` only. An override may also raise a
    :class:`~coisync.errors.CoisyncError` of its own, e.g. an ``AuthError`` for Yardi's
    ``Login failed.``; such errors are not retried.
    """

    retry_statuses: tuple[int, ...] = DEFAULT_RETRY_STATUSES
    rate_limit_statuses: tuple[int, ...] = DEFAULT_RATE_LIMIT_STATUSES

    def classify(self, response: httpx.Response) -> Action:
        """Classify ``response`` (its body is already read).

        Args:
            response: The complete response.

        Returns:
            The action to take.
        """
        status = response.status_code
        if status in self.rate_limit_statuses:
            return Action.RATE_LIMITED
        if status in self.retry_statuses:
            return Action.RETRY
        if status >= 400:
            return Action.FAIL
        return Action.OK

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RetryableOutcome(Exception):
    """Raised inside an attempt to ask for a retry; carries the error to raise if none is left.

    Args:
        error: The public error to raise when the attempts or the time budget run out.
        wait_hint: The wait the server asked for, in seconds (0 when it did not say).
    """

    def __init__(self, error: CoisyncError, *, wait_hint: float = 0.0) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.wait_hint = wait_hint


def server_wait(response: httpx.Response, clock: Clock) -> float | None:
    """The wait the server asked for, in seconds, or ``None`` when it did not say.

    Reads ``Retry-After`` (delta seconds or an HTTP date) and, when ``X-Rate-Limit-Remaining``
    is 0 or the status is 429/503, ``X-Rate-Limit-Reset`` (Unix seconds). Absolute times are
    measured against the response ``Date`` header, falling back to ``clock.now()``, so a
    skewed local clock does not shorten the wait. The larger of the two hints wins.
    """
    server_now = _response_date(response) or clock.now()
    waits: list[float] = []
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        value = retry_after.strip()
        if _is_number(value):
            waits.append(float(value))
        else:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                waits.append(parsedate_to_datetime(value).timestamp() - server_now)
    reset = response.headers.get("X-Rate-Limit-Reset", "").strip()
    exhausted = response.headers.get("X-Rate-Limit-Remaining", "").strip() == "0"
    if _is_number(reset) and (exhausted or response.status_code in (429, 503)):
        waits.append(float(reset) - server_now)
    if not waits:
        return None
    return max(0.0, *waits)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _response_date(response: httpx.Response) -> float | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class _StopAfterBudget(stop_base):
    """Stop when the next sleep would end after the per-request time budget."""

    clock: Clock
    started: float
    budget: float

    def __call__(self, retry_state: RetryCallState) -> bool:
        elapsed = self.clock.monotonic() - self.started
        return elapsed + retry_state.upcoming_sleep > self.budget


class RetryPolicy:
    """Decides whether, when and how often a request is sent again.

    Args:
        clock: The clock to sleep on and measure the budget with.
        rng: The random source of the jitter (seeded in tests).
        classifier: Maps responses to actions; see :class:`ResponseClassifier`.
        max_attempts: Attempts per request, the first included.
        time_budget: Seconds a request may take, waits included, before giving up.
        backoff_base: The first backoff ceiling, in seconds.
        backoff_cap: The largest backoff ceiling, in seconds.
        retry_after_cap: The longest server-requested wait honoured by sleeping.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        rng: random.Random | None = None,
        classifier: ResponseClassifier | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        time_budget: float = DEFAULT_TIME_BUDGET,
        backoff_base: float = DEFAULT_BACKOFF_BASE,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
        retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP,
    ) -> None:
        self.clock = clock
        self.rng = rng or random.Random()
        self.classifier = classifier or ResponseClassifier()
        self.max_attempts = max_attempts
        self.time_budget = time_budget
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap

    @staticmethod
    def is_protected(method: str, idempotency_key: str | None) -> bool:
        """Whether the request may be resent after it may have reached the server."""
        return method.upper() in IDEMPOTENT_METHODS or bool(idempotency_key)

    def backoff_ceiling(self, attempt: int) -> float:
        """The upper bound of the jittered wait after attempt number ``attempt`` (1-based)."""
        return float(min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))

    def backoff(self, attempt: int) -> float:
        """A full-jitter wait after attempt number ``attempt``."""
        return self.rng.uniform(0.0, self.backoff_ceiling(attempt))

    def classify(self, response: httpx.Response) -> Action:
        """Classify ``response`` with the configured classifier."""
        return self.classifier.classify(response)

    def is_retryable_transport_error(self, exc: httpx.TransportError, *, protected: bool) -> bool:
        """Whether a transport failure may be retried; ``False`` for never-retried kinds.

        Args:
            exc: The failure.
            protected: Whether the request is safe to resend (see :meth:`is_protected`).
        """
        if isinstance(exc, NEVER_SENT_ERRORS):
            return True
        return protected and isinstance(exc, MAYBE_SENT_ERRORS)

    def _wait(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        hint = 0.0
        if outcome is not None:
            exc = outcome.exception()
            if isinstance(exc, RetryableOutcome):
                hint = exc.wait_hint
        return max(hint, self.backoff(retry_state.attempt_number))

    def run(
        self,
        attempt: Callable[[], T],
        *,
        before_sleep: Callable[[RetryCallState], None] | None = None,
    ) -> T:
        """Call ``attempt`` until it returns, raises a final error, or retries run out.

        ``attempt`` signals "try again" by raising :class:`RetryableOutcome`; when the
        attempts or the budget run out, the outcome's ``error`` is raised, chained to the
        outcome's own cause. Any other exception propagates at once.

        Args:
            attempt: One try of the request.
            before_sleep: Called before each wait (for counters and logging).

        Returns:
            What ``attempt`` returned.
        """
        retrying = Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, RetryableOutcome)),
            stop=stop_after_attempt(self.max_attempts)
            | _StopAfterBudget(self.clock, self.clock.monotonic(), self.time_budget),
            wait=self._wait,
            sleep=self.clock.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except RetryableOutcome as outcome:
            raise outcome.error from outcome.__cause__

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_attempts={self.max_attempts}, time_budget={self.time_budget}, "
            f"backoff_base={self.backoff_base}, backoff_cap={self.backoff_cap}, "
            f"retry_after_cap={self.retry_after_cap}, classifier={self.classifier!r})"
        )
