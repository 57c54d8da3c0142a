"""Knobs of the Yardi emulator and the interfaces it serves.

Documented (or evidenced by client code) behaviour is fixed; every assumed behaviour has a
switch here, marked "assumed", with the emulator's best guess as its default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from coisync.sandbox.emulator import RateWindow

WEBSERVICE_NS = "http://tempuri.org/YSI.Interfaces.WebServices/"
"""Namespace prefix of every interface; the interface name follows (WSDLs of pyx4j, yardi-sdk)."""

VENDOR_NS = "http://yardi.com/Vendor"
"""Namespace of the vendor document (assumed; Yardi publishes no vendor insurance schema)."""

TENANT_NS = "http://yardi.com/CommercialTenant"
"""Namespace of the commercial-tenant document (assumed)."""

RENTERS_NS = "http://yardi.com/RentersInsurance30"
"""Namespace of Renters Insurance 3.0 policy documents (GetCovered client code)."""

MITS_NS = "http://my-company.com/namespace"
"""Namespace the ``MITS:`` prefix is bound to in Renters Insurance 3.0 documents (as sent by clients)."""


@dataclass(frozen=True)
class Interface:
    """One SIPP interface: its ASMX file name, display name and operations.

    Attributes:
        asmx: The service name in the URL (``ItfVendorInvoicing``).
        title: The name Yardi's messages use (``Vendor Invoicing``).
        operations: Operation name to its parameter names, in WSDL order (credentials excluded).
    """

    asmx: str
    title: str
    operations: dict[str, tuple[str, ...]]

    @property
    def namespace(self) -> str:
        """The interface's XML namespace."""
        return WEBSERVICE_NS + self.asmx


VENDOR_INVOICING = Interface(
    "ItfVendorInvoicing",
    "Vendor Invoicing",
    {
        "GetVendor_Login": ("YardiPropertyId", "VendorId"),
        "GetVendors_Login": ("YardiPropertyId",),
        "GetVendorsSync": ("YardiPropertyId",),
        "ImportVendors_Login": ("YardiPropertyId", "XmlDoc"),
        "ImportAttachment": (
            "YardiPropertyId",
            "InvoiceID",
            "AttachmentType",
            "Description",
            "Attachment",
            "Extension",
        ),
        "GetAttachmentTypes": (),
    },
)
COMMON_DATA = Interface(
    "ItfCommonData",
    "Common Data",
    {
        "Ping": (),
        "GetVersionNumber": (),
        "GetRateLimits": (),
        "GetPropertyConfigurations": (),
        "GetPropertyConfigurationsModifiedFromDate": ("DateModified",),
        "GetResidentsByDate": ("YardiPropertyId", "Status", "ModifiedSinceDate"),
        "UpdateResidentData": ("XmlDoc",),
        "ImportTenantLeaseDocumentExt": (
            "PropertyId",
            "TenantCode",
            "AttachmentType",
            "Description",
            "Attachment",
            "FileExtension",
        ),
        "GetTenantLeaseDocuments_DateRange": ("PropertyId", "TenantCode", "FromDate", "ToDate"),
    },
)
RENTERS_INSURANCE = Interface(
    "ItfRentersInsurance30",
    "Renters Insurance",
    {
        "GetInsurancePolicies": ("YardiPropertyId", "TenantId", "PolicyNumber", "PolicyDateLastModified"),
        "ImportInsurancePolicies": ("YardiPropertyId", "Policy"),
    },
)
INTERFACES: dict[str, Interface] = {
    i.asmx.lower(): i for i in (VENDOR_INVOICING, COMMON_DATA, RENTERS_INSURANCE)
}
"""Interfaces by lower-cased ASMX name (IIS matches paths without regard to case)."""

DATABASE_SPELLING: dict[str, str] = {"ImportTenantLeaseDocumentExt": "DataBase"}
"""Operations whose credential block spells the database element differently (yardi-sdk)."""

HostilePayload = Literal["xml_bomb", "external_entity"]


@dataclass(frozen=True)
class YardiSettings:
    """Behaviour switches of :class:`~coisync_yardi.emulator.app.YardiEmulator`.

    Attributes:
        rate_window: Calls per interface and interface entity per window (assumed: Voyager's
            throttling is undocumented; ``GetRateLimits`` exists but its format is unknown).
        over_limit_status: 200 answers an over-limit call with an error message inside the
            SOAP result (assumed default, like every other Yardi error); 429 switches to HTTP
            429 with ``Retry-After`` for robustness tests.
        vendor_sync_since_last_call: ``GetVendorsSync`` returns vendors changed since the
            previous call by the same interface entity (assumed; undocumented).
        policy_match_on_number: An imported ``<Policy>`` without ``PolicyId`` updates the
            vendor's or tenant's policy with the same type and number instead of adding one
            (assumed).
        vendor_attachments_by_invoice_id: ``ImportAttachment`` accepts a vendor id in
            ``InvoiceID`` when ``AttachmentType`` is a vendor attachment type (assumed;
            the interface is for invoices).
        hostile: Serve an XML bomb (billion laughs) or an external-entity document in place
            of every read result, to test that clients refuse them.
        version_number: What ``GetVersionNumber`` answers.
        clients: The client database paths served (``/{client}/webservices/...``); others are 404.
    """

    rate_window: RateWindow = field(default_factory=lambda: RateWindow(1000, 3600))
    over_limit_status: Literal[200, 429] = 200
    vendor_sync_since_last_call: bool = True
    policy_match_on_number: bool = True
    vendor_attachments_by_invoice_id: bool = True
    hostile: HostilePayload | None = None
    version_number: str = "7.2.0.0 (coisync emulator)"
    clients: frozenset[str] = frozenset({"coisync"})


__all__ = [
    "COMMON_DATA",
    "DATABASE_SPELLING",
    "INTERFACES",
    "MITS_NS",
    "RENTERS_INSURANCE",
    "RENTERS_NS",
    "TENANT_NS",
    "VENDOR_INVOICING",
    "VENDOR_NS",
    "WEBSERVICE_NS",
    "HostilePayload",
    "Interface",
    "YardiSettings",
]
