"""What one attempt's outcome means: return, retry (with which error if none is left), or raise.

These functions apply the policy table of :mod:`coisync.http.retry` to a classified
response or a transport failure. They return or raise; they never sleep or send.
"""

from __future__ import annotations

from typing import NoReturn

import httpx

from coisync.errors import CoisyncError
from coisync.http.clock import Clock
from coisync.http.errors import (
    AmbiguousWriteError,
    HttpError,
    RateLimitedError,
    ServerError,
    TransportFailedError,
)
from coisync.http.redaction import Redactor
from coisync.http.responses import EXCERPT_SOURCE_CHARS, status_error
from coisync.http.retry import MAYBE_SENT_ERRORS, Action, RetryableOutcome, RetryPolicy, server_wait


def raise_for_action(
    action: Action,
    response: httpx.Response,
    *,
    protected: bool,
    policy: RetryPolicy,
    clock: Clock,
    redactor: Redactor,
) -> NoReturn:
    """Raise what a non-OK ``action`` on ``response`` calls for.

    Raises:
        RetryableOutcome: Retry; carries the error to raise when no attempt is left.
        AmbiguousWriteError: A 5xx on a write that is not safe to resend.
        RateLimitedError: The server asked to wait longer than the cap.
        HttpError: A permanent failure (the subclass named after the status).
    """
    method, url, status = response.request.method, str(response.request.url), response.status_code
    if action is Action.FAIL or action is Action.OK:
        raise status_error(response, redactor)
    if action is Action.RETRY and not protected:
        raise AmbiguousWriteError(
            f"HTTP {response.status_code} on a write without an idempotency key: it may have "
            "been applied; read it back before writing again",
            method=method,
            url=url,
            status=status,
            body_excerpt=response.text[:EXCERPT_SOURCE_CHARS],
            redactor=redactor,
        )
    wait = server_wait(response, clock) or 0.0
    if wait > policy.retry_after_cap:
        raise RateLimitedError(
            f"the platform asked to wait {wait:.0f} s, more than the {policy.retry_after_cap:.0f} s "
            "cap (retry_after_cap); try again later",
            wait_seconds=wait,
            method=method,
            url=url,
            status=status,
            redactor=redactor,
        )
    error: CoisyncError
    if action is Action.RATE_LIMITED:
        error = RateLimitedError(
            "the platform is still rate limiting after the last attempt",
            wait_seconds=wait,
            method=method,
            url=url,
            status=status,
            redactor=redactor,
        )
    else:
        error = status_error(response, redactor)
        if not isinstance(error, ServerError):  # a classifier asked to retry a non-5xx
            error = ServerError(error.message, method=method, url=url, status=status, redactor=redactor)
    raise RetryableOutcome(error, wait_hint=wait)


def transport_outcome(
    exc: httpx.TransportError,
    *,
    method: str,
    url: str,
    protected: bool,
    policy: RetryPolicy,
    redactor: Redactor,
) -> Exception:
    """The exception to raise for a transport failure: a retry signal or a final error.

    Args:
        exc: The failure.
        method: The request method.
        url: The request URL (redacted by the error).
        protected: Whether the request is safe to resend.
        policy: The retry policy.
        redactor: The connection's redactor.
    """
    kind = type(exc).__name__
    if policy.is_retryable_transport_error(exc, protected=protected):
        error = TransportFailedError(
            f"network failure ({kind}) on every attempt", method=method, url=url, redactor=redactor
        )
        return RetryableOutcome(error)
    if isinstance(exc, MAYBE_SENT_ERRORS):
        return AmbiguousWriteError(
            f"{kind} after the request was sent, on a write without an idempotency key: it may "
            "have been applied; read it back before writing again (not retried)",
            method=method,
            url=url,
            redactor=redactor,
        )
    return HttpError(f"request failed ({kind})", method=method, url=url, redactor=redactor)


def scrubbed_copy(exc: httpx.TransportError, redactor: Redactor) -> httpx.TransportError:
    """A copy of ``exc`` with a redacted message and no request attached, to chain errors to.

    httpx messages and the ``request`` they carry may hold URLs and headers with secrets.
    """
    message = redactor.scrub(str(exc))
    try:
        return type(exc)(message)
    except TypeError:  # pragma: no cover - every httpx transport error takes a message
        return httpx.TransportError(message)
