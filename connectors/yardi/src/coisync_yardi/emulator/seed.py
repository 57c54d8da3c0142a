"""Seeding the Yardi emulator from plain dicts, and the small built-in demo portfolio.

Seed format (every key optional; ids come from the seeded sequences when absent)::

    {
      "properties": [{"code": "hp01", "name": "Harbor Point Tower",
                      "address": {"line1": "1 Harbor Way", "city": "Boston", "state": "MA",
                                  "postal_code": "02110"},
                      "interfaces": ["Vendor Invoicing", "Common Data", "Renters Insurance"],
                      "owner": "Harbor Point Owner LLC", "manager": "Harbor Management"}],
      "vendors": [{"id": "v000123", "name": "Acme HVAC LLC", "properties": ["hp01"],
                   "udf": {"COIStatus": "Compliant"}, "modified": "2025-03-01T10:15:00Z",
                   "policies": [{"id": "44", "type": "General Liability", "insurer": "Hartford",
                                 "number": "GL-998877", "effective": "2025-01-01",
                                 "expiration": "2026-01-01", "amount": "1000000",
                                 "required_amount": "1000000", "is_required": true}]}],
      "tenants": [{"code": "t0001234", "property": "hp01", "name": "Blue Bottle Cafe LLC",
                   "lease_from": "2024-01-01", "lease_to": "2029-12-31", "policies": [...]}],
      "renters": [{"property": "hp01", "resident": "t0001234", "insurer": "...", "number": "..."}]
    }

A property lists the interfaces licensed for it (default: all three). A vendor's
``properties`` default to every seeded property. Records with an existing id are replaced.
"""

from __future__ import annotations

from typing import Any

from coisync.sandbox.emulator import IdSequences, parse_iso_utc
from coisync_yardi.emulator.documents import POLICY_ELEMENTS
from coisync_yardi.emulator.imports import parse_date_value
from coisync_yardi.emulator.settings import INTERFACES

ALL_INTERFACES = [interface.title for interface in INTERFACES.values()]


def _when(value: Any, default: float) -> float:
    return default if value is None else parse_iso_utc(str(value))


def _policies(
    items: list[dict[str, Any]], state: dict[str, Any], ids: IdSequences, now: float
) -> list[dict[str, Any]]:
    policies = []
    for item in items:
        unknown = set(item) - {key for _, key in POLICY_ELEMENTS} - {"modified"}
        if unknown:
            raise ValueError(f"seed policy has unknown keys: {', '.join(sorted(unknown))}")
        if not item.get("type"):
            raise ValueError(f"seed policy {item!r} needs a type")
        policy: dict[str, Any] = {key: None for _, key in POLICY_ELEMENTS}
        policy.update(is_required=False, hold_payments=False)
        policy.update(item)
        for key in ("effective", "expiration"):
            if policy[key] is not None:
                policy[key] = parse_date_value(str(policy[key]), key)
        if "id" in item:
            ids.observe(state, "policy", int(item["id"]))
            policy["id"] = str(item["id"])
        else:
            policy["id"] = str(ids.next(state, "policy"))
        for key in ("amount", "required_amount"):
            if policy[key] is not None:
                policy[key] = str(policy[key])
        policy["modified"] = _when(item.get("modified"), now)
        policies.append(policy)
    return policies


def seed_state(
    state: dict[str, Any], data: dict[str, Any], ids: IdSequences, now: float
) -> dict[str, list[str]]:
    """Add seed records to a state document (inside the caller's transaction).

    Returns:
        The seeded ids by kind.

    Raises:
        ValueError: A record is invalid or refers to an unknown property or tenant.
    """
    seeded: dict[str, list[str]] = {"properties": [], "vendors": [], "tenants": [], "renters": []}
    properties = state.setdefault("properties", {})
    for item in data.get("properties", []):
        code = str(item["code"])
        interfaces = list(item.get("interfaces", ALL_INTERFACES))
        unknown = set(interfaces) - set(ALL_INTERFACES)
        if unknown:
            raise ValueError(f"seed property {code} names unknown interfaces: {', '.join(sorted(unknown))}")
        properties[code] = {
            "code": code,
            "name": str(item.get("name", code)),
            "address": dict(item.get("address", {})),
            "interfaces": interfaces,
            "owner": item.get("owner"),
            "manager": item.get("manager"),
            "modified": _when(item.get("modified"), now),
        }
        seeded["properties"].append(code)

    def known_property(code: str) -> str:
        if code not in properties:
            raise ValueError(f"seed record refers to unknown property {code!r}")
        return code

    vendors = state.setdefault("vendors", {})
    for item in data.get("vendors", []):
        vendor_id = str(item["id"]) if "id" in item else f"v{ids.next(state, 'vendor'):07d}"
        vendors[vendor_id] = {
            "id": vendor_id,
            "name": str(item["name"]),
            "status": str(item.get("status", "Active")),
            "email": item.get("email"),
            "phone": item.get("phone"),
            "tax_id": item.get("tax_id"),
            "properties": [known_property(str(c)) for c in item.get("properties", list(properties))],
            "policies": _policies(list(item.get("policies", [])), state, ids, now),
            "udf": {str(k): str(v) for k, v in dict(item.get("udf", {})).items()},
            "notes": item.get("notes"),
            "attachments": [],
            "modified": _when(item.get("modified"), now),
        }
        seeded["vendors"].append(vendor_id)

    tenants = state.setdefault("tenants", {})
    for item in data.get("tenants", []):
        code = str(item["code"]) if "code" in item else f"t{ids.next(state, 'tenant'):07d}"
        tenants[code] = {
            "code": code,
            "property": known_property(str(item["property"])),
            "name": str(item["name"]),
            "status": str(item.get("status", "Current")),
            "unit": item.get("unit"),
            "lease_from": item.get("lease_from"),
            "lease_to": item.get("lease_to"),
            "email": item.get("email"),
            "phone": item.get("phone"),
            "policies": _policies(list(item.get("policies", [])), state, ids, now),
            "udf": {str(k): str(v) for k, v in dict(item.get("udf", {})).items()},
            "notes": item.get("notes"),
            "documents": [],
            "modified": _when(item.get("modified"), now),
        }
        seeded["tenants"].append(code)

    renters = state.setdefault("renters", {})
    for item in data.get("renters", []):
        resident = str(item["resident"])
        if resident not in tenants:
            raise ValueError(f"seed renters policy refers to unknown resident {resident!r}")
        policy_id = str(item.get("id") or ids.next(state, "renters_policy"))
        policy: dict[str, Any] = {"id_type": "Resident ID"}
        policy.update({k: (None if v is None else str(v)) for k, v in item.items()})
        policy.update(id=policy_id, property=known_property(str(item["property"])), resident=resident)
        policy["modified"] = _when(item.get("modified"), now)
        renters[policy_id] = policy
        seeded["renters"].append(policy_id)
    return seeded


