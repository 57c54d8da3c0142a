"""Procore's writers: compliance status and notes on insurances, and policy lines coisync creates.

* :class:`InsuranceStatusWriter` PATCHes ``status`` and ``notes`` of an existing insurance,
  addressed by its id (natural key). It reads the record first and writes nothing when the
  platform already holds the values, so a repeated write changes the platform once.
* :class:`PolicyLineWriter` creates or updates the insurances coisync itself adds, through
  ``PATCH .../insurances/sync`` with ``origin_id`` = coisync's id. Procore refuses a second
  record with the same ``origin_id`` (409); the writer looks the line up by ``origin_id``
  first, and again after a 409 or an ambiguous outcome, so a line is never created twice.

Certificate PDFs go through :mod:`coisync_procore.attachments`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, WriteResult, WriteTarget
from coisync.http import CircuitOpenError, HttpError, RateLimitedError
from coisync_procore.write_base import ProcoreWriter, holds, same_value


class InsuranceStatusWriter(ProcoreWriter):
    """Compliance status and notes on an existing insurance (``PATCH .../insurances/{id}``)."""

    name: ClassVar[str] = "insurance_status"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS, WriteTarget.NOTE})
    platform_type: ClassVar[str] = "insurance"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary")
    max_batch: ClassVar[int] = 1000
    """Procore's ``sync`` takes up to 1000 items per request."""

    def apply(self, op: WriteOp) -> WriteResult:
        """Write ``op.payload`` (``status``, ``notes``) unless the record already holds it."""
        if op.platform_id is None:
            return WriteResult(
                op_id=op.op_id, outcome=WriteOutcome.REJECTED, message="needs the id of an existing insurance"
            )
        try:
            current = self.fetch(op.platform_id)
            if current is None:
                return WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.REJECTED,
                    platform_id=op.platform_id,
                    message=f"insurance {op.platform_id} no longer exists in Procore",
                )
            if holds(current, op.payload):
                return WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.UNCHANGED,
                    platform_id=op.platform_id,
                    platform_value=current,
                )
            response = self.connector.session.request(
                "PATCH",
                f"{self.insurances_path}/{op.platform_id}",
                json={"insurance": dict(op.payload)},
                # No idempotency key: Procore has none, so a PATCH whose answer was lost is not
                # resent blindly; it is ambiguous and read back before anything is sent again.
            )
            body = self.connector.session.body(response)
        except (HttpError, CircuitOpenError) as exc:
            return self.failed(op, exc)
        return WriteResult(
            op_id=op.op_id, outcome=WriteOutcome.APPLIED, platform_id=op.platform_id, platform_value=body
        )

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The insurance as Procore holds it now."""
        return self.fetch(op.platform_id) if op.platform_id else None

    def apply_batch(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Write many insurances' ``status`` and ``notes`` in one ``PATCH .../insurances/sync``.

        Items are addressed by id, so a repeat changes nothing twice. The request carries no
        idempotency key: when its answer is lost it is not resent blindly; every op is
        ``AMBIGUOUS`` and the outbox reads each back. A refusal to wait (rate limit past the
        cap) or an open circuit means nothing was sent, and stops the push.
        """
        results: dict[str, WriteResult] = {}
        items: list[tuple[WriteOp, dict[str, Any]]] = []
        for op in ops:
            if op.platform_id is None or not str(op.platform_id).isdigit():
                results[op.op_id] = WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.REJECTED,
                    message="needs the id of an existing insurance",
                )
            else:
                items.append((op, {"id": int(op.platform_id), **op.payload}))
        if items:
            results.update(self._send_batch(items))
        return [results[op.op_id] for op in ops]

    def _send_batch(self, items: Sequence[tuple[WriteOp, dict[str, Any]]]) -> dict[str, WriteResult]:
        try:
            response = self.connector.session.request(
                "PATCH", f"{self.insurances_path}/sync", json={"updates": [item for _, item in items]}
            )
            body = self.connector.session.body(response)
        except (RateLimitedError, CircuitOpenError):
            raise
        except HttpError as exc:  # an unreadable answer too: the batch may have been applied
            return {op.op_id: self.failed(op, exc) for op, _ in items}
        entities = {str(e.get("id")): e for e in body.get("entities") or [] if isinstance(e, dict)}
        errors = {e.get("index"): e for e in body.get("errors") or [] if isinstance(e, dict)}
        results: dict[str, WriteResult] = {}
        for index, (op, _) in enumerate(items):
            entity = entities.get(str(op.platform_id))
            if entity is not None:
                results[op.op_id] = WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.APPLIED,
                    platform_id=op.platform_id,
                    platform_value=entity,
                )
                continue
            error = errors.get(index) or {}
            message = (
                f"insurance {op.platform_id} no longer exists in Procore"
                if error.get("code") == 404
                else f"Procore refused the status: {error.get('errors') or 'no entity returned'}"
            )
            results[op.op_id] = WriteResult(
                op_id=op.op_id, outcome=WriteOutcome.REJECTED, platform_id=op.platform_id, message=message
            )
        return results


