"""Certificate PDFs as Voyager attachments: ``ImportAttachment`` for vendors,
``ImportTenantLeaseDocumentExt`` (credentials spell ``DataBase``) for commercial tenants.

The payload of a :class:`~coisync.connector.WriteOp` is ``{"content": <bytes>, "filename":
"..."}``; without a filename one is made from the content's SHA-256. The file name goes into the
attachment's ``Description``: it is the natural key, so a record already holding an attachment
with that description is left alone and a repeated write attaches the file once.

Assumed (as in the emulator): ``ImportAttachment`` takes a vendor id in ``InvoiceID`` for a
vendor attachment type, and vendors list their attachments in ``GetVendor_Login``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, WriteResult, WriteTarget
from coisync.errors import CoisyncError
from coisync_yardi.client import COMMON_DATA, VENDOR_INVOICING
from coisync_yardi.records import as_list, raw_records
from coisync_yardi.write_base import YardiWriter


def certificate_filename(content: bytes) -> str:
    """A stable name for a certificate: ``certificate-<first 16 hex of its SHA-256>.pdf``."""
    return f"certificate-{hashlib.sha256(content).hexdigest()[:16]}.pdf"


def _descriptions(container: Any) -> set[str]:
    attachments = container.get("Attachment") if isinstance(container, dict) else None
    return {str(a.get("Description")) for a in as_list(attachments) if isinstance(a, dict)}


class _CertificateWriter(YardiWriter):
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.ATTACHMENT})
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})

    def _file(self, op: WriteOp) -> tuple[bytes, str] | WriteResult:
        content = op.payload.get("content")
        if op.platform_id is None or not isinstance(content, bytes) or not content:
            return self.rejected(op, "needs the record's id and the certificate's bytes")
        return content, str(op.payload.get("filename") or certificate_filename(content))

    def attached(self, op: WriteOp, filename: str) -> Mapping[str, Any] | None:
        """The record when it already holds an attachment described ``filename`` (else ``None``)."""
        raise NotImplementedError

    def upload(self, op: WriteOp, content: bytes, filename: str) -> str | None:
        """Send the file; return Yardi's refusal, or ``None`` when it was accepted."""
        raise NotImplementedError

    def apply(self, op: WriteOp) -> WriteResult:
        """Attach the PDF unless the record already has it."""
        file = self._file(op)
        if isinstance(file, WriteResult):
            return file
        content, filename = file
        try:
            holding = self.attached(op, filename)
            if holding is not None:
                return self.done(op, WriteOutcome.UNCHANGED, holding)
            refused = self.upload(op, content, filename)
            if refused:
                return self.rejected(op, f"Yardi refused the attachment: {refused}")
            return self.done(op, WriteOutcome.APPLIED, self.attached(op, filename))
        except CoisyncError as exc:
            return self.failure(op, exc)


class VendorCertificateWriter(_CertificateWriter):
    """Attaches a certificate PDF to a vendor (``ImportAttachment``)."""

    name: ClassVar[str] = "vendor_certificate_pdf"
    platform_type: ClassVar[str] = "vendor"

    def attached(self, op: WriteOp, filename: str) -> Mapping[str, Any] | None:
        """The vendor when its attachments list ``filename``."""
        vendor = self.fetch_vendor(str(op.platform_id))
        if vendor is None or filename not in _descriptions(vendor.get("Attachments")):
            return None
        return vendor

    def upload(self, op: WriteOp, content: bytes, filename: str) -> str | None:
        """``ImportAttachment`` with the vendor id in ``InvoiceID``."""
        messages = self.client.write(
            VENDOR_INVOICING,
            "ImportAttachment",
            [
                ("YardiPropertyId", self.connector.config.property_list),
                ("InvoiceID", str(op.platform_id)),
                ("AttachmentType", self.connector.config.vendor_attachment_type),
                ("Description", filename),
                ("Attachment", base64.b64encode(content).decode("ascii")),
                ("Extension", PurePosixPath(filename).suffix.lstrip(".") or "pdf"),
            ],
        )
        return self.import_refused(messages)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The vendor as Yardi holds it (its ``Attachments`` show whether the file landed)."""
        return self.fetch_vendor(op.platform_id) if op.platform_id else None


class TenantCertificateWriter(_CertificateWriter):
    """Attaches a certificate PDF to a commercial tenant (``ImportTenantLeaseDocumentExt``)."""

    name: ClassVar[str] = "tenant_certificate_pdf"
    platform_type: ClassVar[str] = "tenant"

    def _documents(self, tenant: Mapping[str, Any]) -> set[str]:
        result = self.client.read(
            COMMON_DATA,
            "GetTenantLeaseDocuments_DateRange",
            [
                ("PropertyId", str(tenant.get("PropertyCode"))),
                ("TenantCode", str(tenant.get("TenantCode"))),
                ("FromDate", ""),
                ("ToDate", ""),
            ],
        )
        return {d for listing in raw_records(result, "Attachments") for d in _descriptions(listing)}

    def attached(self, op: WriteOp, filename: str) -> Mapping[str, Any] | None:
        """The tenant when its lease documents include ``filename``."""
        tenant = self.fetch_tenant(str(op.platform_id))
        if tenant is None or filename not in self._documents(tenant):
            return None
        return tenant

    def upload(self, op: WriteOp, content: bytes, filename: str) -> str | None:
        """``ImportTenantLeaseDocumentExt`` at the tenant's property."""
        tenant = self.fetch_tenant(str(op.platform_id))
        if tenant is None:
            return f"tenant {op.platform_id} no longer exists"
        messages = self.client.write(
            COMMON_DATA,
            "ImportTenantLeaseDocumentExt",
            [
                ("PropertyId", str(tenant.get("PropertyCode"))),
                ("TenantCode", str(op.platform_id)),
                ("AttachmentType", self.connector.config.tenant_document_type),
                ("Description", filename),
                ("Attachment", base64.b64encode(content).decode("ascii")),
                ("FileExtension", PurePosixPath(filename).suffix.lstrip(".") or "pdf"),
            ],
        )
        return self.import_refused(messages)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The tenant as Yardi holds it."""
        return self.fetch_tenant(op.platform_id) if op.platform_id else None


__all__ = ["TenantCertificateWriter", "VendorCertificateWriter", "certificate_filename"]
