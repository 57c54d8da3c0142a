"""Typed credential tables for ``[connections.NAME.credentials]``, one per kind of auth.

Each model holds secrets as :data:`~coisync.secrets.Secret` (references in the config file,
``SecretStr`` in memory) and builds the matching object of :mod:`coisync.http.auth`. A
connector's config subclass names the one it needs::

    class AcmeConfig(ConnectionConfig):
        credentials: OAuth2Credentials
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from coisync.http import ApiKeyHeaders, BasicAuth, Clock, OAuth2ClientCredentials, SoapBodyCredentials
from coisync.secrets import Secret


class Credentials(BaseModel):
    """Base of credential tables; on its own it holds nothing (no auth)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    def auth(self, *, clock: Clock | None = None, token_url: str | None = None) -> httpx.Auth | None:
        """The ``httpx.Auth`` these credentials make, or ``None`` when they are not header-based.

        Args:
            clock: Times token expiry (OAuth).
            token_url: The connector's token endpoint (OAuth), used when the config names none.
        """
        return None


class BasicCredentials(Credentials):
    """HTTP Basic: a user name (plain or a reference, when it embeds a key) and a password."""

    username: Secret | str = Field(min_length=1)
    password: Secret

    def auth(self, *, clock: Clock | None = None, token_url: str | None = None) -> BasicAuth:
        """A :class:`~coisync.http.auth.BasicAuth`."""
        return BasicAuth(self.username, self.password)


class SecretUserBasicCredentials(BasicCredentials):
    """HTTP Basic whose user name is a secret reference too: an API key (VTS) or a name that
    embeds a partner key (MRI). An inline user name is refused like an inline password."""

    username: Secret


class ApiKeyCredentials(Credentials):
    """Secret headers sent with every request, e.g. ``x-client-id`` and ``x-client-secret``."""

    headers: dict[str, Secret] = Field(min_length=1)

    def auth(self, *, clock: Clock | None = None, token_url: str | None = None) -> ApiKeyHeaders:
        """An :class:`~coisync.http.auth.ApiKeyHeaders`."""
        return ApiKeyHeaders(dict(self.headers))


class OAuth2Credentials(Credentials):
    """OAuth 2 client credentials; ``token_url`` defaults to the connector's own."""

    client_id: Secret | str = Field(min_length=1)
    client_secret: Secret
    token_url: str | None = None
    scope: str | None = None

    def auth(self, *, clock: Clock | None = None, token_url: str | None = None) -> OAuth2ClientCredentials:
        """An :class:`~coisync.http.auth.OAuth2ClientCredentials`.

        Args:
            clock: Times token expiry.
            token_url: The connector's token endpoint, used when the config names none.

        Raises:
            ValueError: Neither the config nor the connector names a token URL.
        """
        url = self.token_url or token_url
        if not url:
            raise ValueError("no token_url: set credentials.token_url")
        client_id = self.client_id if isinstance(self.client_id, str) else self.client_id.get_secret_value()
        return OAuth2ClientCredentials(url, client_id, self.client_secret, scope=self.scope, clock=clock)


class SoapCredentials(Credentials):
    """Credentials carried inside SOAP bodies (no HTTP auth header).

    The names (user, server, database, entity) may be plain text or secret references, like an
    OAuth client id; only the password and the interface licence must be references.
    """

    user_name: Secret | str = Field(min_length=1)
    password: Secret
    server_name: Secret | str = Field(min_length=1)
    database: Secret | str = Field(min_length=1)
    platform: str = "SQL Server"
    interface_entity: Secret | str = Field(min_length=1)
    interface_license: Secret

    def body_credentials(self) -> SoapBodyCredentials:
        """A :class:`~coisync.http.auth.SoapBodyCredentials` for the envelope builder."""
        data: dict[str, Any] = self.model_dump()
        values = {key: getattr(self, key) for key in data}
        for key in ("user_name", "server_name", "database", "interface_entity"):
            value = values[key]
            values[key] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return SoapBodyCredentials(**values)


__all__ = [
    "ApiKeyCredentials",
    "BasicCredentials",
    "Credentials",
    "OAuth2Credentials",
    "SecretUserBasicCredentials",
    "SoapCredentials",
]
