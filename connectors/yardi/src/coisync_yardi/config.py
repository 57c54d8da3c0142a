"""The settings of a Yardi Voyager connection.

::

    [connections.yardi]
    connector = "yardi"
    base_url = "https://www.iyardiasp.com/8223thirddev"   # up to the client database path
    properties = ["hp01", "hp02"]                          # YardiPropertyId codes to sync

    [connections.yardi.credentials]
    user_name = "coisync_sipp"
    password = {"$env" = "YARDI_PASSWORD"}
    server_name = "afqoml_itf70"
    database = "afqoml_itf70"
    interface_entity = "coisync"
    interface_license = {"$env" = "YARDI_INTERFACE_LICENSE"}

Services live at ``{base_url}/webservices/{Interface}.asmx``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from coisync.connector import ConnectionConfig, SoapCredentials
from coisync.http import HttpConfig

PROPERTY_CODE = r"^[A-Za-z0-9_.\-]{1,20}$"


class YardiConfig(ConnectionConfig):
    """A Yardi Voyager connection: SIPP interface credentials and the properties to sync.

    Attributes:
        credentials: The interface user, its password and interface licence (secret references).
        properties: Property codes (``YardiPropertyId``); calls send them ``;``-joined.
        soap_version: ``1.1`` (``text/xml`` + ``SOAPAction``) or ``1.2``.
        tenant_status: ``Status`` sent to ``GetResidentsByDate`` (empty: every status).
        vendor_attachment_type: ``AttachmentType`` of a vendor's certificate PDF.
        tenant_document_type: ``AttachmentType`` of a tenant's certificate PDF.
    """

    credentials: SoapCredentials
    properties: list[str] = Field(min_length=1)
    soap_version: Literal["1.1", "1.2"] = "1.1"
    tenant_status: str = ""
    vendor_attachment_type: str = "Vendor COI"
    tenant_document_type: str = "Insurance Certificate"

    @field_validator("properties")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        import re

        for code in value:
            if not re.match(PROPERTY_CODE, code):
                raise ValueError(f"{code!r} is not a Yardi property code (letters, digits, '_', '-', '.')")
        return list(dict.fromkeys(value))

    @property
    def property_list(self) -> str:
        """The ``YardiPropertyId`` value: every configured code, ``;``-joined."""
        return ";".join(self.properties)

    def http_config(self, **overrides: Any) -> HttpConfig:
        """The HTTP settings; SOAP has no idempotency header (imports are keyed by record ids)."""
        return super().http_config(**{"idempotency_header": None, **overrides})


__all__ = ["PROPERTY_CODE", "YardiConfig"]
