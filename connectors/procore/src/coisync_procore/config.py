"""The settings of a Procore connection and where its OAuth token endpoint is.

::

    [connections.procore]
    connector = "procore"
    base_url = "https://api.procore.com"
    company_id = 4264917

    [connections.procore.credentials]
    client_id = {"$env" = "PROCORE_CLIENT_ID"}
    client_secret = {"$env" = "PROCORE_CLIENT_SECRET"}

The token URL follows from ``base_url`` (Procore's documentation): ``api.procore.com`` logs in
at ``login.procore.com``, ``sandbox.procore.com`` at ``login-sandbox.procore.com``; any other
host (the emulator, a proxy) serves ``/oauth/token`` itself. ``credentials.token_url`` wins.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import Field

from coisync.connector import ConnectionConfig, OAuth2Credentials
from coisync.http import HttpConfig

LOGIN_HOSTS: dict[str, str] = {
    "api.procore.com": "https://login.procore.com",
    "sandbox.procore.com": "https://login-sandbox.procore.com",
}
"""Procore's API hosts and the login host each authenticates against."""

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a URL path, not a secret
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 2000
"""Procore recommends at most 2000 records per page."""


def token_url_for(base_url: str) -> str:
    """The OAuth token endpoint of the Procore instance at ``base_url``."""
    url = httpx.URL(base_url)
    login = LOGIN_HOSTS.get(url.host.lower())
    if login is not None:
        return login + TOKEN_PATH
    return str(url.copy_with(path=TOKEN_PATH, query=None, fragment=None))


class ProcoreConfig(ConnectionConfig):
    """A Procore connection: one company, an OAuth client-credentials service account.

    Attributes:
        company_id: The company whose vendors and insurances are synced; sent as the
            ``Procore-Company-Id`` header on every request.
        credentials: The service account's client id and secret (secret references only).
        page_size: Records per list page (``per_page``).
    """

    company_id: int = Field(gt=0)
    credentials: OAuth2Credentials
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @property
    def token_url(self) -> str:
        """The token endpoint: ``credentials.token_url``, else derived from ``base_url``."""
        return self.credentials.token_url or token_url_for(self.base_url)

    def http_config(self, **overrides: Any) -> HttpConfig:
        """The HTTP settings; Procore has no idempotency header (writes are keyed by record or origin id)."""
        return super().http_config(**{"idempotency_header": None, **overrides})


__all__ = ["DEFAULT_PAGE_SIZE", "LOGIN_HOSTS", "MAX_PAGE_SIZE", "ProcoreConfig", "token_url_for"]