class PolicyLineWriter(ProcoreWriter):
    """Insurances coisync creates, upserted through ``PATCH .../insurances/sync`` by ``origin_id``."""

    name: ClassVar[str] = "policy_lines"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.POLICY_LINE})
    platform_type: ClassVar[str] = "insurance_line"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.ORIGIN_ID})
    owned_fields: ClassVar[tuple[str, ...]] = (
        "party_ref",
        "coverage_type",
        "policy_number",
        "insurer.name",
        "effective_date",
        "expiration_date",
        "limit",
        "origin_id",
    )

    def apply(self, op: WriteOp) -> WriteResult:
        """Create the line, or bring it up to date; nothing when Procore already holds it."""
        origin_id = op.origin_id or op.payload.get("origin_id")
        if not origin_id:
            return WriteResult(op_id=op.op_id, outcome=WriteOutcome.REJECTED, message="needs an origin_id")
        payload = {**op.payload, "origin_id": str(origin_id)}
        try:
            current = self.read_back(op)
            if current is not None and not same_value(current.get("vendor_id"), payload.get("vendor_id")):
                message = (
                    f"origin_id {origin_id} is held by insurance {current.get('id')} of vendor "
                    f"{current.get('vendor_id')}, not {payload.get('vendor_id')}"
                )
                return WriteResult(op_id=op.op_id, outcome=WriteOutcome.CONFLICT, message=message)
            if current is not None and holds(current, payload):
                return self._result(op, WriteOutcome.UNCHANGED, current)
            item = {**payload, "id": current["id"]} if current is not None else payload
            response = self.connector.session.request(
                "PATCH",
                f"{self.insurances_path}/sync",
                json={"updates": [item]},
                idempotency_key=op.op_id,  # keyed by origin_id: a resend cannot duplicate the line
            )
            body = self.connector.session.body(response)
        except (HttpError, CircuitOpenError) as exc:
            return self.failed(op, exc)
        entities, errors = body.get("entities") or [], body.get("errors") or []
        if entities:
            return self._result(op, WriteOutcome.APPLIED, entities[0])
        error = errors[0] if errors else {}
        if error.get("code") == 409:  # someone holds the origin_id: see whether it is ours, as wanted
            found = self.read_back(op)
            if found is not None and holds(found, payload):
                return self._result(op, WriteOutcome.UNCHANGED, found)
            outcome = WriteOutcome.CONFLICT
        else:
            outcome = WriteOutcome.REJECTED
        message = f"Procore refused the line: {error.get('errors') or error or 'no entity returned'}"
        return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, message=message)

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The insurance holding ``op``'s origin id: by id when known, else the vendor's, else the company's."""
        origin_id = str(op.origin_id or op.payload.get("origin_id") or "")
        if op.platform_id:
            record = self.fetch(op.platform_id)
            if record is not None and str(record.get("origin_id")) == origin_id:
                return record
        vendor_id = op.payload.get("vendor_id")
        scopes = [{"filters[vendor_id]": vendor_id}, {}] if vendor_id else [{}]
        for params in scopes:  # the vendor's insurances first; origin ids are unique company-wide
            found = next((r for r in self._listing(params) if str(r.get("origin_id")) == origin_id), None)
            if found is not None:
                return found
        return None

    def _listing(self, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        pages = self.connector.session.paginate(
            self.insurances_path, {"type": "page_link", "page_size": self.connector.config.page_size}, params
        )
        for page in pages:
            yield from (r for r in page.records if isinstance(r, dict))

    @staticmethod
    def _result(op: WriteOp, outcome: WriteOutcome, record: Mapping[str, Any]) -> WriteResult:
        return WriteResult(
            op_id=op.op_id, outcome=outcome, platform_id=str(record.get("id")), platform_value=dict(record)
        )


__all__ = ["InsuranceStatusWriter", "PolicyLineWriter"]
