"""Writes of the **assumed** ``insurance_certificates`` resource (VTS has no public COI API).

Modelled on VTS's ``leases/{lease_id}/delinquencies`` writes (platforms.md §3, §8.3):

* ``POST /api/v1/leases/{lease_id}/insurance_certificates`` with
  ``{"data": {"type": "insurance_certificates", "attributes": {...}}}`` creates a certificate of
  the lease (its tenant comes from the lease); 201 with the resource.
* ``PATCH /api/v1/leases/{lease_id}/insurance_certificates/{id}`` with
  ``{"data": {"id", "type", "attributes": {...}}}`` changes the given attributes; 200.

A ``sourceid`` already used by another certificate of the lease answers 409 "Duplicate record"
(the delinquency pattern). Invalid attributes answer 422 with one error per attribute and a
``source.pointer`` (**assumed** shape). ``created_at``/``updated_at`` are read-only and ignored;
``updated_at`` moves only when a value changes (**assumed**, as Rails does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from coisync.sandbox.emulator import HttpError
from coisync_vts.emulator.documents import errors_body
from coisync_vts.emulator.seed import CERTIFICATE_ATTRIBUTES, new_record
from coisync_vts.emulator.settings import CERTIFICATES, DUPLICATE

COMPLIANCE_STATUSES = frozenset(
    {"compliant", "non_compliant", "expiring", "expired", "pending_review", "missing", "not_required"}
)
"""The ``compliance_status`` vocabulary (**assumed**)."""
TEXT = frozenset({"carrier", "policy_number", "sourceid", "compliance_notes"})
DATES = frozenset({"effective_date", "expiration_date"})
MONEY = frozenset({"limit", "required_limit"})
FLAGS = frozenset({"certificate_received", "additional_insured", "waived"})
READ_ONLY = frozenset({"created_at", "updated_at"})
NOTES_MAX = 1000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _problem(name: str, value: Any) -> str | None:
    if name == "coverage_type":
        return None if isinstance(value, str) and value.strip() else "must be a non-blank string"
    if name == "compliance_status":
        return None if value is None or value in COMPLIANCE_STATUSES else "is not a known compliance status"
    if name in TEXT:
        if value is not None and not isinstance(value, str):
            return "must be a string"
        return (
            "is too long (maximum is 1000 characters)"
            if isinstance(value, str) and len(value) > NOTES_MAX
            else None
        )
    if name in DATES:
        return (
            None if value is None or (isinstance(value, str) and _DATE.match(value)) else "must be YYYY-MM-DD"
        )
    if name in MONEY:
        if value is None:
            return None
        ok = (
            isinstance(value, Mapping)
            and set(value) == {"magnitude", "unit"}
            and isinstance(value["magnitude"], int | float)
            and not isinstance(value["magnitude"], bool)
            and value["magnitude"] >= 0
            and isinstance(value["unit"], str)
            and len(value["unit"]) == 3
        )
        return None if ok else "must be {magnitude: number >= 0, unit: ISO 4217 code}"
    if name in FLAGS:
        return None if isinstance(value, bool) else "must be true or false"
    return "is not an attribute of insurance_certificates"


def checked_attributes(body: Any, *, creating: bool, record_id: str | None = None) -> dict[str, Any]:
    """The writable attributes of a request body.

    Raises:
        HttpError: 400 for a body that is not a JSON:API document of this type (or names another
            id), 422 for invalid attributes.
    """
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or data.get("type") != CERTIFICATES:
        raise HttpError(
            400, message='The body must be {"data": {"type": "insurance_certificates", "attributes": {...}}}'
        )
    if record_id is not None and "id" in data and str(data["id"]) != record_id:
        raise HttpError(400, message="data.id does not match the URL")
    given = data.get("attributes") or {}
    if not isinstance(given, Mapping):
        raise HttpError(400, message="data.attributes must be an object")
    attributes = {k: v for k, v in given.items() if k not in READ_ONLY}
    if creating and "coverage_type" not in attributes:
        attributes.setdefault("coverage_type", None)
    errors = [
        {"detail": f"{name} {problem}", "source": {"pointer": f"/data/attributes/{name}"}}
        for name, value in attributes.items()
        if (problem := _problem(name, value)) is not None
    ]
    if errors:
        raise HttpError(422, {"errors": errors})
    return attributes


def _duplicate(state: dict[str, Any], lease_id: str, sourceid: Any, own_id: str | None) -> bool:
    if not sourceid:
        return False
    return any(
        r["rel"].get("lease") == lease_id
        and r["attributes"].get("sourceid") == sourceid
        and r["id"] != own_id
        for r in state.get(CERTIFICATES, {}).values()
    )


def create_certificate(
    state: dict[str, Any], lease: Mapping[str, Any], attributes: Mapping[str, Any], record_id: str, stamp: str
) -> dict[str, Any]:
    """Store a new certificate of ``lease``.

    Raises:
        HttpError: 409 when its ``sourceid`` is taken on the lease.
    """
    lease_id = str(lease["id"])
    if _duplicate(state, lease_id, attributes.get("sourceid"), None):
        raise HttpError(409, errors_body(DUPLICATE))
    fields = {**attributes, "lease_id": lease_id, "tenant_id": lease["rel"].get("tenant")}
    record = new_record(CERTIFICATES, fields, record_id, stamp)
    state.setdefault(CERTIFICATES, {})[record_id] = record
    return record


def update_certificate(
    state: dict[str, Any], record: dict[str, Any], attributes: Mapping[str, Any], stamp: str
) -> dict[str, Any]:
    """Apply changed attributes to ``record``; ``updated_at`` moves only when something changed.

    Raises:
        HttpError: 409 when a new ``sourceid`` is taken on the lease.
    """
    if "sourceid" in attributes and _duplicate(
        state, record["rel"]["lease"], attributes["sourceid"], record["id"]
    ):
        raise HttpError(409, errors_body(DUPLICATE))
    current = record["attributes"]
    changed = {k: v for k, v in attributes.items() if current.get(k) != v}
    if changed:
        current.update(changed)
        current["updated_at"] = stamp
    return record


__all__ = [
    "CERTIFICATE_ATTRIBUTES",
    "COMPLIANCE_STATUSES",
    "checked_attributes",
    "create_certificate",
    "update_certificate",
]
