"""Applying imported documents: vendors (``ImportVendors_Login``) and commercial tenants
(``UpdateResidentData``), with their user-defined fields, notes and ``<Policy>`` lines.

Semantics (all **assumed**; Yardi documents no vendor or commercial-tenant insurance import):

* A ``<Vendor>`` names an existing ``VendorId`` and changes only the elements it carries; an
  unknown ``VendorId`` with a ``Name`` creates the vendor, without one it is an error.
* ``<UserDefinedFields><Field Name="COIStatus">`` sets (or, when empty, clears) that field.
* A ``<Policy>`` with ``PolicyId`` updates that line; without one it updates the line of the
  same ``InsuranceType`` and ``PolicyNumber`` (``YardiSettings.policy_match_on_number``), else
  adds a line with a new id. Only the elements present change.
* Any invalid value fails the whole import with an error message; nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from coisync.http.soap import local_name
from coisync_yardi.emulator.access import YardiMessage
from coisync_yardi.emulator.documents import POLICY_ELEMENTS

_BOOLEAN = {"true": True, "false": False, "1": True, "0": False}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def children(element: Element) -> dict[str, Element]:
    """Children by local name (the first of each)."""
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(local_name(child.tag), child)
    return found


def text_of(element: Element | None) -> str | None:
    """Trimmed text of an element; ``None`` when absent or empty."""
    if element is None:
        return None
    text = (element.text or "").strip()
    return text or None


def parse_date_value(text: str, what: str) -> str:
    """An ISO date from ``YYYY-MM-DD`` (a time part is ignored) or ``MM/DD/YYYY``.

    Raises:
        YardiMessage: The text is not a date.
    """
    us = _US_DATE.match(text)
    try:
        if us:
            return date(int(us[3]), int(us[1]), int(us[2])).isoformat()
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise YardiMessage(f"Invalid date '{text}' for {what}") from None


def _amount(text: str, what: str) -> str:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise YardiMessage(f"Invalid amount '{text}' for {what}") from None
    if not value.is_finite() or value < 0:
        raise YardiMessage(f"Invalid amount '{text}' for {what}")
    return format(value.normalize(), "f")


def _boolean(text: str, what: str) -> bool:
    value = _BOOLEAN.get(text.casefold())
    if value is None:
        raise YardiMessage(f"Invalid boolean '{text}' for {what}")
    return value


def policy_changes(element: Element) -> dict[str, Any]:
    """The state changes one imported ``<Policy>`` asks for (absent elements are left alone).

    Raises:
        YardiMessage: A value is invalid.
    """
    parts = children(element)
    changes: dict[str, Any] = {}
    for name, key in POLICY_ELEMENTS:
        child = parts.get(name)
        if child is None:
            continue
        if name == "Insurer":
            changes[key] = text_of(children(child).get("Name"))
            continue
        text = text_of(child)
        if key in ("effective", "expiration"):
            changes[key] = None if text is None else parse_date_value(text, name)
        elif key in ("amount", "required_amount"):
            changes[key] = None if text is None else _amount(text, name)
        elif key in ("is_required", "hold_payments"):
            changes[key] = False if text is None else _boolean(text, name)
        else:
            changes[key] = text
    return changes


def apply_policies(
    record: dict[str, Any],
    insurance: Element,
    *,
    new_id: Callable[[], str],
    now: float,
    match_on_number: bool,
) -> tuple[int, int]:
    """Upsert the ``<Policy>`` children of ``insurance`` into ``record["policies"]``.

    Returns:
        Lines created and lines updated.

    Raises:
        YardiMessage: An unknown ``PolicyId``, a new line without ``InsuranceType``, or a bad value.
    """
    policies: list[dict[str, Any]] = record.setdefault("policies", [])
    created = updated = 0
    for element in insurance:
        if local_name(element.tag) != "Policy":
            continue
        changes = policy_changes(element)
        policy_id = changes.pop("id", None)
        target: dict[str, Any] | None = None
        if policy_id is not None:
            target = next((p for p in policies if p["id"] == policy_id), None)
            if target is None:
                raise YardiMessage(
                    f"Policy {policy_id} does not exist for {record.get('id') or record['code']}"
                )
        elif match_on_number and changes.get("number"):
            target = next(
                (
                    p
                    for p in policies
                    if p.get("number") == changes["number"]
                    and (p.get("type") or "").casefold() == (changes.get("type") or "").casefold()
                ),
                None,
            )
        if target is None:
            if not changes.get("type"):
                raise YardiMessage("InsuranceType is required for a new policy")
            target = {key: None for _, key in POLICY_ELEMENTS}
            target.update(id=new_id(), is_required=False, hold_payments=False)
            policies.append(target)
            created += 1
        elif any(target.get(key) != value for key, value in changes.items()):
            updated += 1
        else:
            continue  # assumed: an import that changes nothing leaves the policy as it was
        target.update(changes)
        target["modified"] = now
    return created, updated


def apply_user_fields(record: dict[str, Any], container: Element) -> None:
    """Set or clear the ``<Field Name=...>`` values of a ``<UserDefinedFields>`` element.

    Raises:
        YardiMessage: A field has no ``Name``.
    """
    fields: dict[str, Any] = record.setdefault("udf", {})
    for field in container:
        name = field.get("Name", "").strip()
        if not name:
            raise YardiMessage("A user-defined field needs a Name")
        value = text_of(field)
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value


__all__ = [
    "apply_policies",
    "apply_user_fields",
    "children",
    "parse_date_value",
    "policy_changes",
    "text_of",
]
