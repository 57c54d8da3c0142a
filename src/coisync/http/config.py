"""The settings of one connection's HTTP session, as a validated value object."""

from __future__ import annotations

import math
import random
import ssl
from dataclasses import dataclass

import certifi
import httpx

from coisync import __version__
from coisync.errors import ConfigError
from coisync.http import breaker, retry
from coisync.http.breaker import CircuitBreaker
from coisync.http.clock import Clock
from coisync.http.ratelimit import RateLimiter
from coisync.http.retry import ResponseClassifier, RetryPolicy

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_WRITE_TIMEOUT = 60.0
DEFAULT_POOL_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024
DEFAULT_CONCURRENCY = 4
DEFAULT_MAX_REDIRECTS = 3
DEFAULT_IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True, kw_only=True)
class HttpConfig:
    """How one connection talks HTTP. Keyword-only, immutable, compared by value.

    There is deliberately no setting that turns TLS verification off; ``ca_bundle`` adds a
    private CA (on-premises MRI), and tests reach emulators through an in-process transport.

    Attributes:
        base_url: The platform's API root, ``https://`` unless ``allow_insecure_http``.
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for each chunk of the response.
        write_timeout: Seconds to send each chunk of the request.
        pool_timeout: Seconds to wait for a free pooled connection.
        max_response_bytes: Largest (decoded) response body accepted.
        rate: Requests per second this connection allows itself; ``None`` for no limit.
        burst: Requests that may go back to back after an idle period.
        concurrency: Most requests in flight at once, across threads.
        max_attempts: Attempts per request, the first included.
        time_budget: Seconds one request may take, waits included.
        backoff_base: First backoff ceiling in seconds (full jitter).
        backoff_cap: Largest backoff ceiling in seconds.
        retry_after_cap: Longest server-requested wait slept through; longer ones raise.
        breaker_threshold: Consecutive failures that open the circuit breaker.
        breaker_reset_timeout: Seconds the breaker stays open before one probe.
        max_redirects: Same-origin redirects followed (other hosts are never followed).
        idempotency_header: Header carrying a request's idempotency key; ``None`` when the
            platform has none and the key only marks the write as safe to resend (for
            example when the platform de-duplicates on an external reference).
        allow_private_network: Allow loopback and private addresses (local emulators,
            on-premises servers). Logged as a warning.
        allow_insecure_http: Allow ``http://``. Logged as a warning.
        ca_bundle: Path of an extra CA bundle to verify the server against.
        user_agent: The ``User-Agent`` header.
    """

    base_url: str
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    write_timeout: float = DEFAULT_WRITE_TIMEOUT
    pool_timeout: float = DEFAULT_POOL_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    rate: float | None = None
    burst: int = 1
    concurrency: int = DEFAULT_CONCURRENCY
    max_attempts: int = retry.DEFAULT_MAX_ATTEMPTS
    time_budget: float = retry.DEFAULT_TIME_BUDGET
    backoff_base: float = retry.DEFAULT_BACKOFF_BASE
    backoff_cap: float = retry.DEFAULT_BACKOFF_CAP
    retry_after_cap: float = retry.DEFAULT_RETRY_AFTER_CAP
    breaker_threshold: int = breaker.DEFAULT_FAILURE_THRESHOLD
    breaker_reset_timeout: float = breaker.DEFAULT_RESET_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    idempotency_header: str | None = DEFAULT_IDEMPOTENCY_HEADER
    allow_private_network: bool = False
    allow_insecure_http: bool = False
    ca_bundle: str | None = None
    user_agent: str = f"coisync/{__version__}"

    def __post_init__(self) -> None:
        if not self.base_url or "://" not in self.base_url:
            raise ConfigError("base_url", "must be an absolute URL", "e.g. https://api.example.com")
        positive = {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "write_timeout": self.write_timeout,
            "pool_timeout": self.pool_timeout,
            "time_budget": self.time_budget,
            "backoff_base": self.backoff_base,
            "backoff_cap": self.backoff_cap,
            "retry_after_cap": self.retry_after_cap,
            "breaker_reset_timeout": self.breaker_reset_timeout,
        }
        if self.rate is not None:
            positive["rate"] = self.rate
        for key, value in positive.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ConfigError(key, f"must be a positive number, got {value!r}")
        at_least_one = {
            "max_response_bytes": self.max_response_bytes,
            "burst": self.burst,
            "concurrency": self.concurrency,
            "max_attempts": self.max_attempts,
            "breaker_threshold": self.breaker_threshold,
        }
        for key, value in at_least_one.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(key, f"must be a whole number of at least 1, got {value!r}")
        if not isinstance(self.max_redirects, int) or not 0 <= self.max_redirects <= 10:
            raise ConfigError("max_redirects", "must be between 0 and 10")

    def httpx_timeout(self) -> httpx.Timeout:
        """The four timeouts as an ``httpx.Timeout``."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def httpx_limits(self) -> httpx.Limits:
        """Pool limits: room for every slot plus the token or redirect request it may nest."""
        return httpx.Limits(max_connections=2 * self.concurrency, max_keepalive_connections=self.concurrency)

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying TLS context: certifi's CAs (as httpx uses), plus ``ca_bundle`` when set."""
        context = ssl.create_default_context(cafile=certifi.where())
        if self.ca_bundle:
            context.load_verify_locations(cafile=self.ca_bundle)
        return context

    def rate_limiter(self, clock: Clock) -> RateLimiter:
        """The connection's rate limiter; server-announced pauses over the cap raise."""
        return RateLimiter(clock=clock, rate=self.rate, burst=self.burst, max_wait=self.retry_after_cap)

    def circuit_breaker(self, clock: Clock) -> CircuitBreaker:
        """The connection's circuit breaker."""
        return CircuitBreaker(
            clock=clock,
            failure_threshold=self.breaker_threshold,
            reset_timeout=self.breaker_reset_timeout,
        )

    def retry_policy(
        self,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        classifier: ResponseClassifier | None = None,
    ) -> RetryPolicy:
        """The connection's retry policy."""
        return RetryPolicy(
            clock=clock,
            rng=rng,
            classifier=classifier,
            max_attempts=self.max_attempts,
            time_budget=self.time_budget,
            backoff_base=self.backoff_base,
            backoff_cap=self.backoff_cap,
            retry_after_cap=self.retry_after_cap,
        )
