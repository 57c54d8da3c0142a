"""``HttpSession``: the one seam every connector request goes through.

Per request, in order: circuit breaker → concurrency slot → (per HTTP exchange, also for
token requests and redirects) host policy and rate limiter → send → capped body read →
classification → retry policy. Counters and one DEBUG log line per exchange, redacted.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from tenacity import RetryCallState

from coisync import jsontext
from coisync.http.clock import Clock, SystemClock
from coisync.http.config import HttpConfig
from coisync.http.counters import HttpCounters
from coisync.http.outcomes import raise_for_action, scrubbed_copy, transport_outcome
from coisync.http.paginators import create_paginator
from coisync.http.paging import Page, PageRequest, Paginator
from coisync.http.policy import HostPolicy, Resolver
from coisync.http.redaction import Redactor, SecretSource, redact_library_logs
from coisync.http.redirects import follow_same_origin_redirects
from coisync.http.responses import decode_body, read_capped
from coisync.http.retry import (
    Action,
    ResponseClassifier,
    RetryableOutcome,
    RetryPolicy,
)
from coisync.readahead import read_ahead as read_ahead_items

logger = logging.getLogger(__name__)


class HttpSession:
    """A connection's HTTP client: policy, retries, rate limits, paging, auth and redaction.

    Thread-safe: call :meth:`request` from many threads; at most ``config.concurrency``
    requests are in flight at once.

    Args:
        config: The connection's HTTP settings.
        auth: An ``httpx.Auth`` from :mod:`coisync.http.auth`, or ``None``.
        redactor: The connection's redactor; one is created when omitted. The auth
            object's secrets are added to it.
        clock: Time source for waits, windows and the breaker.
        rng: Random source for jitter.
        transport: An httpx transport, e.g. ``httpx.MockTransport`` in tests or
            ``httpx.WSGITransport`` for an in-process emulator.
        classifier: Maps responses to retry actions; override for platforms that report
            errors inside HTTP 200.
        resolver: Resolves host names for the host policy (defaults to the system's).
        headers: Headers sent on every request (e.g. ``Procore-Company-Id``).
        name: The connection name used in logs.

    Raises:
        HostNotAllowedError: ``base_url`` or an auth endpoint is refused by the host policy.
    """

    def __init__(
        self,
        config: HttpConfig,
        *,
        auth: httpx.Auth | None = None,
        redactor: Redactor | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        classifier: ResponseClassifier | None = None,
        resolver: Resolver | None = None,
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        self.config = config
        self._auth = auth
        self.redactor = redactor or Redactor()
        if isinstance(auth, SecretSource):
            self.redactor.add_source(auth)
        redact_library_logs(self.redactor)
        self.name = name or httpx.URL(config.base_url).host
        self.clock = clock or SystemClock()
        endpoint_urls = getattr(auth, "endpoint_urls", None)
        extra_urls: tuple[str, ...] = endpoint_urls() if callable(endpoint_urls) else ()
        self.policy = HostPolicy(
            [config.base_url, *extra_urls],
            allow_private_network=config.allow_private_network,
            allow_insecure_http=config.allow_insecure_http,
            resolver=resolver,
        )
        self.policy.warn_about_opt_ins(self.name)
        self.limiter = config.rate_limiter(self.clock)
        self.breaker = config.circuit_breaker(self.clock)
        self.retry_policy = config.retry_policy(self.clock, rng=rng, classifier=classifier)
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self.counters = HttpCounters()
        # trust_env=False: no proxy variables, .netrc credentials or CA overrides from the
        # environment; what a connection sends and trusts is decided by its config alone.
        self._client = httpx.Client(
            base_url=config.base_url,
            auth=auth,
            headers={"User-Agent": config.user_agent, **(headers or {})},
            timeout=config.httpx_timeout(),
            limits=config.httpx_limits(),
            verify=config.ssl_context(),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            event_hooks={"request": [self._before_send], "response": [self._after_receive]},
        )

    # -- public API ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send a request with the connection's policy; return the fully read response.

        Args:
            method: The HTTP method.
            path: A path relative to ``base_url``, or an absolute URL on an allowed host.
            params: Query parameters.
            json: A JSON body.
            content: A raw body (e.g. a SOAP envelope).
            headers: Extra headers for this request.
            idempotency_key: Makes a POST/PATCH safe to resend; sent in
                ``config.idempotency_header`` when that is set. Generate it before the
                first attempt and reuse it for the same operation.
            idempotent: Overrides whether the request is safe to resend after it may have
                reached the server. ``None`` decides by method and ``idempotency_key``;
                ``True`` suits POSTs that only read (SOAP or OData queries).

        Returns:
            The response, body loaded (``.json()``, ``.text`` and ``.content`` work).

        Raises:
            HttpError: The request failed; see the subclasses in :mod:`coisync.http.errors`.
            CircuitOpenError: The breaker is open; nothing was sent.
            HostNotAllowedError: The URL (or a redirect) points off the allowed hosts.
        """
        method = method.upper()
        protected = RetryPolicy.is_protected(method, idempotency_key) if idempotent is None else idempotent
        request_headers = dict(headers or {})
        if idempotency_key and self.config.idempotency_header:
            request_headers[self.config.idempotency_header] = idempotency_key
        options: dict[str, Any] = {"params": params, "headers": request_headers}
        if json is not None:
            # The bytes httpx would send for ``json=``, written by orjson when that is exact.
            body = jsontext.compact_bytes(json)
            if body is None:
                options["json"] = json
            else:
                options["content"] = body
                if not any(name.lower() == "content-type" for name in request_headers):
                    request_headers["Content-Type"] = "application/json"
        if content is not None:
            options["content"] = content

        def attempt() -> httpx.Response:
            return self._attempt(method, path, options, protected=protected)

        return self.retry_policy.run(attempt, before_sleep=self._before_retry_sleep)

    def body(self, response: httpx.Response) -> Any:
        """The JSON body of a response this session returned (``None`` when empty).

        Raises:
            InvalidResponseError: The body is not JSON; the error names the request.
        """
        return decode_body(response, self.redactor)

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """Shorthand for ``request("GET", path, params=params)``."""
        return self.request("GET", path, params=params)

    def paginate(
        self,
        path: str,
        paginator: str | Mapping[str, Any] | Paginator = "none",
        params: Mapping[str, Any] | None = None,
        *,
        read_ahead: int = 0,
    ) -> Iterator[Page]:
        """Yield the pages of a listing, one GET per page.

        Args:
            path: The listing's path.
            paginator: A paginator name, ``{"type": name, **options}``, or an instance.
            params: Query parameters for the first page (filters, ordering).
            read_ahead: Pages fetched ahead by a thread while the caller handles the current one
                (:mod:`coisync.readahead`). Only for a caller that makes no other request on
                this session while it iterates (the session is not shared between threads).

        Raises:
            PaginationLoopError: A next-page cursor repeated.
            PaginationLimitError: The listing passed the paginator's page cap.
            InvalidResponseError: A page is not JSON of the expected shape.
        """
        pages = self._pages(path, create_paginator(paginator), params)
        return read_ahead_items(pages, read_ahead, "pages") if read_ahead else pages

    def _pages(self, path: str, pager: Paginator, params: Mapping[str, Any] | None) -> Iterator[Page]:
        page_request: PageRequest | None = pager.first_request(params or {})
        number = 0
        while page_request is not None:
            if page_request.url is not None:
                response = self.request("GET", page_request.url)
            else:
                response = self.request("GET", path, params=page_request.params)
            body = decode_body(response, self.redactor)
            records = pager.records(body)
            following = pager.next_request(response, body)
            number += 1
            yield Page(number, records, body, response, page_request, following)
            page_request = following

    @property
    def requests_made(self) -> int:
        """HTTP requests handed to the transport (retries, token and redirect requests too)."""
        return self.counters.requests_made

    @property
    def retries(self) -> int:
        """Retries performed (waits slept by the retry policy)."""
        return self.counters.retries

    @property
    def by_status(self) -> dict[int, int]:
        """Responses received, by status code."""
        return self.counters.by_status

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        base_url = self.redactor.url(self.config.base_url)
        text = (
            f"HttpSession(name={self.name!r}, base_url={base_url!r}, "
            f"auth={self._auth!r}, requests_made={self.requests_made})"
        )
        return self.redactor.scrub(text)

    # -- one attempt -----------------------------------------------------------------

    def _attempt(self, method: str, path: str, options: dict[str, Any], *, protected: bool) -> httpx.Response:
        self.breaker.before_request()
        healthy: bool | None = None
        try:
            failure: httpx.TransportError | None = None
            try:
                response = self._exchange(method, path, options)
            except httpx.TransportError as exc:
                failure = exc
            if failure is not None:
                # Raised outside the ``except`` block, chained to a scrubbed copy only.
                healthy = False
                url = str(failure.request.url) if _has_request(failure) else path
                outcome = transport_outcome(
                    failure,
                    method=method,
                    url=url,
                    protected=protected,
                    policy=self.retry_policy,
                    redactor=self.redactor,
                )
                raise outcome from scrubbed_copy(failure, self.redactor)
            healthy = True
            action = self.retry_policy.classify(response)
            if action is Action.OK:
                return response
            # A 5xx says the platform is unwell; a 429 says nothing about its health.
            healthy = {Action.RETRY: False, Action.RATE_LIMITED: None}.get(action, True)
            raise_for_action(
                action,
                response,
                protected=protected,
                policy=self.retry_policy,
                clock=self.clock,
                redactor=self.redactor,
            )
        finally:
            if healthy is True:
                self.breaker.record_success()
            elif healthy is False:
                self.breaker.record_failure()
            else:
                self.breaker.record_neutral()

    def _exchange(self, method: str, path: str, options: dict[str, Any]) -> httpx.Response:
        """Send one request (following same-origin redirects) and read its body, in a slot."""
        with self._slots:
            request = self._client.build_request(method, path, **options)
            started = time.perf_counter()
            try:
                response = self._client.send(request, stream=True)
                try:
                    response = follow_same_origin_redirects(
                        self._client,
                        request,
                        response,
                        max_redirects=self.config.max_redirects,
                        redactor=self.redactor,
                    )
                    loaded = read_capped(response, self.config.max_response_bytes, self.redactor)
                finally:
                    response.close()
            except httpx.TransportError as exc:
                self._log_exchange(request, f"failed: {type(exc).__name__}", started)
                raise
            self._log_exchange(loaded.request, str(loaded.status_code), started)
            return loaded

    # -- hooks, counters and logs ----------------------------------------------------

    def _before_send(self, request: httpx.Request) -> None:
        """Runs for every request right before the transport: the last gate."""
        self.policy.check(request.url)
        self.limiter.acquire()
        self.counters.count_request()

    def _after_receive(self, response: httpx.Response) -> None:
        self.counters.count_response(response.status_code)
        self.limiter.observe(response)

    def _before_retry_sleep(self, retry_state: RetryCallState) -> None:
        self.counters.count_retry()
        failed = retry_state.outcome.exception() if retry_state.outcome is not None else None
        reason = str(failed.error) if isinstance(failed, RetryableOutcome) else type(failed).__name__
        logger.debug(
            "%s",
            self.redactor.scrub(
                f"{self.name}: retry {retry_state.attempt_number}/"
                f"{self.retry_policy.max_attempts - 1} in {retry_state.upcoming_sleep:.2f} s "
                f"after {reason}"
            ),
        )

    def _log_exchange(self, request: httpx.Request, outcome: str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = time.perf_counter() - started
            line = f"{self.name}: {request.method} {self.redactor.url(request.url)} -> {outcome}"
            logger.debug("%s (%.3f s)", self.redactor.scrub(line), elapsed)


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - the property raises when no request is attached
    except RuntimeError:
        return False
    return True
