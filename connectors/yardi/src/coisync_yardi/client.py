"""Calling Voyager's SIPP operations: the credential block, the service paths, the results.

Every call sends the credential block first (``DataBase`` for ``ImportTenantLeaseDocumentExt``),
then the operation's parameters, through the connection's session (the classifier has already
turned login, configuration and throttling messages into errors). Reads that answer with an
error message raise :class:`~coisync_yardi.errors.YardiMessageError`; imports return their
messages so the writer can tell an applied write from a rejected one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from coisync.http.soap import SOAP_VERSIONS, ParamValue, local_name
from coisync.http.soap_client import call_operation
from coisync_yardi.classifier import NO_POLICIES
from coisync_yardi.errors import YardiMessageError

if TYPE_CHECKING:
    from coisync_yardi.connector import YardiConnector

WEBSERVICE_NS = "http://tempuri.org/YSI.Interfaces.WebServices/"
VENDOR_INVOICING = "ItfVendorInvoicing"
COMMON_DATA = "ItfCommonData"
RENTERS_INSURANCE = "ItfRentersInsurance30"
DATABASE_SPELLING = {"ImportTenantLeaseDocumentExt": "DataBase"}


@dataclass(frozen=True)
class Messages:
    """The ``<Messages>`` an import answered: ``(messageType, text)`` pairs."""

    items: tuple[tuple[str, str], ...]

    @property
    def errors(self) -> list[str]:
        """The error texts."""
        return [text for kind, text in self.items if kind.lower() == "error"]

    def summary(self) -> str:
        """Every message on one line."""
        return "; ".join(text for _, text in self.items)


def messages_of(element: Element | None) -> Messages | None:
    """The messages of a ``<Messages>`` result, or ``None`` when the result is a document."""
    if element is None or local_name(element.tag) != "Messages":
        return None
    return Messages(
        tuple(
            (m.get("messageType", ""), (m.text or "").strip())
            for m in element
            if local_name(m.tag) == "Message"
        )
    )


class YardiClient:
    """The SIPP operations a connection calls.

    Args:
        connector: The connector whose config, credentials and session are used.
    """

    def __init__(self, connector: YardiConnector) -> None:
        self.connector = connector

    def call(
        self, interface: str, operation: str, params: list[tuple[str, ParamValue]], *, read_only: bool = True
    ) -> Element | None:
        """Call ``operation`` of ``interface``; the result document (``None`` when empty).

        Raises:
            HttpError: The call failed (login, configuration and throttling included).
        """
        credentials = self.connector.config.credentials.body_credentials()
        database = DATABASE_SPELLING.get(operation, "Database")
        body: list[tuple[str, ParamValue]] = [*credentials.elements(database_element=database), *params]
        return call_operation(
            self.connector.session,
            f"/webservices/{interface}.asmx",
            operation=operation,
            namespace=WEBSERVICE_NS + interface,
            params=body,
            version=SOAP_VERSIONS[self.connector.config.soap_version],
            read_only=read_only,
        )

    def read(self, interface: str, operation: str, params: list[tuple[str, ParamValue]]) -> Element | None:
        """A read: the result document, ``None`` for Yardi's "no records" answer.

        Raises:
            YardiMessageError: The read answered with another error message.
        """
        result = self.call(interface, operation, params)
        messages = messages_of(result)
        if messages is None:
            return result
        if messages.errors == [NO_POLICIES]:
            return None
        if messages.errors:
            raise YardiMessageError(f"Yardi {operation} failed: {messages.summary()}")
        return None

    def write(self, interface: str, operation: str, params: list[tuple[str, ParamValue]]) -> Messages:
        """An import: its messages (errors mean the import was refused and nothing stored).

        Raises:
            HttpError: The call failed; ``AmbiguousWriteError`` when it may have been applied.
        """
        result = self.call(interface, operation, params, read_only=False)
        return messages_of(result) or Messages(())


__all__ = [
    "COMMON_DATA",
    "RENTERS_INSURANCE",
    "VENDOR_INVOICING",
    "WEBSERVICE_NS",
    "Messages",
    "YardiClient",
    "messages_of",
]
