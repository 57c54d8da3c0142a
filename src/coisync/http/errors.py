"""Errors raised by the HTTP seam, rooted at :class:`coisync.errors.CoisyncError`.

Tree (``T`` marks subclasses of :class:`~coisync.errors.TemporaryError`, exit code 75)::

    CoisyncError
    ├── HttpError                    a request failed; status, method, redacted URL, excerpt
    │   ├── AuthError                401/403: credentials refused or not allowed
    │   ├── NotFoundError            404
    │   ├── ConflictError            409: duplicate or state conflict
    │   ├── PreconditionFailedError  412: the ETag changed; re-read and merge
    │   ├── AmbiguousWriteError      a POST/PATCH may have been applied: read back first
    │   ├── ResponseTooLargeError    body over the configured cap
    │   ├── InvalidResponseError     body is not what the platform promised (e.g. bad JSON)
    │   ├── ServerError          T   5xx after the retry budget was spent
    │   ├── TransportFailedError T   network failure after the retry budget was spent
    │   └── RateLimitedError     T   the platform asked to wait longer than the cap
    ├── CircuitOpenError         T   too many consecutive failures; not calling for a while
    ├── HostNotAllowedError          URL refused by the host policy (SSRF guard)
    └── PaginationError
        ├── PaginationLoopError      the next-page cursor repeated
        └── PaginationLimitError     more pages than the configured cap

Every message is built from already-redacted parts and scrubbed again by the connection's
:class:`~coisync.http.redaction.Redactor` in ``__str__`` and ``__repr__``; no error keeps
the ``httpx.Request`` or ``httpx.Response`` (their headers carry credentials).
"""

from __future__ import annotations

from coisync.errors import CoisyncError, TemporaryError
from coisync.http.redaction import Redactor


class HttpError(CoisyncError):
    """A request failed.

    Args:
        message: What went wrong, for the user (redacted again before use).
        method: The HTTP method.
        url: The request URL (redacted before it is stored).
        status: The response status, or ``None`` when no response arrived.
        body_excerpt: The start of the response body (redacted before it is stored).
        redactor: The connection's redactor; without one, only the built-in names are hidden.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        status: int | None = None,
        body_excerpt: str = "",
        redactor: Redactor | None = None,
    ) -> None:
        redactor = redactor or Redactor()
        self._redactor = redactor
        self.method = method
        self.url = redactor.url(url) if url else ""
        self.status = status
        self.body_excerpt = redactor.body(body_excerpt) if body_excerpt else ""
        self.message = redactor.scrub(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"{self.method} {self.url}".strip()
        status = f" -> {self.status}" if self.status is not None else ""
        text = f"{self.message} ({where}{status})" if where else self.message
        if self.body_excerpt:
            text += f": {self.body_excerpt}"
        return self._redactor.scrub(text)

    def __repr__(self) -> str:
        text = (
            f"{type(self).__name__}(message={self.message!r}, method={self.method!r}, "
            f"url={self.url!r}, status={self.status!r})"
        )
        return self._redactor.scrub(text)


class AuthError(HttpError):
    """The platform refused the credentials (401) or the operation (403).

    The message says which, and that the credentials themselves are never shown.
    """


class NotFoundError(HttpError):
    """The resource does not exist (404)."""


class ConflictError(HttpError):
    """The request conflicts with the platform's state (409), e.g. a duplicate ``origin_id``."""


class PreconditionFailedError(HttpError):
    """The ``If-Match`` ETag no longer matches (412): re-read, re-apply, resend."""


class AmbiguousWriteError(HttpError):
    """A non-idempotent write may or may not have been applied.

    Raised when a POST or PATCH without an idempotency key timed out or lost its connection
    after the request was sent, or got a 5xx. It is never retried automatically: the caller
    reads back by external reference before writing again.
    """


class ResponseTooLargeError(HttpError):
    """The response body exceeded the configured size cap; reading stopped at the cap."""


class InvalidResponseError(HttpError):
    """The response body could not be decoded as the platform promised."""


class ServerError(HttpError, TemporaryError):
    """The platform kept answering 5xx until the retry budget was spent."""


class TransportFailedError(HttpError, TemporaryError):
    """The network kept failing (connect, timeout, reset) until the retry budget was spent."""


class RateLimitedError(HttpError, TemporaryError):
    """The platform asked to wait longer than allowed, or kept answering 429.

    Args:
        message: What happened.
        wait_seconds: How long the platform asked to wait.
        method: The HTTP method.
        url: The request URL (redacted before it is stored).
        status: The response status.
        redactor: The connection's redactor.
    """

    def __init__(
        self,
        message: str,
        *,
        wait_seconds: float,
        method: str = "",
        url: str = "",
        status: int | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(message, method=method, url=url, status=status, redactor=redactor)


class CircuitOpenError(TemporaryError):
    """The circuit breaker is open after repeated failures: no request was sent.

    Args:
        message: What happened.
        retry_in: Seconds until the breaker lets one probe request through.
    """

    def __init__(self, message: str, *, retry_in: float) -> None:
        self.retry_in = retry_in
        super().__init__(message)


class HostNotAllowedError(CoisyncError):
    """A URL was refused by the host policy before anything was sent.

    Args:
        url: The refused URL, already redacted.
        reason: Why it was refused, and how to allow it when that is possible.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused to connect to {url}: {reason}")


class PaginationError(CoisyncError):
    """Paging cannot continue safely."""


class PaginationLoopError(PaginationError):
    """The platform returned a next-page cursor or link it had returned before."""


class PaginationLimitError(PaginationError):
    """More pages than the configured cap; raise the cap if the data set really is that big."""
