"""Writing back to Voyager: the compliance status and notes of vendors and tenants, policy lines.

* :class:`VendorStatusWriter`: ``compliance_status`` into the user-defined field ``COIStatus``
  and ``deficiency_summary`` into the vendor's notes, through ``ImportVendors_Login``.
* :class:`TenantStatusWriter`: the same for a commercial tenant, through ``UpdateResidentData``.
* :class:`VendorLineWriter`: a per-policy line (coverage, carrier, number, dates, limit)
  added to a vendor or updated, keyed by ``PolicyId`` or by type and number.
* :class:`VendorPolicyNoteWriter`: the notes of an existing vendor policy.

All documents and import semantics are assumed (see ``coisync_yardi.emulator.imports``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, WriteResult, WriteTarget
from coisync.errors import CoisyncError
from coisync_yardi.client import COMMON_DATA, VENDOR_INVOICING
from coisync_yardi.records import policy_records
from coisync_yardi.write_base import TENANT_NS, VENDOR_NS, YardiWriter, document

STATUS_FIELDS = ("compliance_status", "deficiency_summary")
LINE_FIELDS = (
    "party_ref.vendor",
    "coverage_type",
    "policy_number",
    "insurer.name",
    "effective_date",
    "expiration_date",
    "limit",
    "deficiency_summary",
)


class _StatusWriter(YardiWriter):
    """A party's compliance status (user-defined field) and deficiency notes, written only when
    Yardi does not already hold them. Subclasses say how to read the party and send the document."""

    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS, WriteTarget.NOTE})
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = STATUS_FIELDS
    label: ClassVar[str]

    def fetch(self, platform_id: str) -> Mapping[str, Any] | None:
        """The party as Yardi holds it, or None."""
        raise NotImplementedError

    def send(self, platform_id: str, payload: Mapping[str, Any]) -> Any:
        """Send the payload; returns Yardi's messages."""
        raise NotImplementedError

    def apply(self, op: WriteOp) -> WriteResult:
        """Send the payload unless the party already holds it."""
        if not op.platform_id:
            return self.rejected(op, f"a status write needs the {self.label}'s id")
        try:
            current = self.fetch(op.platform_id)
            if current is None:
                return self.rejected(op, f"{self.label} {op.platform_id} no longer exists in Yardi")
            if self.holds(current, op.payload):
                return self.done(op, WriteOutcome.UNCHANGED, current)
            refused = self.import_refused(self.send(op.platform_id, op.payload))
            if refused:
                return self.rejected(op, f"Yardi refused the import: {refused}")
            return self.done(op, WriteOutcome.APPLIED, self.fetch(op.platform_id))
        except CoisyncError as exc:
            return self.failure(op, exc)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The party as Yardi holds it."""
        return self.fetch(op.platform_id) if op.platform_id else None


class VendorStatusWriter(_StatusWriter):
    """A vendor's compliance status and deficiency notes (``ImportVendors_Login``)."""

    name: ClassVar[str] = "vendor_status"
    platform_type: ClassVar[str] = "vendor"
    label: ClassVar[str] = "vendor"

    def fetch(self, platform_id: str) -> Mapping[str, Any] | None:
        """The vendor as Yardi holds it."""
        return self.fetch_vendor(platform_id)

    def send(self, platform_id: str, payload: Mapping[str, Any]) -> Any:
        """Import the vendor document."""
        doc = document("Vendors", VENDOR_NS, "Vendor", [{"VendorId": platform_id, **payload}])
        return self.client.write(
            VENDOR_INVOICING,
            "ImportVendors_Login",
            [("YardiPropertyId", self.connector.config.property_list), ("XmlDoc", doc)],
        )


class TenantStatusWriter(_StatusWriter):
    """A commercial tenant's compliance status and deficiency notes (``UpdateResidentData``)."""

    name: ClassVar[str] = "tenant_status"
    platform_type: ClassVar[str] = "tenant"
    label: ClassVar[str] = "tenant"

    def fetch(self, platform_id: str) -> Mapping[str, Any] | None:
        """The tenant as Yardi holds it."""
        return self.fetch_tenant(platform_id)

    def send(self, platform_id: str, payload: Mapping[str, Any]) -> Any:
        """Update the tenant's resident data."""
        doc = document("Tenants", TENANT_NS, "Tenant", [{"TenantCode": platform_id, **payload}])
        return self.client.write(COMMON_DATA, "UpdateResidentData", [("XmlDoc", doc)])


def _same_line(policy: Mapping[str, Any], kind: Any, number: Any) -> bool:
    return (
        str(policy.get("InsuranceType") or "").casefold() == str(kind or "").casefold()
        and policy.get("PolicyNumber") == number
    )


