"""VTS's writer: compliance status and notes of an insurance certificate (the assumed resource).

:class:`CertificateStatusWriter` reads the certificate first and writes nothing when VTS already
holds the values, so a repeated write changes VTS once; otherwise it PATCHes the changed
attributes under the certificate's lease
(``PATCH /api/v1/leases/{lease_id}/insurance_certificates/{id}``). The PATCH names the
certificate and sets values, so resending it is harmless. A 422 (VTS refusing a value) is the
write's ``REJECTED`` result with VTS's detail; a failure that may have landed is ``AMBIGUOUS``
and the outbox reads back before trying again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, Writer, WriteResult, WriteTarget
from coisync.connector.outcomes import failed_write, same_value
from coisync.http import CircuitOpenError, HttpError
from coisync_vts.api import API, CERTIFICATE_TYPE, CERTIFICATES, VtsApi, related_id

if TYPE_CHECKING:
    from coisync_vts.connector import VtsConnector


def attributes_held(resource: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether a certificate already holds every wanted attribute value."""
    current = resource.get("attributes") or {}
    return all(same_value(current.get(name), value) for name, value in wanted.items())


class CertificateStatusWriter(Writer):
    """``compliance_status`` and ``compliance_notes`` of an insurance certificate."""

    name: ClassVar[str] = "certificate_status"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS})
    platform_type: ClassVar[str] = "insurance_certificate"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary")

    def __init__(self, connector: VtsConnector) -> None:
        self.connector = connector
        self.api = VtsApi(connector)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The certificate as VTS holds it now, or ``None`` when VTS no longer has it."""
        if not op.platform_id:
            return None
        return self.api.resource(f"{CERTIFICATES}/{op.platform_id}")

    def apply(self, op: WriteOp) -> WriteResult:
        """PATCH the certificate's changed attributes unless VTS already holds them."""
        wanted = op.payload.get("attributes")
        if not isinstance(wanted, Mapping) or not wanted:
            return self._result(
                op, WriteOutcome.REJECTED, message="the payload holds no certificate attributes"
            )
        try:
            current = self.read_back(op)
            if current is None:
                return self._result(
                    op, WriteOutcome.REJECTED, message=f"certificate {op.platform_id} no longer exists in VTS"
                )
            if attributes_held(current, wanted):
                return self._result(op, WriteOutcome.UNCHANGED, current)
            lease = related_id(current, "lease")
            if lease is None:
                return self._result(
                    op, WriteOutcome.REJECTED, message=f"certificate {op.platform_id} names no lease"
                )
            document = {"data": {"id": op.platform_id, "type": CERTIFICATE_TYPE, "attributes": dict(wanted)}}
            response = self.connector.session.request(
                "PATCH",
                f"{API}/leases/{lease}/{CERTIFICATE_TYPE}/{op.platform_id}",
                json=document,
                idempotent=True,
            )
        except (HttpError, CircuitOpenError) as exc:
            return failed_write(op, exc)
        body = response.json()
        data = body.get("data") if isinstance(body, dict) else None
        return self._result(op, WriteOutcome.APPLIED, data if isinstance(data, dict) else None)

    @staticmethod
    def _result(
        op: WriteOp, outcome: WriteOutcome, resource: Mapping[str, Any] | None = None, *, message: str = ""
    ) -> WriteResult:
        updated = ((resource or {}).get("attributes") or {}).get("updated_at")
        return WriteResult(
            op_id=op.op_id,
            outcome=outcome,
            platform_id=op.platform_id,
            version=str(updated) if updated else None,
            platform_value=dict(resource) if resource is not None else None,
            message=message,
        )


__all__ = ["CertificateStatusWriter", "attributes_held"]