DEMO_SEED: dict[str, Any] = {
    "properties": [
        {
            "code": "hp01",
            "name": "Harbor Point Tower",
            "address": {"line1": "1 Harbor Way", "city": "Boston", "state": "MA", "postal_code": "02110"},
            "owner": "Harbor Point Owner LLC",
            "manager": "Harbor Point Management",
            "modified": "2025-01-15T09:00:00Z",
        },
        {
            "code": "hp02",
            "name": "Harbor Point Retail",
            "address": {"line1": "5 Harbor Way", "city": "Boston", "state": "MA", "postal_code": "02110"},
            "interfaces": ["Common Data"],
            "modified": "2025-01-15T09:00:00Z",
        },
    ],
    "vendors": [
        {
            "id": "v000123",
            "name": "Acme HVAC LLC",
            "email": "coi@acmehvac.example",
            "properties": ["hp01"],
            "udf": {"COIStatus": "Compliant"},
            "modified": "2025-03-01T10:15:00Z",
            "policies": [
                {
                    "id": "44",
                    "type": "General Liability",
                    "insurer": "Hartford",
                    "number": "GL-998877",
                    "effective": "2025-01-01",
                    "expiration": "2026-01-01",
                    "amount": "1000000",
                    "required_amount": "1000000",
                    "is_required": True,
                },
                {
                    "id": "45",
                    "type": "Workers Compensation",
                    "insurer": "Keystone Casualty",
                    "number": "WC-7781",
                    "effective": "2025-01-01",
                    "expiration": "2026-01-01",
                    "amount": "500000",
                    "is_required": True,
                },
            ],
        },
        {
            "id": "v000131",
            "name": "Bluewater Plumbing Inc.",
            "properties": ["hp01"],
            "modified": "2025-04-02T08:00:00Z",
            "policies": [
                {
                    "id": "51",
                    "type": "General Liability",
                    "insurer": "Granite Assurance",
                    "number": "GL-2024-889",
                    "effective": "2024-10-01",
                    "expiration": "2025-10-01",
                    "amount": "2000000",
                    "hold_payments": True,
                }
            ],
        },
    ],
    "tenants": [
        {
            "code": "t0001234",
            "property": "hp01",
            "name": "Blue Bottle Cafe LLC",
            "unit": "101",
            "lease_from": "2024-01-01",
            "lease_to": "2029-12-31",
            "modified": "2025-02-10T12:00:00Z",
            "policies": [
                {
                    "id": "61",
                    "type": "General Liability",
                    "insurer": "Main Street Mutual",
                    "number": "CGL-55120",
                    "effective": "2025-02-01",
                    "expiration": "2026-02-01",
                    "amount": "2000000",
                    "required_amount": "2000000",
                    "is_required": True,
                }
            ],
        },
        {
            "code": "t0001240",
            "property": "hp02",
            "name": "Northwind Books Inc.",
            "unit": "R2",
            "lease_from": "2023-06-01",
            "lease_to": "2028-05-31",
            "modified": "2025-02-11T12:00:00Z",
        },
    ],
    "renters": [
        {
            "property": "hp01",
            "resident": "t0001234",
            "firstname": "Ana",
            "lastname": "Lopez",
            "insurer": "Lemonade",
            "number": "LEM-1001",
            "title": "Renters",
            "effective": "2025-01-01",
            "expiration": "2026-01-01",
            "liability": "100000",
            "modified": "2025-01-02T00:00:00Z",
        }
    ],
}
"""Two properties (one licensed for Common Data only), two vendors with insurance, two
commercial tenants (one with a policy), one renters policy."""


__all__ = ["ALL_INTERFACES", "DEMO_SEED", "seed_state"]
