"""Who may call: the credential block of every SOAP body, interface licences and property access.

Every Voyager SIPP call carries ``UserName``, ``Password``, ``ServerName``, ``Database``
(``DataBase`` for ``ImportTenantLeaseDocumentExt``), ``Platform``, ``InterfaceEntity`` and
``InterfaceLicense`` in its body [CODE]. Failures are answered with HTTP 200:

* a wrong or missing user name, password, server or database: ``Login failed.`` [CODE];
* an unknown interface entity or licence, or a property whose interface is not licensed:
  ``Interface <title> is not Configured for property <code>`` [CODE string];
* an unknown property code: ``Invalid Yardi Property Code``; a property the user may not see:
  ``Invalid or no access to Yardi Property`` [CODE strings].

The order of these checks is assumed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from coisync_yardi.emulator.settings import DATABASE_SPELLING, Interface

LOGIN_FAILED = "Login failed."
INVALID_PROPERTY = "Invalid Yardi Property Code"
NO_ACCESS = "Invalid or no access to Yardi Property"


class YardiMessage(Exception):
    """A business answer sent inside HTTP 200 as ``<Messages><Message messageType=...>``.

    Args:
        text: The message.
        message_type: ``Error`` (the default), ``Warning`` or ``Info``.
    """

    def __init__(self, text: str, message_type: str = "Error") -> None:
        super().__init__(text)
        self.text = text
        self.message_type = message_type


def not_configured(interface: Interface, property_code: str) -> YardiMessage:
    """The message for an interface that is not licensed for a property."""
    return YardiMessage(f"Interface {interface.title} is not Configured for property {property_code}")


@dataclass(frozen=True)
class YardiCredential:
    """One Voyager user and the interface licences it may use.

    Attributes:
        user_name: ``UserName``.
        password: ``Password``.
        server_name: ``ServerName``.
        database: ``Database``.
        platforms: Accepted ``Platform`` values.
        licences: ``InterfaceEntity`` to its ``InterfaceLicense``.
        properties: Property codes the user may see; ``None`` for all.
    """

    user_name: str
    password: str
    server_name: str
    database: str
    licences: dict[str, str]
    platforms: frozenset[str] = frozenset({"SQL Server", "Oracle"})
    properties: frozenset[str] | None = field(default=None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> YardiCredential:
        """A credential from plain data (``licences`` maps entity to licence)."""
        properties = data.get("properties")
        return cls(
            user_name=str(data["user_name"]),
            password=str(data["password"]),
            server_name=str(data["server_name"]),
            database=str(data["database"]),
            licences={str(k): str(v) for k, v in dict(data["licences"]).items()},
            platforms=frozenset(data.get("platforms", ("SQL Server", "Oracle"))),
            properties=None if properties is None else frozenset(str(p) for p in properties),
        )


DEMO_CREDENTIAL = YardiCredential(
    user_name="coisync_sipp",
    password="coisync-sandbox-password",  # noqa: S106 - sandbox only
    server_name="coisync_sandbox",
    database="coisync_demo_live",
    licences={"coisync": "coisync-sandbox-licence"},
)
"""The user a fresh emulator accepts when none is given (sandbox only)."""


@dataclass(frozen=True)
class Caller:
    """Who made a call that passed the login check."""

    credential: YardiCredential
    entity: str
    licensed: bool


def _text(params: dict[str, Element], name: str) -> str:
    element = params.get(name)
    return "" if element is None else (element.text or "").strip()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def authenticate(
    params: dict[str, Element], operation: str, interface: Interface, credentials: list[YardiCredential]
) -> Caller:
    """Check the credential block of a call.

    Raises:
        YardiMessage: ``Login failed.``, or the interface is not configured for the entity.
    """
    database_element = DATABASE_SPELLING.get(operation, "Database")
    user = _text(params, "UserName")
    match = next((c for c in credentials if c.user_name.casefold() == user.casefold() and user), None)
    if (
        match is None
        or not _same(_text(params, "Password"), match.password)
        or _text(params, "ServerName").casefold() != match.server_name.casefold()
        or _text(params, database_element).casefold() != match.database.casefold()
        or _text(params, "Platform") not in match.platforms
    ):
        raise YardiMessage(LOGIN_FAILED)
    entity = _text(params, "InterfaceEntity")
    licence = match.licences.get(entity)
    licensed = licence is not None and _same(_text(params, "InterfaceLicense"), licence)
    return Caller(match, entity, licensed)


def require_licence(caller: Caller, interface: Interface) -> None:
    """Refuse a call without a property whose entity or licence does not fit (wording assumed).

    Raises:
        YardiMessage: The interface is not configured for the caller's entity.
    """
    if not caller.licensed:
        raise YardiMessage(f"Interface {interface.title} is not Configured for this Interface Entity")


def resolve_properties(
    raw: str, caller: Caller, interface: Interface, properties: dict[str, dict[str, Any]]
) -> list[str]:
    """The property codes of a ``YardiPropertyId`` value (``;``-separated lists allowed).

    Raises:
        YardiMessage: An empty or unknown code, no access, or the interface is not licensed
            for one of the properties.
    """
    codes = [part.strip() for part in raw.split(";") if part.strip()]
    if not codes:
        raise YardiMessage(INVALID_PROPERTY)
    if not caller.licensed:
        raise not_configured(interface, codes[0])
    lookup = {code.casefold(): code for code in properties}
    resolved: list[str] = []
    for code in codes:
        known = lookup.get(code.casefold())
        if known is None:
            raise YardiMessage(INVALID_PROPERTY)
        allowed = caller.credential.properties
        if allowed is not None and known not in allowed:
            raise YardiMessage(NO_ACCESS)
        if interface.title not in properties[known].get("interfaces", ()):
            raise not_configured(interface, known)
        if known not in resolved:
            resolved.append(known)
    return resolved


__all__ = [
    "DEMO_CREDENTIAL",
    "INVALID_PROPERTY",
    "LOGIN_FAILED",
    "NO_ACCESS",
    "Caller",
    "YardiCredential",
    "YardiMessage",
    "authenticate",
    "not_configured",
    "require_licence",
    "resolve_properties",
]
