"""Tenant updates: comments on a tenant, listed as VTS documents them and written as **assumed**.

``GET /api/v1/tenant_updates`` with ``filter[tenant_id|property_id|updated_since]`` and the
usual pages is VTS's documented resource (``tenant-updates.yml``): ``comment``, ``important``,
``interaction_type``, ``interaction_date``, ``sentiment``, relationships ``tenant`` and
``asset`` (the emulator keeps no users, so ``owner``/``created_by``/``contacts`` are left out).

VTS documents no way to write one. The emulator takes
``POST /api/v1/tenants/{tenant_id}/tenant_updates`` with
``{"data": {"type": "tenant_updates", "attributes": {...}}}`` (**assumed**, modelled on
``POST /api/v1/leases/{lease_id}/delinquencies``; :attr:`VtsSettings.tenant_update_writes`):
201 with the resource; ``comment`` required; invalid attributes answer 422 with a
``source.pointer`` per attribute, as certificates do. Updates are only added, never changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from coisync.sandbox.emulator import HttpError
from coisync_vts.emulator.seed import new_record
from coisync_vts.emulator.settings import TENANT_UPDATES, VtsSettings

INTERACTION_TYPES = frozenset(
    {
        "email",
        "phone_call",
        "meeting",
        "other",
        "event_entertainment",
        "rent_relief",
        "renewal_discussion",
        "sustainability_conversation",
    }
)
"""``interaction_type`` values (the fragment's enum)."""
SENTIMENTS = frozenset({"negative", "neutral", "positive"})
READ_ONLY = frozenset({"created_at", "updated_at"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _problem(name: str, value: Any, settings: VtsSettings) -> str | None:
    if name == "comment":
        if not isinstance(value, str) or not value.strip():
            return "can't be blank"
        return (
            None
            if len(value) <= settings.comment_max
            else f"is too long (maximum is {settings.comment_max} characters)"
        )
    if name == "important":
        return None if isinstance(value, bool) else "must be true or false"
    if name == "interaction_type":
        return None if value in INTERACTION_TYPES else "is not included in the list"
    if name == "interaction_date":
        return (
            None if value is None or (isinstance(value, str) and _DATE.match(value)) else "must be YYYY-MM-DD"
        )
    if name == "sentiment":
        return None if value is None or value in SENTIMENTS else "is not included in the list"
    return "is not an attribute of tenant_updates"


def checked_update(body: Any, settings: VtsSettings) -> dict[str, Any]:
    """The attributes of a tenant update request body.

    Raises:
        HttpError: 400 for a body that is not a JSON:API document of this type, 422 for invalid
            attributes.
    """
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or data.get("type") != TENANT_UPDATES:
        raise HttpError(
            400, message='The body must be {"data": {"type": "tenant_updates", "attributes": {...}}}'
        )
    given = data.get("attributes") or {}
    if not isinstance(given, Mapping):
        raise HttpError(400, message="data.attributes must be an object")
    attributes = {k: v for k, v in given.items() if k not in READ_ONLY}
    attributes.setdefault("comment", None)
    errors = [
        {"detail": f"{name} {problem}", "source": {"pointer": f"/data/attributes/{name}"}}
        for name, value in attributes.items()
        if (problem := _problem(name, value, settings)) is not None
    ]
    if errors:
        raise HttpError(422, {"errors": errors})
    return attributes


def create_update(
    state: dict[str, Any], tenant_id: str, attributes: Mapping[str, Any], record_id: str, stamp: str
) -> dict[str, Any]:
    """Store a new update of a tenant; its asset is that of the tenant's first lease (if any)."""
    leases = sorted(
        (r for r in state.get("leases", {}).values() if r["rel"].get("tenant") == tenant_id),
        key=lambda r: (len(str(r["id"])), str(r["id"])),
    )
    asset = leases[0]["rel"].get("asset") if leases else None
    fields = {"interaction_date": stamp[:10], **attributes, "tenant_id": tenant_id, "asset_id": asset}
    record = new_record(TENANT_UPDATES, fields, record_id, stamp)
    state.setdefault(TENANT_UPDATES, {})[record_id] = record
    return record


__all__ = ["INTERACTION_TYPES", "SENTIMENTS", "checked_update", "create_update"]
