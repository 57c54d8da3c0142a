"""The connector SDK's HTTP seam: every request a connector sends goes through here.

Nothing else in coisync retries, rate-limits, pages or authenticates. One
:class:`HttpSession` per connection combines:

* :mod:`~coisync.http.policy`: the host policy (https only, no private or metadata
  addresses, no off-host redirects, TLS always verified), checked before any byte or
  credential leaves the process;
* :mod:`~coisync.http.retry`: one tenacity-based retry policy with full jitter, honouring
  ``Retry-After`` and ``X-Rate-Limit-Reset`` up to a cap, and never resending a write that
  may have been applied unless it carries an idempotency key;
* :mod:`~coisync.http.ratelimit` and :mod:`~coisync.http.breaker`: a token bucket fed by
  the platform's headers, and a consecutive-failure circuit breaker;
* :mod:`~coisync.http.auth`, :mod:`~coisync.http.oauth`, :mod:`~coisync.http.paging` and
  :mod:`~coisync.http.paginators`: credentials and paginators;
* :mod:`~coisync.http.redaction`: the one place secrets are scrubbed from logs and errors;
* :mod:`~coisync.http.clock`: injected time, so tests of all of the above never sleep.

Why synchronous httpx with threads, not asyncio: coisync runs as CLI batch jobs whose
throughput ceiling is the platform's quota, not local concurrency, so a handful of threads
behind a semaphore is enough; a crash or Ctrl-C in a sync program stops at a well-defined
point, which keeps checkpointing simple; vcrpy's httpx support is most reliable for the
sync client; and the emulators run in-process through ``httpx.WSGITransport``, which has
no async counterpart for WSGI apps.
"""

from __future__ import annotations

from coisync.http.auth import ApiKeyHeaders, BasicAuth, SoapBodyCredentials
from coisync.http.breaker import BreakerState, CircuitBreaker
from coisync.http.client import HttpSession
from coisync.http.clock import Clock, FakeClock, SystemClock
from coisync.http.config import HttpConfig
from coisync.http.counters import HttpCounters
from coisync.http.errors import (
    AmbiguousWriteError,
    AuthError,
    CircuitOpenError,
    ConflictError,
    HostNotAllowedError,
    HttpError,
    InvalidResponseError,
    NotFoundError,
    PaginationError,
    PaginationLimitError,
    PaginationLoopError,
    PreconditionFailedError,
    RateLimitedError,
    ResponseTooLargeError,
    ServerError,
    TransportFailedError,
)
from coisync.http.oauth import OAuth2ClientCredentials
from coisync.http.paginators import (
    PAGINATORS,
    JsonApiCursorPaginator,
    ODataNextLinkPaginator,
    OffsetTotalPaginator,
    PageNumberLinkPaginator,
    SinglePage,
    create_paginator,
    register_paginator,
)
from coisync.http.paging import Page, PageRequest, Paginator
from coisync.http.policy import HostPolicy, Resolver, system_resolver
from coisync.http.ratelimit import RateLimiter
from coisync.http.redaction import RedactingFilter, Redactor, SecretSource
from coisync.http.responses import decode_body
from coisync.http.retry import Action, ResponseClassifier, RetryPolicy, server_wait

__all__ = [
    "PAGINATORS",
    "Action",
    "AmbiguousWriteError",
    "ApiKeyHeaders",
    "AuthError",
    "BasicAuth",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "Clock",
    "ConflictError",
    "FakeClock",
    "HostNotAllowedError",
    "HostPolicy",
    "HttpConfig",
    "HttpCounters",
    "HttpError",
    "HttpSession",
    "InvalidResponseError",
    "JsonApiCursorPaginator",
    "NotFoundError",
    "OAuth2ClientCredentials",
    "ODataNextLinkPaginator",
    "OffsetTotalPaginator",
    "Page",
    "PageNumberLinkPaginator",
    "PageRequest",
    "PaginationError",
    "PaginationLimitError",
    "PaginationLoopError",
    "Paginator",
    "PreconditionFailedError",
    "RateLimitedError",
    "RateLimiter",
    "RedactingFilter",
    "Redactor",
    "Resolver",
    "ResponseClassifier",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SecretSource",
    "ServerError",
    "SinglePage",
    "SoapBodyCredentials",
    "SystemClock",
    "TransportFailedError",
    "create_paginator",
    "decode_body",
    "register_paginator",
    "server_wait",
    "system_resolver",
]