class VendorLineWriter(YardiWriter):
    """A policy line coisync keeps on a vendor: added once, then updated in place.

    A new line (no ``platform_id``) is found again by its type and number, so applying the same
    write twice adds one line; the new line's ``PolicyId`` comes back as the result's id.
    """

    name: ClassVar[str] = "vendor_lines"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.POLICY_LINE})
    platform_type: ClassVar[str] = "vendor_line"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = LINE_FIELDS

    def _line(self, vendor: Mapping[str, Any], op: WriteOp) -> dict[str, Any] | None:
        lines = policy_records(dict(vendor), "VendorId")
        if op.platform_id:
            return next((p for p in lines if p.get("PolicyId") == op.platform_id), None)
        kind, number = op.payload.get("InsuranceType"), op.payload.get("PolicyNumber")
        return next((p for p in lines if _same_line(p, kind, number)), None)

    def apply(self, op: WriteOp) -> WriteResult:
        """Add or update the line unless the vendor already holds it."""
        vendor_id = str(op.payload.get("VendorId") or "")
        if not vendor_id:
            return self.rejected(op, "a policy line needs its vendor (party_ref)")
        if not op.platform_id and not (op.payload.get("InsuranceType") and op.payload.get("PolicyNumber")):
            return self.rejected(op, "a new policy line needs a coverage type and a policy number")
        try:
            vendor = self.fetch_vendor(vendor_id)
            if vendor is None:
                return self.rejected(op, f"vendor {vendor_id} no longer exists in Yardi")
            line = self._line(vendor, op)
            if op.platform_id and line is None:
                return self.rejected(op, f"policy {op.platform_id} no longer exists on vendor {vendor_id}")
            if line is not None and self.holds(line, op.payload):
                return self.done(op, WriteOutcome.UNCHANGED, line, line.get("PolicyId"))
            policy = {k: v for k, v in op.payload.items() if k != "VendorId"}
            if line is not None:
                policy = {"PolicyId": line["PolicyId"], **policy}
            doc = document(
                "Vendors", VENDOR_NS, "Vendor", [{"VendorId": vendor_id, "Insurance": {"Policy": policy}}]
            )
            messages = self.client.write(
                VENDOR_INVOICING,
                "ImportVendors_Login",
                [("YardiPropertyId", self.connector.config.property_list), ("XmlDoc", doc)],
            )
            refused = self.import_refused(messages)
            if refused:
                return self.rejected(op, f"Yardi refused the policy line: {refused}")
            after = self.fetch_vendor(vendor_id)
            written = self._line(after, op) if after is not None else None
            return self.done(op, WriteOutcome.APPLIED, written, written.get("PolicyId") if written else None)
        except CoisyncError as exc:
            return self.failure(op, exc)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The line as Yardi holds it (by id, or by type and number for a new one)."""
        vendor_id = str(op.payload.get("VendorId") or "")
        vendor = self.fetch_vendor(vendor_id) if vendor_id else None
        return self._line(vendor, op) if vendor is not None else None


class VendorPolicyNoteWriter(YardiWriter):
    """The notes of an existing vendor policy (what coisync found missing on that line)."""

    name: ClassVar[str] = "vendor_policy_notes"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.NOTE})
    platform_type: ClassVar[str] = "vendor_policy"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("deficiency_summary",)

    def _find(self, policy_id: str) -> dict[str, Any] | None:
        for vendor in self.fetch_vendors():
            for policy in policy_records(vendor, "VendorId"):
                if policy.get("PolicyId") == policy_id:
                    return dict(policy)
        return None

    def apply(self, op: WriteOp) -> WriteResult:
        """Import the policy's notes unless it already holds them."""
        if not op.platform_id:
            return self.rejected(op, "a policy note needs the policy's id")
        try:
            policy = self._find(op.platform_id)
            if policy is None:
                return self.rejected(op, f"policy {op.platform_id} no longer exists in Yardi")
            if self.holds(policy, op.payload):
                return self.done(op, WriteOutcome.UNCHANGED, policy)
            line = {"PolicyId": op.platform_id, **op.payload}
            doc = document(
                "Vendors",
                VENDOR_NS,
                "Vendor",
                [{"VendorId": policy["VendorId"], "Insurance": {"Policy": line}}],
            )
            refused = self.import_refused(
                self.client.write(
                    VENDOR_INVOICING,
                    "ImportVendors_Login",
                    [("YardiPropertyId", self.connector.config.property_list), ("XmlDoc", doc)],
                )
            )
            if refused:
                return self.rejected(op, f"Yardi refused the note: {refused}")
            return self.done(op, WriteOutcome.APPLIED, self._find(op.platform_id))
        except CoisyncError as exc:
            return self.failure(op, exc)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The policy as Yardi holds it."""
        return self._find(op.platform_id) if op.platform_id else None


__all__ = [
    "LINE_FIELDS",
    "STATUS_FIELDS",
    "TenantStatusWriter",
    "VendorLineWriter",
    "VendorPolicyNoteWriter",
    "VendorStatusWriter",
]
