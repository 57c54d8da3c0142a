"""Reconcile flags as VTS tenant updates: read back onto tenants, written by :class:`TenantUpdateWriter`.

VTS has no field for coisync reconcile's flags, but it keeps comments on every tenant: tenant
updates (documented: ``GET /api/v1/tenant_updates`` with ``filter[tenant_id]``; ``comment``,
``important``, ``interaction_type``, ``interaction_date``). coisync writes a tenant's flags as a
tenant update whose comment is a flag note (:mod:`coisync.connector.flagnote`),
``interaction_type`` ``other`` and ``important`` while flags are open. The latest flag note of
a tenant is its current flags: the tenant stream adds it to each tenant as :data:`FLAGS_FIELD`,
so what coisync wrote reads back like a field. Comments people write are never read as flags
(they do not start with the flag note's header).

Writing is **assumed**: VTS documents no write for tenant updates, so the writer POSTs to
``/api/v1/tenants/{tenant_id}/tenant_updates``, modelled on VTS's documented
``POST /api/v1/leases/{lease_id}/delinquencies``. Each POST adds a comment, so the writer first
reads the tenant's updates and sends nothing when the latest flag note already says the same,
and a POST is never resent blindly: a lost answer is ``AMBIGUOUS`` and the outbox reads back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, Writer, WriteResult, WriteTarget
from coisync.connector.flagnote import flag_note_text, flags_of_note, is_flag_note
from coisync.connector.outcomes import failed_write
from coisync.http import CircuitOpenError, HttpError
from coisync_vts.api import TENANT_UPDATE_TYPE, TENANT_UPDATES, TENANTS, VtsApi

if TYPE_CHECKING:
    from coisync_vts.connector import VtsConnector

FLAGS_FIELD = "coisync_reconcile_flags"
"""Field the tenant stream adds: the flags of the tenant's latest coisync flag note."""


def _order(update: Mapping[str, Any]) -> tuple[str, tuple[int, int | str]]:
    created = str((update.get("attributes") or {}).get("created_at") or "")
    ident = str(update.get("id", ""))
    return created, (0, int(ident)) if ident.isdigit() else (1, ident)


def latest_flag_note(updates: Iterable[Any]) -> Mapping[str, Any] | None:
    """The latest tenant update holding a flag note (by ``created_at``, then id), or ``None``."""
    notes = [
        u
        for u in updates
        if isinstance(u, Mapping) and is_flag_note((u.get("attributes") or {}).get("comment"))
    ]
    return max(notes, key=_order) if notes else None


def tenant_flags(api: VtsApi, tenant_id: str) -> tuple[str | None, str | None]:
    """``(flags, comment)`` of a tenant's latest flag note (``(None, None)`` when it has none)."""
    latest = latest_flag_note(api.resources(TENANT_UPDATES, tenant_id=tenant_id))
    if latest is None:
        return None, None
    comment = (latest.get("attributes") or {}).get("comment")
    return flags_of_note(comment), comment


class TenantUpdateWriter(Writer):
    """Reconcile flags of a tenant, as a tenant update (see the module docs)."""

    name: ClassVar[str] = "tenant_update"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset(
        {WriteTarget.COMPLIANCE_STATUS, WriteTarget.NOTE, WriteTarget.FLAG}
    )
    platform_type: ClassVar[str] = "tenant"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("reconcile_flags",)

    def __init__(self, connector: VtsConnector) -> None:
        self.connector = connector
        self.api = VtsApi(connector)

    def today(self) -> str:
        """Today on the connector's clock (the system clock when it has none), ``YYYY-MM-DD``."""
        clock = self.connector.clock
        now = datetime.fromtimestamp(clock.now(), tz=UTC) if clock is not None else datetime.now(tz=UTC)
        return now.date().isoformat()

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The tenant with its latest flag note's flags, or ``None`` when VTS no longer has it."""
        if not op.platform_id:
            return None
        tenant = self.api.resource(f"{TENANTS}/{op.platform_id}")
        if tenant is None:
            return None
        return {**tenant, FLAGS_FIELD: tenant_flags(self.api, op.platform_id)[0]}

    def apply(self, op: WriteOp) -> WriteResult:
        """Add a tenant update with the flags, unless the latest flag note already holds them."""
        if op.job != "reconcile" or not op.platform_id:
            return self._result(
                op, WriteOutcome.REJECTED, f"tenant updates hold only reconcile flags ({op.job})"
            )
        flags = op.payload.get(FLAGS_FIELD)
        text = flag_note_text(flags if isinstance(flags, str) else None)
        try:
            if tenant_flags(self.api, op.platform_id)[1] == text:
                return self._result(op, WriteOutcome.UNCHANGED)
            attributes = {
                "comment": text,
                "important": text != flag_note_text(None),
                "interaction_type": "other",
                "interaction_date": self.today(),
            }
            self.connector.session.request(
                "POST",
                f"{TENANTS}/{op.platform_id}/{TENANT_UPDATE_TYPE}",
                json={"data": {"type": TENANT_UPDATE_TYPE, "attributes": attributes}},
                idempotent=False,
            )
        except (HttpError, CircuitOpenError) as exc:
            return failed_write(op, exc)
        # No version: the tenant itself is unchanged (its ref keeps the tenant's own version).
        return self._result(op, WriteOutcome.APPLIED)

    @staticmethod
    def _result(op: WriteOp, outcome: WriteOutcome, message: str = "") -> WriteResult:
        return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, message=message)


__all__ = ["FLAGS_FIELD", "TenantUpdateWriter", "latest_flag_note", "tenant_flags"]
