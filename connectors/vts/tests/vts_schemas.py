"""Small JSON Schemas of VTS list responses, written from the facts of VTS's published API
fragments (field names, types, nullability, enums), so the tests need no copy of the fragments."""

from __future__ import annotations

from typing import Any

STR: dict[str, Any] = {"type": "string"}
NSTR: dict[str, Any] = {"type": ["string", "null"]}
BOOL: dict[str, Any] = {"type": "boolean"}
NULL_OR_REF: dict[str, Any] = {
    "type": ["object", "null"],
    "properties": {"id": STR, "type": STR},
}


def to_one(kind: str | None = None) -> dict[str, Any]:
    """A to-one relationship whose ``data`` may be null."""
    data = dict(NULL_OR_REF)
    if kind:
        data = {**data, "properties": {"id": STR, "type": {"enum": [kind]}}}
    return {"type": "object", "properties": {"data": data, "links": {"type": "object"}}}


def listing(kind: str, attributes: dict[str, Any], relationships: dict[str, Any]) -> dict[str, Any]:
    """A JSON:API list document of ``kind``."""
    return {
        "type": "object",
        "required": ["data", "links"],
        "properties": {
            "data": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type", "attributes"],
                    "properties": {
                        "id": STR,
                        "type": {"enum": [kind]},
                        "attributes": {"type": "object", "properties": attributes},
                        "relationships": {"type": "object", "properties": relationships},
                    },
                },
            },
            "links": {
                "type": "object",
                "required": ["self"],
                "properties": {"self": STR, "prev": STR, "next": STR},
            },
        },
    }


ADDRESS = {
    "type": "object",
    "properties": dict.fromkeys(
        ("street_address", "locality", "region", "country", "postal_code", "formatted"), STR
    ),
}
EXTERNAL_IDS = {
    "type": "array",
    "items": {"type": "object", "properties": {"system_id": STR, "system_name": STR}},
}

ASSETS = listing(
    "assets",
    {
        "address": ADDRESS, "building_class": STR, "created_at": STR, "currency": STR, "description": STR,
        "external_ids": EXTERNAL_IDS, "has_industrial_space": BOOL, "has_office_space": BOOL,
        "has_retail_space": BOOL, "leasing_company": STR, "managing_company": STR, "name": STR, "notes": NSTR,
        "owner": NSTR, "owning_company": NSTR, "sourceid": NSTR, "submarket": STR, "building_region": NSTR,
        "updated_at": STR, "year_built": {"type": "integer", "minimum": 0}, "market": STR, "legal_entity": NSTR,
        "asset_managers": {"type": "array", "items": NSTR},
    },
    {"multi_building_asset": {"type": "object", "properties": {"data": NULL_OR_REF}}},
)  # fmt: skip

LEASES = listing(
    "leases",
    {
        "commencement_date": NSTR, "created_at": NSTR, "execution_date": NSTR, "expiration_date": NSTR,
        "renewal_status": {"enum": ["renewing", "not_renewing", "unknown", "negotiating", None]},
        "sourceid": NSTR, "structure": {"enum": ["full service", "modified gross", "triple net", None]},
        "updated_at": NSTR, "industry": NSTR,
    },
    {
        "tenant": to_one(),
        "contacts": {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": {"type": "object", "properties": {"id": STR, "type": STR}}},
                "links": {"type": "object", "properties": {"related": STR}},
            },
        },
    },
)  # fmt: skip

GLOBAL_TENANTS = listing(
    "global_tenants",
    {
        "created_at": STR, "updated_at": STR, "name": STR, "industry": STR, "address": STR,
        "cap_iq_id": {"type": ["integer", "null"]},
    },
    {"ultimate_parent": to_one("global_tenants")},
)  # fmt: skip

TENANT_CONTACTS = listing(
    "tenant_contacts",
    {
        "first_name": STR, "last_name": STR, "phone": NSTR, "phone_extension": NSTR, "email": STR,
        "company_name": NSTR, "title": NSTR, "created_at": STR, "updated_at": STR, "phone_type": NSTR,
        "type": {"enum": ["tenant", "tenant_rep", "broker", "personal", "vendor", "colleague", "partner", None]},
        "role": {"enum": ["c_suite", "leasing", "facilities_operations", "admin", "construction", "sustainability", None]},
        "is_decision_maker": BOOL, "note": NSTR,
    },
    {"tenant": to_one("tenants")},
)  # fmt: skip

TENANT_UPDATES = listing(
    "tenant_updates",
    {
        "created_at": STR, "updated_at": STR, "important": BOOL, "comment": STR,
        "interaction_type": {"enum": ["email", "phone_call", "meeting", "other", "event_entertainment",
                                      "rent_relief", "renewal_discussion", "sustainability_conversation"]},
        "interaction_date": STR, "sentiment": {"enum": ["negative", "neutral", "positive", None]},
    },
    {"tenant": to_one("tenants"), "asset": to_one("assets")},
)  # fmt: skip

__all__ = ["ASSETS", "GLOBAL_TENANTS", "LEASES", "TENANT_CONTACTS", "TENANT_UPDATES"]
