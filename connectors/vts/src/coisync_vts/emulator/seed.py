"""Seeding the emulator from plain dicts: attributes flat, relationships as ``*_id`` keys.

::

    {
      "assets": [{"id": "1", "name": "West 41st Tower", "address": {...}, "sourceid": "BLD-1"}],
      "global_tenants": [{"id": "19dbe413-...", "name": "Blue Bottle Coffee Inc."}],
      "tenants": [{"id": "7", "name": "Blue Bottle Coffee", "global_tenant_id": "19dbe413-..."}],
      "leases": [{"id": "1", "tenant_id": "7", "asset_id": "1", "commencement_date": "2024-02-22"}],
      "tenant_contacts": [{"id": "3", "tenant_id": "7", "lease_ids": ["1"], "email": "..."}],
      "insurance_certificates": [{"lease_id": "1", "coverage_type": "general liability", ...}],
      "tenant_updates": [{"tenant_id": "7", "comment": "Called about the renewal", ...}]
    }

Every attribute of a resource's published shape is present on every record (``null`` when not
given), so list responses have the fragments' shape. ``created_at`` / ``updated_at`` default to
the emulator clock. Records without ``id`` get the next id of their kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from coisync_vts.emulator.settings import CERTIFICATES, TENANT_UPDATES

ASSET_ATTRIBUTES: tuple[str, ...] = (
    "address", "building_class", "created_at", "currency", "description", "external_ids",
    "has_industrial_space", "has_office_space", "has_retail_space", "leasing_company",
    "managing_company", "name", "notes", "owner", "owning_company", "sourceid", "submarket",
    "building_region", "updated_at", "year_built", "market", "legal_entity", "asset_managers",
)  # fmt: skip
"""Asset attributes the emulator keeps (a subset of the fragment's; the rest are left out)."""
TENANT_ATTRIBUTES = ("name", "global_tenant_name", "industry", "created_at", "updated_at")
"""Tenant attributes (platforms.md §3; no fragment: ``industry`` **assumed**)."""
GLOBAL_TENANT_ATTRIBUTES = ("name", "industry", "address", "cap_iq_id", "created_at", "updated_at")
LEASE_ATTRIBUTES = (
    "commencement_date", "created_at", "execution_date", "expiration_date", "renewal_status",
    "sourceid", "structure", "updated_at", "industry",
)  # fmt: skip
CONTACT_ATTRIBUTES = (
    "first_name", "last_name", "phone", "phone_extension", "email", "company_name", "title",
    "created_at", "updated_at", "phone_type", "type", "role", "is_decision_maker", "note",
)  # fmt: skip
CERTIFICATE_ATTRIBUTES = (
    "coverage_type", "carrier", "policy_number", "effective_date", "expiration_date", "limit",
    "required_limit", "compliance_status", "compliance_notes", "certificate_received",
    "additional_insured", "waived", "sourceid", "created_at", "updated_at",
)  # fmt: skip
"""The **assumed** certificate attributes (platforms.md §8.3, plus ``compliance_notes``)."""
TENANT_UPDATE_ATTRIBUTES = (
    "comment", "important", "interaction_type", "interaction_date", "sentiment", "created_at", "updated_at",
)  # fmt: skip
"""Tenant update attributes (VTS's ``tenant_updates`` fragment)."""

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "assets": ASSET_ATTRIBUTES,
    "tenants": TENANT_ATTRIBUTES,
    "global_tenants": GLOBAL_TENANT_ATTRIBUTES,
    "leases": LEASE_ATTRIBUTES,
    "tenant_contacts": CONTACT_ATTRIBUTES,
    CERTIFICATES: CERTIFICATE_ATTRIBUTES,
    TENANT_UPDATES: TENANT_UPDATE_ATTRIBUTES,
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "assets": {"currency": "USD", "external_ids": [], "has_industrial_space": False,
               "has_office_space": True, "has_retail_space": False, "asset_managers": []},
    "tenant_contacts": {"is_decision_maker": False, "type": "tenant"},
    CERTIFICATES: {"certificate_received": False, "additional_insured": False, "waived": False},
    TENANT_UPDATES: {"important": False, "interaction_type": "other"},
}  # fmt: skip
"""Non-null defaults; booleans and lists the fragments type as non-nullable."""
RELATION_KEYS: dict[str, tuple[str, ...]] = {
    "assets": ("multi_building_asset_id",),
    "tenants": ("global_tenant_id",),
    "global_tenants": ("ultimate_parent_id",),
    "leases": ("tenant_id", "asset_id"),
    "tenant_contacts": ("tenant_id",),
    CERTIFICATES: ("lease_id", "tenant_id"),
    TENANT_UPDATES: ("tenant_id", "asset_id"),
}
NOT_NULL_TEXT: dict[str, frozenset[str]] = {
    "assets": frozenset({"building_class", "currency", "description", "leasing_company", "managing_company",
                         "name", "submarket", "market"}),
    "global_tenants": frozenset({"name", "industry", "address"}),
    "tenant_contacts": frozenset({"first_name", "last_name", "email"}),
    TENANT_UPDATES: frozenset({"comment"}),
}  # fmt: skip
"""Text attributes the fragments type as non-nullable: ``""`` when not given."""
OMITTED_WHEN_NULL: dict[str, frozenset[str]] = {"assets": frozenset({"year_built", "address"})}
"""Non-nullable attributes left out of a record that has no value for them."""
ID_STARTS: dict[str, int] = {
    "assets": 1, "tenants": 1, "leases": 1, "tenant_contacts": 1, CERTIFICATES: 9001, TENANT_UPDATES: 501,
}  # fmt: skip


