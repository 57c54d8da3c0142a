"""Seeding the Procore emulator from plain dicts, and the small built-in demo portfolio.

Seed format (every key optional; ids are assigned from the seeded sequences when absent)::

    {
      "companies": [{"id": 4264917, "name": "Harbor Point Properties"}],   # or "company": {...}
      "projects":  [{"id": 298104, "company_id": 4264917, "name": "Harbor Point Tower"}],
      "vendors":   [{"id": 2627684, "name": "Acme HVAC LLC", "origin_id": "party-17",
                     "company_id": 4264917, "is_active": true, "email_address": "..."}],
      "insurances": [{"vendor_id": 2627684,            # or "vendor_origin_id": "party-17"
                      "project_id": null, "insurance_provider": "GL Insurance Inc.",  # or "name"
                      "insurance_type": "General Liability", "status": "compliant",
                      "...": "any documented field", "updated_at": "2025-03-01T10:15:00Z",
                      "deleted": false}]
    }

``company_id`` defaults to the only company when there is exactly one. Records with an ``id``
that already exists are replaced, so seeding the same data twice is harmless.
"""

from __future__ import annotations

from typing import Any

from coisync.sandbox.emulator import Clock, IdSequences, parse_iso_utc
from coisync_procore.emulator.insurances import new_record, parse_write
from coisync_procore.emulator.settings import ProcoreSettings

DEMO_COMPANY_ID = 4_264_917

DEMO_SEED: dict[str, Any] = {
    "company": {"id": DEMO_COMPANY_ID, "name": "Harbor Point Properties (sandbox)"},
    "projects": [{"id": 298_104, "name": "Harbor Point Tower"}],
    "vendors": [
        {
            "id": 2_627_684,
            "name": "Acme HVAC LLC",
            "origin_id": "demo-party-1",
            "email_address": "coi@acmehvac.example",
        },
        {"id": 2_627_691, "name": "Bluewater Plumbing Inc.", "email_address": "office@bluewater.example"},
        {"id": 2_627_702, "name": "Summit Electric Co.", "is_active": True},
    ],
    "insurances": [
        {
            "id": 311_823,
            "vendor_id": 2_627_684,
            "insurance_type": "General Liability",
            "insurance_provider": "GL Insurance Inc.",
            "policy_number": "12345GL",
            "effective_date": "2025-03-03",
            "expiration_date": "2026-03-02",
            "limit": "1000000.0",
            "status": "compliant",
            "info_received": True,
            "enable_expired_insurance_notifications": True,
            "additional_insured": "Owner LLC",
            "notes": "Meets minimum requirements",
            "origin_id": "coi-abc123",
            "origin_data": '{"canonical_version":3}',
            "updated_at": "2025-12-01T09:00:00Z",
        },
        {
            "vendor_id": 2_627_684,
            "insurance_type": "Automobile Liability",
            "insurance_provider": "Roadway Mutual",
            "policy_number": "AU-55120",
            "effective_date": "2025-06-01",
            "expiration_date": "2026-06-01",
            "limit": 1000000,
            "status": "compliant_in_progress",
            "updated_at": "2025-12-01T09:00:00Z",
        },
        {
            "vendor_id": 2_627_691,
            "insurance_type": "Workers Compensation",
            "insurance_provider": "Keystone Casualty",
            "policy_number": "WC-7781",
            "effective_date": "2025-01-01",
            "expiration_date": "2026-01-01",
            "limit": "500000.0",
            "status": "non_compliant",
            "notes": "Employer's liability limit below requirement",
            "updated_at": "2025-12-15T12:30:00Z",
        },
        {
            "vendor_id": 2_627_702,
            "insurance_type": "General Liability",
            "insurance_provider": "Granite Assurance",
            "policy_number": "GL-2024-889",
            "effective_date": "2024-10-01",
            "expiration_date": "2025-10-01",
            "limit": "2000000.0",
            "status": "expired",
            "updated_at": "2025-12-20T08:00:00Z",
        },
        {
            "vendor_id": 2_627_702,
            "project_id": 298_104,
            "insurance_type": "Umbrella",
            "insurance_provider": "Granite Assurance",
            "policy_number": "UMB-31",
            "limit": "5000000.0",
            "status": "undecided",
            "updated_at": "2025-12-20T08:00:00Z",
        },
        {
            "vendor_id": 2_627_691,
            "insurance_type": "Pollution Liability",
            "insurance_provider": "Keystone Casualty",
            "policy_number": "PL-0001",
            "status": "unregistered",
            "updated_at": "2025-11-30T00:00:00Z",
            "deleted": True,
        },
    ],
}
"""A small portfolio for tests and the demo: one company, one project, three vendors, six
insurance records (one project-level, one deleted, ids on both sides of 2**32)."""


