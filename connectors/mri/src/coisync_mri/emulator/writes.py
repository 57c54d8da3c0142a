"""POSTs: insurance rows and lease notes, each row checked and applied on its own.

A POST carries the read envelope (``{"odata.metadata": ..., "value": [rows]}``) and is answered
with HTTP 200 and one row per posted row, in order: the saved row (with ``LastUpdate`` and
``UserID``), or the posted row with ``{"Error": {"Message": "..."}}``. Good rows are saved even
when their neighbours fail [CODE: mri_hook ``payment_submitter_handler.rb``]. The messages and
the rules behind them are **assumed**.

Insurance rows (assumed API): ``BuildingID`` and ``LeaseID`` are required; with ``PolicyID`` the
row updates that policy, without it a policy is created (``InsuranceType`` required). Flags are
``Y``/``N``, amounts decimal strings, dates ISO. Read-only fields (``OccupantName``,
``MasterOccupantID``, ``LastUpdate``, ``UserID``) are ignored; unknown fields fail the row. A
lease locked by another user fails every row that touches it. Every saved row gets a new
``LastUpdate``, even when its values did not change (assumed: MRI stamps each save).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from coisync_mri.emulator.envelope import parse_row_date, row_time
from coisync_mri.emulator.seed import INSURANCE_DEFAULTS, lease_key
from coisync_mri.emulator.settings import MriSettings

FLAG_FIELDS = frozenset({"CertificateReceived", "AdditionalInsured", "Waived", "Compliant"})
AMOUNT_FIELDS = frozenset({"RequiredAmount", "CoverageAmount"})
DATE_FIELDS = frozenset({"EffectiveDate", "ExpirationDate"})
READ_ONLY_FIELDS = frozenset({"OccupantName", "MasterOccupantID", "LastUpdate", "UserID"})
KEY_FIELDS = frozenset({"BuildingID", "LeaseID", "PolicyID"})
NOTE_FIELDS = frozenset({"BuildingID", "LeaseID", "NoteDate", "NoteText", "NoteReference1", "NoteReference2"})


class RowError(Exception):
    """A row the platform refuses; the message goes into ``Error.Message``."""


def row_failure(row: Any, message: str) -> dict[str, Any]:
    """The posted row with MRI's per-row error."""
    echoed = dict(row) if isinstance(row, Mapping) else {}
    echoed["Error"] = {"Message": message}
    return echoed


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(f"{name} is required")
    return str(value).strip()


def _lease(state: dict[str, Any], row: Mapping[str, Any], user: str) -> dict[str, Any]:
    building_id, lease_id = _text(row, "BuildingID"), _text(row, "LeaseID")
    if building_id not in state.get("buildings", {}):
        raise RowError(f"Building {building_id} does not exist")
    key = lease_key(building_id, lease_id)
    lease: dict[str, Any] | None = state.get("leases", {}).get(key)
    if lease is None:
        raise RowError(f"Lease {lease_id} does not exist in building {building_id}")
    holder = state.get("locks", {}).get(key)
    if holder and holder != user:
        raise RowError(f"Lease {lease_id} in building {building_id} is locked by user {holder}")
    return lease


def _checked_value(name: str, value: Any, settings: MriSettings) -> str:
    text = "" if value is None else str(value)
    if name in FLAG_FIELDS:
        if text not in ("Y", "N"):
            raise RowError(f"{name} must be Y or N")
    elif name in AMOUNT_FIELDS:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise RowError(f"{name} must be an amount such as 1000.00") from None
        if not amount.is_finite() or amount < 0:
            raise RowError(f"{name} must be an amount such as 1000.00")
        text = f"{amount:.2f}"
    elif name in DATE_FIELDS:
        parsed = parse_row_date(text) if text else ""
        if parsed is None:
            raise RowError(f"{name} is not a valid date")
        text = parsed
    elif name == "ComplianceStatus" and len(text) > settings.status_text_max:
        raise RowError(f"ComplianceStatus is longer than {settings.status_text_max} characters")
    elif name in ("ComplianceNote", "Notes") and len(text) > settings.comment_max:
        raise RowError(f"{name} is longer than {settings.comment_max} characters")
    return text


def save_insurance_row(
    state: dict[str, Any],
    row: Any,
    *,
    user: str,
    now: float,
    settings: MriSettings,
    next_policy_id: Callable[[], str],
) -> dict[str, Any]:
    """Check and save one posted insurance row; the saved row, or raises :class:`RowError`."""
    if not isinstance(row, Mapping):
        raise RowError("Row is not an object")
    lease = _lease(state, row, user)
    updates: dict[str, str] = {}
    for name, value in row.items():
        if name in KEY_FIELDS or name in READ_ONLY_FIELDS:
            continue
        if name not in INSURANCE_DEFAULTS:
            raise RowError(f"{name} is not a field of this API")
        updates[name] = _checked_value(name, value, settings)
    insurance = state.setdefault("insurance", {})
    policy_id = row.get("PolicyID")
    if policy_id not in (None, ""):
        current = insurance.get(str(policy_id))
        if current is None or (current["BuildingID"], current["LeaseID"]) != (
            lease["BuildingID"],
            lease["LeaseID"],
        ):
            raise RowError(f"Policy {policy_id} does not exist for lease {lease['LeaseID']}")
        saved: dict[str, Any] = {**current, **updates}
    else:
        if not updates.get("InsuranceType"):
            raise RowError("InsuranceType is required")
        policy_id = next_policy_id()
        saved = {
            "BuildingID": lease["BuildingID"],
            "LeaseID": lease["LeaseID"],
            **INSURANCE_DEFAULTS,
            "OccupantName": lease["OccupantName"],
            "MasterOccupantID": lease["MasterOccupantID"],
            **updates,
            "PolicyID": str(policy_id),
        }
    saved["LastUpdate"], saved["UserID"] = row_time(now), user
    insurance[str(policy_id)] = saved
    return dict(saved)


def save_note_row(
    state: dict[str, Any], row: Any, *, user: str, now: float, settings: MriSettings
) -> dict[str, Any]:
    """Check and save one posted lease note; the saved row, or raises :class:`RowError`."""
    if not isinstance(row, Mapping):
        raise RowError("Row is not an object")
    lease = _lease(state, row, user)
    unknown = sorted(set(row) - NOTE_FIELDS)
    if unknown:
        raise RowError(f"{unknown[0]} is not a field of this API")
    text = _text(row, "NoteText")
    if len(text) > settings.note_text_max:
        raise RowError(f"NoteText is longer than {settings.note_text_max} characters")
    stamp = row_time(now)
    note_date = parse_row_date(row.get("NoteDate")) if row.get("NoteDate") else f"{stamp[:10]}T00:00:00"
    if note_date is None:
        raise RowError("NoteDate is not a valid date")
    reference = str(row.get("NoteReference1") or "")
    codes = {r["ReferenceType"] for r in state.get("reference_types", ())}
    if reference and reference not in codes:
        raise RowError(f"NoteReference1 {reference} is not a valid reference type")
    saved = {
        "BuildingID": lease["BuildingID"],
        "LeaseID": lease["LeaseID"],
        "NoteDate": note_date,
        "NoteText": text,
        "NoteReference1": reference,
        "NoteReference2": str(row.get("NoteReference2") or ""),
        "LastUpdate": stamp,
        "UserID": user,
    }
    state.setdefault("notes", []).append(saved)
    return dict(saved)


__all__ = ["RowError", "row_failure", "save_insurance_row", "save_note_row"]