def new_record(kind: str, given: Mapping[str, Any], record_id: str, stamp: str) -> dict[str, Any]:
    """A stored record of ``kind`` from flat seed fields.

    Raises:
        ValueError: A field is neither an attribute nor a relationship of ``kind``.
    """
    names, relations = ATTRIBUTES[kind], RELATION_KEYS[kind]
    unknown = sorted(set(given) - set(names) - set(relations) - {"id", "lease_ids"})
    if unknown:
        raise ValueError(f"{kind}: unknown field {unknown[0]!r}")
    attributes: dict[str, Any] = dict.fromkeys(names)
    attributes.update(DEFAULTS.get(kind, {}))
    attributes.update({k: v for k, v in given.items() if k in names})
    for name in NOT_NULL_TEXT.get(kind, ()):
        attributes[name] = attributes.get(name) or ""
    for name in OMITTED_WHEN_NULL.get(kind, ()):
        if attributes.get(name) is None:
            del attributes[name]
    for name in ("created_at", "updated_at"):
        attributes[name] = attributes.get(name) or stamp
    rel = {key[: -len("_id")]: (None if given.get(key) is None else str(given[key])) for key in relations}
    record: dict[str, Any] = {"id": record_id, "attributes": attributes, "rel": rel}
    if kind == "tenant_contacts":
        record["lease_ids"] = [str(i) for i in given.get("lease_ids") or ()]
    return record


def seed_state(
    state: dict[str, Any], data: Mapping[str, Any], stamp: str, next_id: Callable[[str], str]
) -> dict[str, list[str]]:
    """Add the records of ``data`` to ``state`` (inside a transaction); the ids added per kind.

    Raises:
        ValueError: A record names an unknown field or a related record that does not exist.
    """
    added: dict[str, list[str]] = {}
    for kind in ATTRIBUTES:
        table = state.setdefault(kind, {})
        added[kind] = []
        for given in data.get(kind, ()):
            record_id = str(given.get("id") or next_id(kind))
            fields = dict(given)
            if kind == CERTIFICATES:
                lease = state["leases"].get(str(fields.get("lease_id")))
                if lease is None:
                    raise ValueError(f"certificate: unknown lease {fields.get('lease_id')!r}")
                fields.setdefault("tenant_id", lease["rel"].get("tenant"))
            if kind == TENANT_UPDATES:
                fields.setdefault("interaction_date", str(fields.get("created_at") or stamp)[:10])
            record = new_record(kind, fields, record_id, stamp)
            for name, related in record["rel"].items():
                target = {"tenant": "tenants", "asset": "assets", "lease": "leases"}.get(name)
                if target is not None and related is not None and related not in state.get(target, {}):
                    raise ValueError(f"{kind} {record_id}: unknown {name} {related!r}")
            table[record_id] = record
            added[kind].append(record_id)
    return added


DEMO_SEED: dict[str, Any] = {
    "assets": [
        {"id": "1", "name": "West 41st Tower", "sourceid": "BLD-0001", "managing_company": "Harbor Management",
         "address": {"street_address": "114 W 41st St", "locality": "New York", "region": "NY",
                     "country": "United States", "postal_code": "10036",
                     "formatted": "114 W 41st St, New York, NY 10036"}},
    ],
    "global_tenants": [{"id": "19dbe413-442a-4fd1-afe4-9b12dc2c02ce", "name": "Blue Bottle Coffee Inc."}],
    "tenants": [
        {"id": "7", "name": "Blue Bottle Coffee", "global_tenant_id": "19dbe413-442a-4fd1-afe4-9b12dc2c02ce",
         "global_tenant_name": "Blue Bottle Coffee Inc."},
        {"id": "8", "name": "Northwind Dental Group"},
    ],
    "leases": [
        {"id": "1", "tenant_id": "7", "asset_id": "1", "commencement_date": "2024-02-22",
         "expiration_date": "2034-02-21", "renewal_status": "unknown", "sourceid": "L00001", "structure": "triple net"},
        {"id": "2", "tenant_id": "8", "asset_id": "1", "commencement_date": "2022-06-01",
         "expiration_date": "2032-05-31", "renewal_status": "unknown", "sourceid": "L00002"},
    ],
    "tenant_contacts": [
        {"id": "3", "tenant_id": "7", "lease_ids": ["1"], "first_name": "Ana", "last_name": "Ruiz",
         "email": "ana.ruiz@bluebottle.example", "phone": "2125550101", "is_decision_maker": True},
    ],
    CERTIFICATES: [
        {"id": "9001", "lease_id": "1", "coverage_type": "general liability", "carrier": "Chubb",
         "policy_number": "35-11-22", "effective_date": "2025-01-01", "expiration_date": "2026-01-01",
         "limit": {"magnitude": 1000000, "unit": "USD"}, "required_limit": {"magnitude": 1000000, "unit": "USD"},
         "certificate_received": True, "additional_insured": True, "sourceid": "COI-000123"},
    ],
}  # fmt: skip
"""A one-asset demo portfolio (the §8.3 certificate and its neighbours)."""


__all__ = [
    "ATTRIBUTES",
    "DEMO_SEED",
    "ID_STARTS",
    "RELATION_KEYS",
    "TENANT_UPDATE_ATTRIBUTES",
    "new_record",
    "seed_state",
]
