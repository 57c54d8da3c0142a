"""Insurance records: write-payload validation, stored shape and response rendering.

A write payload uses Procore's write names: the carrier is sent as ``name`` and returned as
``insurance_provider`` [DOC]. Keys Procore would not permit (including ``insurance_provider``
and ``id``) are ignored, as Rails strong parameters do (assumed).

Stored records keep every documented field plus ``company_id``, ``project_id`` (``None`` for
company-level records), ``created_at``/``updated_at``/``deleted_at`` (Unix seconds) and
``attachments``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coisync.sandbox.emulator import iso_utc
from coisync_procore.emulator.settings import (
    ASSUMED_INSURANCE_FIELDS,
    INSURANCE_FIELDS,
    INSURANCE_STATUSES,
    ProcoreSettings,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_FIELDS = ("insurance_type", "policy_number", "additional_insured", "notes", "origin_data")
_BOOL_FIELDS = ("exempt", "info_received", "enable_expired_insurance_notifications")
_PASSTHROUGH_FIELDS = ("division_template", "insurance_sets")

Errors = dict[str, list[str]]


def format_limit(value: Any) -> str:
    """Procore's limit text: a decimal string with at least one fractional digit (``"1000000.0"``).

    Raises:
        ValueError: If ``value`` is not a finite non-negative number or numeric string.
    """
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError("not a non-negative number")
    if number == number.to_integral_value():
        return f"{int(number)}.0"
    return format(number.normalize(), "f")


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    year, month, day = (int(part) for part in text.split("-"))
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_write(payload: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Validate an insurance write payload (already unwrapped from ``{"insurance": ...}``).

    Args:
        payload: The client's fields, in write names (``name`` for the provider).

    Returns:
        ``(changes, errors)``: the stored-name changes to apply, and 422 field errors.
    """
    changes: dict[str, Any] = {}
    errors: Errors = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if "name" in payload:
        value = payload["name"]
        if value is not None and not isinstance(value, str):
            fail("name", "must be text")
        else:
            changes["insurance_provider"] = value
    for key in _TEXT_FIELDS:
        if key in payload:
            value = payload[key]
            if value is not None and not isinstance(value, str):
                fail(key, "must be text")
            else:
                changes[key] = value
    for key in ("effective_date", "expiration_date"):
        if key in payload:
            value = payload[key]
            if value in (None, ""):
                changes[key] = None
            elif not isinstance(value, str) or not _valid_date(value):
                fail(key, "is not a valid date (YYYY-MM-DD)")
            else:
                changes[key] = value
    if "limit" in payload:
        value = payload["limit"]
        if value in (None, ""):
            changes["limit"] = None
        else:
            try:
                changes["limit"] = format_limit(value)
            except ValueError:
                fail("limit", "is not a number")
    if "status" in payload:
        if payload["status"] not in INSURANCE_STATUSES:
            fail("status", "is not included in the list")
        else:
            changes["status"] = payload["status"]
    for key in _BOOL_FIELDS:
        if key in payload:
            if not isinstance(payload[key], bool):
                fail(key, "must be true or false")
            else:
                changes[key] = payload[key]
    for key in _PASSTHROUGH_FIELDS:
        if key in payload:
            changes[key] = payload[key]
    if "origin_id" in payload:
        value = payload["origin_id"]
        if value is None or value == "":
            changes["origin_id"] = None
        elif isinstance(value, bool) or not isinstance(value, (str, int)):
            fail("origin_id", "must be text")
        else:
            changes["origin_id"] = str(value)  # assumed: integer origin ids are kept as text
    if "vendor_id" in payload:
        value = payload["vendor_id"]
        if value is None or value == "":
            changes["vendor_id"] = None
        elif isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
            fail("vendor_id", "is not a number")
        else:
            changes["vendor_id"] = int(value)
    if "upload_ids" in payload:
        value = payload["upload_ids"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail("upload_ids", "must be a list of upload ids")
        else:
            changes["upload_ids"] = list(value)
    return changes, errors


def new_record(
    record_id: int, company_id: int, project_id: int | None, now: float, settings: ProcoreSettings
) -> dict[str, Any]:
    """A stored record with every field at its default (assumed defaults)."""
    record: dict[str, Any] = dict.fromkeys(INSURANCE_FIELDS)
    record.update(
        id=record_id,
        status=settings.default_status,
        exempt=False,
        info_received=False,
        enable_expired_insurance_notifications=False,
        company_id=company_id,
        project_id=project_id,
        created_at=now,
        updated_at=now,
        deleted_at=None,
        attachments=[],
    )
    return record


def render(record: dict[str, Any], settings: ProcoreSettings) -> dict[str, Any]:
    """The response shape of a stored record: documented fields, plus the assumed extras."""
    body = {key: record.get(key) for key in INSURANCE_FIELDS}
    if settings.extra_fields:
        for key in ASSUMED_INSURANCE_FIELDS:
            value = record.get(key)
            if key in ("updated_at", "deleted_at") and value is not None:
                value = iso_utc(value)
            body[key] = value if value is not None or key != "attachments" else []
    return body


def origin_conflict(
    records: dict[str, dict[str, Any]],
    company_id: int,
    origin_id: str | None,
    own_id: int | None,
    *,
    tombstones_count: bool = False,
) -> bool:
    """Whether another record of the company already uses ``origin_id``.

    Args:
        records: The stored insurance records.
        company_id: The company whose records are compared.
        origin_id: The origin id being written.
        own_id: The record being updated (``None`` on create), which may keep its own id.
        tombstones_count: Whether deleted records still hold their ``origin_id`` (assumed no;
            ``ProcoreSettings.tombstones_keep_origin_id``).
    """
    if origin_id is None:
        return False
    return any(
        r["origin_id"] == origin_id
        and r["company_id"] == company_id
        and (tombstones_count or r["deleted_at"] is None)
        and r["id"] != own_id
        for r in records.values()
    )


def find_by_origin(
    records: dict[str, dict[str, Any]], company_id: int, origin_id: str
) -> dict[str, Any] | None:
    """The live record of the company with this ``origin_id``, if any."""
    for record in records.values():
        if (
            record["origin_id"] == origin_id
            and record["company_id"] == company_id
            and record["deleted_at"] is None
        ):
            return record
    return None
