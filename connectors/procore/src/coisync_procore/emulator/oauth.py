"""Procore's OAuth 2.0 token endpoint and bearer-token checks.

``POST /oauth/token`` takes a form or JSON body with ``grant_type`` ``client_credentials`` or
``refresh_token`` (client id and secret in the body, or HTTP Basic: assumed accepted too) and
answers ``{access_token, token_type: "Bearer", expires_in, created_at, refresh_token}``.
Refresh tokens are single use [DOC]: using one revokes it, even if the client never sees the
answer. Errors follow RFC 6749 (``{"error": "invalid_client", "error_description": ...}``).

Not emulated yet: the ``authorization_code`` grant (it needs the ``/oauth/authorize`` browser
flow); it is answered with ``unsupported_grant_type``.

The state file keeps only SHA-256 fingerprints of tokens, never the tokens themselves.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import (
    Clock,
    HttpError,
    StateStore,
    derived_secret,
    json_response,
    secret_fingerprint,
)
from coisync_procore.emulator.settings import ProcoreSettings


def _oauth_error(status: int, error: str, description: str) -> HttpError:
    payload = {"error": error, "error_description": description}
    return HttpError(status, payload, message=description, headers={"Cache-Control": "no-store"})


def _params(request: Request) -> dict[str, str]:
    if request.mimetype == "application/json":
        try:
            data = json.loads(request.get_data(cache=True) or b"{}")
        except ValueError:
            raise _oauth_error(400, "invalid_request", "The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise _oauth_error(400, "invalid_request", "The request body must be a JSON object.")
        return {str(k): str(v) for k, v in data.items() if v is not None}
    return dict(request.form.items())


class TokenService:
    """Issues, refreshes and checks tokens.

    Args:
        store: The emulator's state store (token fingerprints live under ``secrets``).
        clock: The emulator clock (expiry).
        seed: Seeds the token values, so a seeded run hands out the same tokens.
        credentials: ``client_id -> client_secret`` of the registered apps.
        settings: The emulator settings (token lifetime, refresh on client credentials).
    """

    def __init__(
        self,
        store: StateStore,
        clock: Clock,
        seed: int,
        credentials: Mapping[str, str],
        settings: ProcoreSettings,
    ) -> None:
        self.store = store
        self.clock = clock
        self.seed = seed
        self.credentials = dict(credentials)
        self.settings = settings

    def _client(self, request: Request, params: dict[str, str]) -> str:
        client_id = params.get("client_id", "")
        secret = params.get("client_secret", "")
        basic = request.authorization
        if basic is not None and basic.type == "basic" and not client_id:
            client_id, secret = basic.username or "", basic.password or ""
        expected = self.credentials.get(client_id)
        if not client_id or expected is None or not hmac.compare_digest(expected, secret):
            raise _oauth_error(
                401,
                "invalid_client",
                "Client authentication failed: unknown client, wrong secret or no client authentication.",
            )
        return client_id

    def token_endpoint(self, request: Request) -> Response:
        """Handle ``POST /oauth/token``."""
        params = _params(request)
        grant = params.get("grant_type")
        if not grant:
            raise _oauth_error(400, "invalid_request", "The grant_type parameter is missing.")
        if grant not in ("client_credentials", "refresh_token"):
            raise _oauth_error(400, "unsupported_grant_type", f"The grant type {grant!r} is not supported.")
        client_id = self._client(request, params)
        with self.store.transaction() as state:
            secrets = state.setdefault("secrets", {"access": {}, "refresh": {}})
            if grant == "refresh_token":
                presented = params.get("refresh_token", "")
                entry = secrets["refresh"].get(secret_fingerprint(presented)) if presented else None
                if entry is None or entry["revoked"] or entry["client_id"] != client_id:
                    raise _oauth_error(
                        400,
                        "invalid_grant",
                        "The refresh token is invalid, expired, revoked or already used.",
                    )
                entry["revoked"] = True
            return self._issue(state, secrets, client_id, with_refresh=grant == "refresh_token")

    def _issue(
        self, state: dict[str, Any], secrets: dict[str, Any], client_id: str, *, with_refresh: bool
    ) -> Response:
        meta = state.setdefault("meta", {})
        n = int(meta.get("tokens_issued", 0)) + 1
        meta["tokens_issued"] = n
        now = int(self.clock.now())
        access = derived_secret(self.seed, "access", n)
        secrets["access"][secret_fingerprint(access)] = {
            "client_id": client_id,
            "expires_at": now + self.settings.token_ttl,
        }
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.settings.token_ttl,
            "created_at": now,
        }
        if with_refresh or self.settings.refresh_on_client_credentials:
            refresh = derived_secret(self.seed, "refresh", n)
            secrets["refresh"][secret_fingerprint(refresh)] = {"client_id": client_id, "revoked": False}
            body["refresh_token"] = refresh
        return json_response(body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def authenticate(self, request: Request) -> str:
        """Check the ``Authorization: Bearer`` header; return the token's client id.

        Raises:
            HttpError: 401 when the header is missing, the token unknown or expired.
        """
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("invalid_request", "The access token is missing.")
        with self.store.reading() as state:
            entry = state.get("secrets", {}).get("access", {}).get(secret_fingerprint(token.strip()))
        if entry is None:
            raise _unauthorized("invalid_token", "The access token is invalid.")
        if self.clock.now() >= entry["expires_at"]:
            raise _unauthorized("invalid_token", "The access token expired.")
        return str(entry["client_id"])


def _unauthorized(code: str, message: str) -> HttpError:
    # Assumed: the body uses the documented {"error": {code, message, details}} shape and a
    # Doorkeeper-style WWW-Authenticate header names the OAuth error.
    challenge = f'Bearer realm="Procore", error="{code}", error_description="{message}"'
    payload = {"error": {"code": "unauthorized", "message": message, "details": None}}
    return HttpError(401, payload, message=message, headers={"WWW-Authenticate": challenge})
