"""What every Yardi writer shares: reading a vendor or tenant back, building import documents,
comparing what the platform holds with a payload, and the outcome of a failure.

Voyager imports are not idempotent by key, so every writer reads the record first and sends
nothing when the platform already holds the payload (``UNCHANGED``); imports are never resent
after an unknown outcome (``AMBIGUOUS``): the outbox reads back first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, tostring

from coisync.connector import WriteOp, WriteOutcome, Writer, WriteResult
from coisync.connector.outcomes import failed_write, same_value
from coisync.errors import CoisyncError
from coisync.http.soap import XmlFragment
from coisync.mapping import MISSING
from coisync.mapping.xmldict import value_to_element
from coisync_yardi.client import COMMON_DATA, VENDOR_INVOICING, Messages, YardiClient
from coisync_yardi.errors import YardiConfigError, YardiLoginError, YardiMessageError
from coisync_yardi.records import raw_records

if TYPE_CHECKING:
    from coisync_yardi.connector import YardiConnector

VENDOR_NS = "http://yardi.com/Vendor"
"""Namespace of vendor documents (assumed, like the emulator's)."""
TENANT_NS = "http://yardi.com/CommercialTenant"
"""Namespace of commercial-tenant documents (assumed)."""


def document(root: str, namespace: str, item: str, records: list[Mapping[str, Any]]) -> XmlFragment:
    """An import document such as ``<Vendors xmlns=...><Vendor>...</Vendor></Vendors>``."""
    element = Element(root, {"xmlns": namespace})
    for record in records:
        element.append(value_to_element(item, dict(record)))
    return XmlFragment(tostring(element, encoding="unicode"))


class YardiWriter(Writer):
    """Shared plumbing of the Yardi writers."""

    def __init__(self, connector: YardiConnector) -> None:
        self.connector = connector
        self.client = YardiClient(connector)

    # -- reading records back ------------------------------------------------------------

    def fetch_vendor(self, vendor_id: str) -> dict[str, Any] | None:
        """One vendor of the connection's properties, or ``None`` when Yardi does not know it."""
        try:
            result = self.client.read(
                VENDOR_INVOICING,
                "GetVendor_Login",
                [("YardiPropertyId", self.connector.config.property_list), ("VendorId", vendor_id)],
            )
        except YardiMessageError as exc:
            if "does not exist" in exc.message:
                return None
            raise
        found = [
            r for r in raw_records(result, "Vendor") if isinstance(r, dict) and r.get("VendorId") == vendor_id
        ]
        return found[0] if found else None

    def fetch_vendors(self) -> list[dict[str, Any]]:
        """Every vendor of the connection's properties."""
        result = self.client.read(
            VENDOR_INVOICING, "GetVendors_Login", [("YardiPropertyId", self.connector.config.property_list)]
        )
        return [r for r in raw_records(result, "Vendor") if isinstance(r, dict)]

    def fetch_tenant(self, code: str) -> dict[str, Any] | None:
        """One commercial tenant of the connection's properties, or ``None``."""
        result = self.client.read(
            COMMON_DATA,
            "GetResidentsByDate",
            [
                ("YardiPropertyId", self.connector.config.property_list),
                ("Status", ""),
                ("ModifiedSinceDate", ""),
            ],
        )
        found = [
            r for r in raw_records(result, "Tenant") if isinstance(r, dict) and r.get("TenantCode") == code
        ]
        return found[0] if found else None

    # -- comparing -------------------------------------------------------------------------

    def holds(self, current: Mapping[str, Any], payload: Mapping[str, Any], job: str | None = None) -> bool:
        """Whether ``current`` already holds every value ``payload`` writes (through the mapping's paths)."""
        record = self.connector.mapping.record(self.platform_type)
        for compiled in record.writable(job=job):
            assert compiled.write is not None
            wanted = compiled.write.get(payload)
            if wanted is MISSING:
                continue
            have = compiled.write.get(current)
            if not same_value(None if have is MISSING else have, wanted):
                return False
        return True

    # -- outcomes --------------------------------------------------------------------------

    @staticmethod
    def done(
        op: WriteOp, outcome: WriteOutcome, record: Mapping[str, Any] | None, platform_id: str | None = None
    ) -> WriteResult:
        """A successful result with the platform's record after the write."""
        return WriteResult(
            op_id=op.op_id, outcome=outcome, platform_id=platform_id or op.platform_id, platform_value=record
        )

    @staticmethod
    def rejected(op: WriteOp, message: str) -> WriteResult:
        """A write the platform (or the writer) refused."""
        return WriteResult(
            op_id=op.op_id, outcome=WriteOutcome.REJECTED, platform_id=op.platform_id, message=message
        )

    @staticmethod
    def failure(op: WriteOp, exc: CoisyncError) -> WriteResult:
        """The result of a failed request; login and configuration errors stop the run instead.

        Raises:
            YardiLoginError: The credentials were refused (nothing else can succeed either).
            YardiConfigError: The connection's properties or licence are wrong.
        """
        if isinstance(exc, YardiLoginError | YardiConfigError):
            raise exc
        return failed_write(op, exc)

    @staticmethod
    def import_refused(messages: Messages) -> str | None:
        """The import's error messages on one line, or ``None`` when it was accepted."""
        return "; ".join(messages.errors) or None


__all__ = ["TENANT_NS", "VENDOR_NS", "YardiWriter", "document"]
