"""OAuth 2 client-credentials authentication (Procore service accounts).

The token is an ordinary secret of the connection: :meth:`OAuth2ClientCredentials.secret_values`
hands every token issued so far to the connection's redactor, so none is ever logged.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Generator, Iterable
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from coisync.http.clock import Clock, SystemClock
from coisync.http.errors import AuthError, InvalidResponseError, ServerError
from coisync.http.retry import RetryableOutcome, server_wait

DEFAULT_REFRESH_MARGIN = 60.0
"""Seconds before expiry at which an OAuth token is replaced."""

DEFAULT_TOKEN_LIFETIME = 3600.0
"""Assumed lifetime of a token whose response omits ``expires_in``."""

MAX_TOKEN_RESPONSE_BYTES = 64 * 1024

KEPT_OLD_TOKENS = 16
"""Replaced tokens still handed to the redactor."""


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # monotonic


class OAuth2ClientCredentials(httpx.Auth):
    """OAuth 2 client-credentials grant (Procore service accounts), thread-safe.

    The token is fetched on first use and replaced ``refresh_margin`` seconds before it
    expires. A 401 on a request triggers exactly one refresh and one resend of that
    request; a second 401 is returned to the caller (and becomes an ``AuthError``). The
    token request goes through the same client, so the host policy, rate limiter and
    counters see it. One refresh runs at a time; other threads wait for its token.

    Args:
        token_url: The token endpoint (also added to the connection's allowed hosts).
        client_id: The client id.
        client_secret: The client secret.
        scope: Optional scope string.
        clock: Times token expiry.
        refresh_margin: Seconds before expiry at which the token is replaced.
        send_credentials_in: ``"body"`` (form fields; Procore) or ``"basic"`` (RFC 6749 §2.3.1).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        *,
        scope: str | None = None,
        clock: Clock | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        send_credentials_in: str = "body",
    ) -> None:
        if send_credentials_in not in ("body", "basic"):
            raise ValueError("send_credentials_in must be 'body' or 'basic'")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self._clock = clock or SystemClock()
        self.refresh_margin = refresh_margin
        self._credentials_in = send_credentials_in
        self._state_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._token: _Token | None = None
        self._old_tokens: list[str] = []
        self.tokens_fetched = 0
        """How many tokens were obtained (for tests and metrics)."""

    def endpoint_urls(self) -> tuple[str, ...]:
        """URLs besides ``base_url`` this auth sends requests to."""
        return (self.token_url,)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authorise ``request``, fetching or refreshing the token as needed."""
        token = self._fresh_token()
        if token is None:
            token = yield from self._refresh(stale=None)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = yield from self._refresh(stale=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Not used: :meth:`sync_auth_flow` does the work (async clients are not supported)."""
        raise NotImplementedError("OAuth2ClientCredentials supports sync httpx clients only")

    def _fresh_token(self) -> str | None:
        with self._state_lock:
            token = self._token
        if token and self._clock.monotonic() < token.expires_at - self.refresh_margin:
            return token.value
        return None

    def _refresh(self, stale: str | None) -> Generator[httpx.Request, httpx.Response, str]:
        # Held across the token request; httpx closes this flow on any error, which
        # runs the ``finally`` and releases it.
        self._refresh_lock.acquire()
        try:
            with self._state_lock:
                current = self._token
            # Someone else refreshed while we waited, or the cached token is still good.
            if (
                current is not None
                and current.value != stale
                and (stale is not None or self._fresh_token() is not None)
            ):
                return current.value
            response = yield self._token_request()
            token = self._parse(response)
            with self._state_lock:
                if self._token is not None:
                    # Replaced tokens stay secret (they may still be valid, or logged).
                    self._old_tokens = [*self._old_tokens, self._token.value][-KEPT_OLD_TOKENS:]
                self._token = token
                self.tokens_fetched += 1
            return token.value
        finally:
            self._refresh_lock.release()

    def _token_request(self) -> httpx.Request:
        data = {"grant_type": "client_credentials"}
        headers = {"Accept": "application/json"}
        secret = self._client_secret.get_secret_value()
        if self._credentials_in == "body":
            data |= {"client_id": self.client_id, "client_secret": secret}
        else:
            raw = f"{self.client_id}:{secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        if self.scope:
            data["scope"] = self.scope
        return httpx.Request("POST", self.token_url, data=data, headers=headers)

    def _parse(self, response: httpx.Response) -> _Token:
        declared = response.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > MAX_TOKEN_RESPONSE_BYTES:
            raise InvalidResponseError("the token response is too large", method="POST")
        body = response.read()
        if len(body) > MAX_TOKEN_RESPONSE_BYTES:
            raise InvalidResponseError("the token response is too large", method="POST")
        if response.status_code in (400, 401, 403):
            raise AuthError(
                f"the token endpoint refused client id {self.client_id!r} "
                f"(HTTP {response.status_code}); check the client secret (it is never shown)",
                method="POST",
                status=response.status_code,
            )
        if response.status_code != 200:
            error = ServerError(
                f"the token endpoint answered HTTP {response.status_code}; try again later",
                method="POST",
                status=response.status_code,
            )
            if response.status_code == 429 or response.status_code >= 500:
                # Throttled or unwell before the API request was sent: the whole request may
                # be retried (after the server's wait), whatever its method.
                raise RetryableOutcome(error, wait_hint=server_wait(response, self._clock) or 0.0)
            raise error
        try:
            payload = response.json()
            value = str(payload["access_token"])
            lifetime = float(payload.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (ValueError, KeyError, TypeError):
            raise InvalidResponseError(
                "the token response is not JSON with an access_token", method="POST"
            ) from None
        return _Token(value=value, expires_at=self._clock.monotonic() + lifetime)

    def secret_values(self) -> Iterable[str]:
        """The client secret and every token issued so far."""
        with self._state_lock:
            tokens = [*self._old_tokens, *([self._token.value] if self._token else [])]
        return [self._client_secret.get_secret_value(), *tokens]

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(token_url={self.token_url!r}, "
            f"client_id={self.client_id!r}, client_secret={self._client_secret!r})"
        )
