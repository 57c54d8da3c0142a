"""Yardi's streams: properties, vendors, commercial tenants, leases and their policies.

Voyager has no paging: one call returns everything for the connection's properties (sent
``;``-joined). Vendors come from ``GetVendors_Login``, which takes no date, so the vendor
streams read the whole set and the cursor (``LastModified``, closed bound) drops what was
handed over before. Tenants come from ``GetResidentsByDate``, asked for changes since the
cursor. Records are not promised in cursor order, so every stream is unsorted: the cursor
moves after the last batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree.ElementTree import Element

from coisync.connector import Cursor, RecordBatch, Stream, batch_records
from coisync.connector.mapped import identified_record
from coisync.model import EntityKind
from coisync_yardi.client import COMMON_DATA, VENDOR_INVOICING, YardiClient
from coisync_yardi.records import policy_records, raw_records, without_insurance

if TYPE_CHECKING:
    from coisync_yardi.connector import YardiConnector

YARDI_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
"""Vendor ids, tenant codes, property codes and policy ids as Voyager issues them."""


class YardiStream(Stream):
    """A stream over one Voyager read; subclasses say what to call and how to split the answer."""

    cursor_field: ClassVar[str | None] = "LastModified"
    sorted: ClassVar[bool] = False
    bound = "closed"

    def __init__(self, connector: YardiConnector) -> None:
        self.connector = connector
        self.client = YardiClient(connector)

    def fetch(self, cursor: Cursor) -> Element | None:
        """The document to read records from."""
        raise NotImplementedError

    def records(self, document: Element | None) -> list[Any]:
        """The raw records of the document."""
        raise NotImplementedError

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        """Yield the records changed since ``cursor`` (see the module docs)."""
        mapping = self.connector.mapping.record(self.platform_type)
        raws = self.records(self.fetch(cursor))
        items = (identified_record(self, raw, mapping, id_pattern=YARDI_CODE) for raw in raws)
        yield from batch_records(self.name, items, cursor, batch_size=self.batch_size)


class PropertyStream(YardiStream):
    """The connection's properties (``GetPropertyConfigurations``)."""

    name: ClassVar[str] = "properties"
    entity: ClassVar[str] = EntityKind.PROPERTY.value
    platform_type: ClassVar[str] = "property"

    def fetch(self, cursor: Cursor) -> Element | None:
        """Every property the user may see."""
        return self.client.read(COMMON_DATA, "GetPropertyConfigurations", [])

    def records(self, document: Element | None) -> list[Any]:
        """Only the configured properties."""
        wanted = {code.casefold() for code in self.connector.config.properties}
        return [
            raw
            for raw in raw_records(document, "Property")
            if not isinstance(raw, dict) or str(raw.get("Code", "")).casefold() in wanted
        ]


class _VendorRead(YardiStream):
    def fetch(self, cursor: Cursor) -> Element | None:
        return self.client.read(
            VENDOR_INVOICING, "GetVendors_Login", [("YardiPropertyId", self.connector.config.property_list)]
        )


class VendorStream(_VendorRead):
    """Vendors with their insurance (parties of kind vendor)."""

    name: ClassVar[str] = "vendors"
    entity: ClassVar[str] = EntityKind.PARTY.value
    platform_type: ClassVar[str] = "vendor"

    def records(self, document: Element | None) -> list[Any]:
        """One record per ``<Vendor>``."""
        return raw_records(document, "Vendor")


class VendorPolicyStream(_VendorRead):
    """Each ``<Policy>`` of each vendor (policy lines)."""

    name: ClassVar[str] = "vendor_policies"
    entity: ClassVar[str] = "policy"
    platform_type: ClassVar[str] = "vendor_policy"

    def records(self, document: Element | None) -> list[Any]:
        """One record per policy, with the vendor's id and ``LastModified``."""
        return [p for vendor in raw_records(document, "Vendor") for p in policy_records(vendor, "VendorId")]


class _TenantRead(YardiStream):
    def fetch(self, cursor: Cursor) -> Element | None:
        return self.client.read(
            COMMON_DATA,
            "GetResidentsByDate",
            [
                ("YardiPropertyId", self.connector.config.property_list),
                ("Status", self.connector.config.tenant_status),
                ("ModifiedSinceDate", cursor.request_value() or ""),
            ],
        )

    def split(self, tenant: Any) -> list[Any]:
        """The records one ``<Tenant>`` gives this stream."""
        return [tenant]

    def records(self, document: Element | None) -> list[Any]:
        return [out for tenant in raw_records(document, "Tenant") for out in self.split(tenant)]


class TenantStream(_TenantRead):
    """Commercial tenants with their insurance (parties of kind tenant)."""

    name: ClassVar[str] = "tenants"
    entity: ClassVar[str] = EntityKind.PARTY.value
    platform_type: ClassVar[str] = "tenant"


class TenantLeaseStream(_TenantRead):
    """The lease of each commercial tenant (agreements)."""

    name: ClassVar[str] = "tenant_leases"
    entity: ClassVar[str] = EntityKind.AGREEMENT.value
    platform_type: ClassVar[str] = "tenant_lease"

    def split(self, tenant: Any) -> list[Any]:
        """The tenant without its insurance."""
        return [without_insurance(tenant)]


class TenantPolicyStream(_TenantRead):
    """Each ``<Policy>`` of each commercial tenant (policy lines)."""

    name: ClassVar[str] = "tenant_policies"
    entity: ClassVar[str] = "policy"
    platform_type: ClassVar[str] = "tenant_policy"

    def split(self, tenant: Any) -> list[Any]:
        """The tenant's policies."""
        return policy_records(tenant, "TenantCode")


__all__ = [
    "YARDI_CODE",
    "PropertyStream",
    "TenantLeaseStream",
    "TenantPolicyStream",
    "TenantStream",
    "VendorPolicyStream",
    "VendorStream",
    "YardiStream",
]
