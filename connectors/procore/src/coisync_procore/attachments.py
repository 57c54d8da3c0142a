"""Certificate PDFs as attachments of an insurance: create an upload, PUT the bytes, attach it.

The payload of a :class:`~coisync.connector.WriteOp` for this writer is
``{"content": <bytes>, "filename": "...", "content_type": "application/pdf"}``; without a
filename one is made from the content's SHA-256, so the same certificate always has the same
name. The name is the natural key: an insurance already holding an attachment of that name is
left alone, so a repeated write attaches the file once. Attaching (the final PATCH) is never
resent blindly: after an unknown outcome the outbox reads back and looks for the name.

Assumed (as in the emulator): the storage URL takes a plain PUT on the API host. Procore's
real uploads go to S3 with pre-signed fields, a host the connection does not allow yet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, WriteResult, WriteTarget
from coisync.http import CircuitOpenError, HttpError
from coisync_procore.write_base import ProcoreWriter

PDF = "application/pdf"


def certificate_filename(content: bytes) -> str:
    """A stable name for a certificate: ``certificate-<first 16 hex of its SHA-256>.pdf``."""
    return f"certificate-{hashlib.sha256(content).hexdigest()[:16]}.pdf"


class CertificateAttachmentWriter(ProcoreWriter):
    """Attaches a certificate PDF to an existing insurance."""

    name: ClassVar[str] = "certificate_pdf"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.ATTACHMENT})
    platform_type: ClassVar[str] = "insurance"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})

    def apply(self, op: WriteOp) -> WriteResult:
        """Upload and attach the PDF unless the insurance already has it."""
        content = op.payload.get("content")
        if op.platform_id is None or not isinstance(content, bytes) or not content:
            return WriteResult(
                op_id=op.op_id,
                outcome=WriteOutcome.REJECTED,
                message="needs an insurance id and the certificate's bytes",
            )
        filename = str(op.payload.get("filename") or certificate_filename(content))
        content_type = str(op.payload.get("content_type") or PDF)
        try:
            current = self.fetch(op.platform_id)
            if current is None:
                return WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.REJECTED,
                    platform_id=op.platform_id,
                    message=f"insurance {op.platform_id} no longer exists in Procore",
                )
            if _attachment(current, filename) is not None:
                return self._done(op, WriteOutcome.UNCHANGED, current)
            upload_id = self._upload(op, filename, content_type, content)
            response = self.connector.session.request(
                "PATCH",
                f"{self.insurances_path}/{op.platform_id}",
                json={"insurance": {"upload_ids": [upload_id]}},
            )
            body = self.connector.session.body(response)
        except (HttpError, CircuitOpenError) as exc:
            return self.failed(op, exc)
        return self._done(op, WriteOutcome.APPLIED, body)

    def _upload(self, op: WriteOp, filename: str, content_type: str, content: bytes) -> str:
        """Create the upload and store the bytes; an orphaned upload is harmless, so both may be resent."""
        company = self.connector.config.company_id
        created = self.connector.session.request(
            "POST",
            f"/rest/v1.0/companies/{company}/uploads",
            json={"response_filename": filename, "response_content_type": content_type},
            idempotency_key=f"{op.op_id}:upload",
        ).json()
        headers = {str(k): str(v) for k, v in (created.get("headers") or {}).items()}
        self.connector.session.request(
            "PUT", str(created["url"]), content=content, headers={"Content-Type": content_type, **headers}
        )
        return str(created["uuid"])

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The insurance as Procore holds it (its ``attachments`` show whether the file landed)."""
        return self.fetch(op.platform_id) if op.platform_id else None

    @staticmethod
    def _done(op: WriteOp, outcome: WriteOutcome, record: Mapping[str, Any]) -> WriteResult:
        return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, platform_value=record)


def _attachment(record: Mapping[str, Any], filename: str) -> Mapping[str, Any] | None:
    attachments = record.get("attachments") or []
    return next((a for a in attachments if isinstance(a, Mapping) and a.get("name") == filename), None)


__all__ = ["CertificateAttachmentWriter", "certificate_filename"]