def _when(value: Any, default: float) -> float:
    return default if value is None else parse_iso_utc(str(value))


def seed_state(
    state: dict[str, Any],
    data: dict[str, Any],
    ids: IdSequences,
    clock: Clock,
    settings: ProcoreSettings,
) -> dict[str, list[int]]:
    """Add seed records to a state document (inside the caller's transaction).

    Returns:
        The ids of the seeded records by kind.

    Raises:
        ValueError: When a record is invalid or refers to an unknown company, project or vendor.
    """
    now = clock.now()
    seeded: dict[str, list[int]] = {"companies": [], "projects": [], "vendors": [], "insurances": []}
    companies_in = list(data.get("companies", []))
    if "company" in data:
        companies_in.append(data["company"])
    companies = state.setdefault("companies", {})
    for item in companies_in:
        company_id = int(item["id"]) if "id" in item else ids.next(state, "company")
        ids.observe(state, "company", company_id)
        companies[str(company_id)] = {
            "id": company_id,
            "name": str(item.get("name", f"Company {company_id}")),
            "is_active": bool(item.get("is_active", True)),
        }
        seeded["companies"].append(company_id)

    def company_of(item: dict[str, Any]) -> int:
        if "company_id" in item:
            company_id = int(item["company_id"])
        elif len(companies) == 1:
            company_id = int(next(iter(companies)))
        else:
            raise ValueError(f"seed record {item!r} needs a company_id")
        if str(company_id) not in companies:
            raise ValueError(f"seed record refers to unknown company {company_id}")
        return company_id

    for item in data.get("projects", []):
        project_id = int(item["id"]) if "id" in item else ids.next(state, "project")
        ids.observe(state, "project", project_id)
        state.setdefault("projects", {})[str(project_id)] = {
            "id": project_id,
            "company_id": company_of(item),
            "name": str(item.get("name", f"Project {project_id}")),
        }
        seeded["projects"].append(project_id)

    vendors = state.setdefault("vendors", {})
    for item in data.get("vendors", []):
        vendor_id = int(item["id"]) if "id" in item else ids.next(state, "vendor")
        ids.observe(state, "vendor", vendor_id)
        vendors[str(vendor_id)] = {
            "id": vendor_id,
            "company_id": company_of(item),
            "name": str(item["name"]),
            "abbreviated_name": item.get("abbreviated_name"),
            "is_active": bool(item.get("is_active", True)),
            "email_address": item.get("email_address"),
            "business_phone": item.get("business_phone"),
            "origin_id": item.get("origin_id"),
            "origin_data": item.get("origin_data"),
            "created_at": _when(item.get("created_at"), now),
            "updated_at": _when(item.get("updated_at"), now),
            "deleted_at": None,
        }
        seeded["vendors"].append(vendor_id)

    records = state.setdefault("insurances", {})
    for item in data.get("insurances", []):
        payload = dict(item)
        if "insurance_provider" in payload and "name" not in payload:
            payload["name"] = payload.pop("insurance_provider")
        if "vendor_origin_id" in payload:
            origin = payload.pop("vendor_origin_id")
            matches = [v["id"] for v in vendors.values() if v["origin_id"] == origin]
            if len(matches) != 1:
                raise ValueError(
                    f"seed insurance refers to vendor origin_id {origin!r}, which matches {len(matches)} vendors"
                )
            payload["vendor_id"] = matches[0]
        changes, errors = parse_write(payload)
        if errors:
            raise ValueError(f"seed insurance {item!r} is invalid: {errors}")
        vendor = vendors.get(str(changes.get("vendor_id")))
        if vendor is None:
            raise ValueError(f"seed insurance {item!r} refers to an unknown vendor")
        project_id = item.get("project_id")
        if project_id is not None and str(project_id) not in state.get("projects", {}):
            raise ValueError(f"seed insurance refers to unknown project {project_id}")
        record_id = int(item["id"]) if "id" in item else ids.next(state, "insurance")
        ids.observe(state, "insurance", record_id)
        record = new_record(record_id, vendor["company_id"], project_id, now, settings)
        record.update({k: v for k, v in changes.items() if k != "upload_ids"})
        record["updated_at"] = record["created_at"] = _when(item.get("updated_at"), now)
        if item.get("deleted"):
            record["deleted_at"] = record["updated_at"]
        records[str(record_id)] = record
        seeded["insurances"].append(record_id)
    return seeded
