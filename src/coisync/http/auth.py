"""Static credentials: HTTP Basic, API-key headers, and SOAP body credentials for Yardi.

OAuth 2 lives in :mod:`coisync.http.oauth`.

Every class keeps its secrets in :class:`pydantic.SecretStr`, shows them masked in
``repr``, and implements ``secret_values()`` so the connection's
:class:`~coisync.http.redaction.Redactor` hides them (including OAuth tokens issued at run
time) from logs and errors. The auth objects are sync-only, like the seam.
"""

from __future__ import annotations

import base64
from collections.abc import Generator, Iterable, Mapping

import httpx
from pydantic import SecretStr


def _reveal(value: str | SecretStr) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class BasicAuth(httpx.Auth):
    """HTTP Basic authentication (MRI, VTS).

    Args:
        username: The user name; pass a ``SecretStr`` when it embeds a key, as MRI's
            ``ClientID/Database/UserID/PartnerKey`` does.
        password: The password.
    """

    def __init__(self, username: str | SecretStr, password: SecretStr) -> None:
        self._username = username
        self._password = password
        raw = f"{_reveal(username)}:{password.get_secret_value()}".encode()
        self._header = SecretStr("Basic " + base64.b64encode(raw).decode("ascii"))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the ``Authorization`` header."""
        request.headers["Authorization"] = self._header.get_secret_value()
        yield request

    def secret_values(self) -> Iterable[str]:
        """The password, the encoded header and a secret user name."""
        values = [self._password.get_secret_value(), self._header.get_secret_value()]
        values.append(self._header.get_secret_value().removeprefix("Basic "))
        if isinstance(self._username, SecretStr):
            values.append(self._username.get_secret_value())
        return values

    def __repr__(self) -> str:
        return f"BasicAuth(username={self._username!r}, password={self._password!r})"


class ApiKeyHeaders(httpx.Auth):
    """Fixed headers carrying keys, e.g. Buildium's ``x-buildium-client-id`` and ``-secret``.

    Args:
        headers: Header name to value; ``SecretStr`` values are secret, plain strings
            (an account or client id) are sent as they are and not treated as secret.
    """

    def __init__(self, headers: Mapping[str, str | SecretStr]) -> None:
        if not headers:
            raise ValueError("ApiKeyHeaders needs at least one header")
        self._headers = dict(headers)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the headers."""
        for name, value in self._headers.items():
            request.headers[name] = _reveal(value)
        yield request

    def secret_values(self) -> Iterable[str]:
        """The secret header values."""
        return [v.get_secret_value() for v in self._headers.values() if isinstance(v, SecretStr)]

    def __repr__(self) -> str:
        shown = {k: v if isinstance(v, SecretStr) else "<id>" for k, v in self._headers.items()}
        return f"ApiKeyHeaders({shown!r})"


class SoapBodyCredentials:
    """Credentials that travel inside a SOAP body (Yardi Voyager), not in headers.

    Not an ``httpx.Auth``: the envelope builder asks :meth:`elements` for the element
    names and values, in the order the WSDL lists them, and escapes them as XML text.

    Args:
        user_name: ``UserName``.
        password: ``Password``.
        server_name: ``ServerName``.
        database: ``Database``.
        platform: ``Platform``, e.g. ``SQL Server``.
        interface_entity: ``InterfaceEntity``, the licensed vendor name.
        interface_license: ``InterfaceLicense``.
    """

    def __init__(
        self,
        *,
        user_name: str,
        password: SecretStr,
        server_name: str,
        database: str,
        platform: str,
        interface_entity: str,
        interface_license: SecretStr,
    ) -> None:
        self.user_name = user_name
        self._password = password
        self.server_name = server_name
        self.database = database
        self.platform = platform
        self.interface_entity = interface_entity
        self._interface_license = interface_license

    def elements(self, *, database_element: str = "Database") -> list[tuple[str, str]]:
        """The credential elements as ``(name, value)`` pairs, secrets revealed.

        Args:
            database_element: The spelling of the database element; Yardi's
                ``ImportTenantLeaseDocumentExt`` uses ``DataBase``.
        """
        return [
            ("UserName", self.user_name),
            ("Password", self._password.get_secret_value()),
            ("ServerName", self.server_name),
            (database_element, self.database),
            ("Platform", self.platform),
            ("InterfaceEntity", self.interface_entity),
            ("InterfaceLicense", self._interface_license.get_secret_value()),
        ]

    def secret_values(self) -> Iterable[str]:
        """The password and the interface licence."""
        return [self._password.get_secret_value(), self._interface_license.get_secret_value()]

    def __repr__(self) -> str:
        return (
            f"SoapBodyCredentials(user_name={self.user_name!r}, password={self._password!r}, "
            f"server_name={self.server_name!r}, database={self.database!r}, "
            f"interface_entity={self.interface_entity!r}, "
            f"interface_license={self._interface_license!r})"
        )
