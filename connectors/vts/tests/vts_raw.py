"""Raw-request helpers for the VTS emulator tests: credentials and seed data."""

from __future__ import annotations

from typing import Any

API_KEY, API_SECRET = "vts-key-3e7a91", "vts-secret-c0ffee42"


def portfolio(count: int, *, certificates: bool = True) -> dict[str, Any]:
    """One asset, ``count`` tenants with a lease and a contact each, one GL certificate per lease."""
    seed: dict[str, Any] = {
        "assets": [{"id": "1", "name": "West 41st Tower", "address": {"formatted": "114 W 41st St"}}],
        "tenants": [{"id": str(100 + n), "name": f"Tenant {n}"} for n in range(count)],
        "leases": [
            {"id": str(200 + n), "tenant_id": str(100 + n), "asset_id": "1", "expiration_date": "2030-01-31"}
            for n in range(count)
        ],
        "tenant_contacts": [
            {
                "id": str(300 + n),
                "tenant_id": str(100 + n),
                "lease_ids": [str(200 + n)],
                "first_name": "Ana",
                "last_name": f"Ruiz {n}",
                "email": f"coi+{n}@tenant.example",
            }
            for n in range(count)
        ],
    }
    if certificates:
        seed["insurance_certificates"] = [
            {"lease_id": str(200 + n), "coverage_type": "general liability", "carrier": "Chubb",
             "policy_number": f"GL-{n:04d}", "limit": {"magnitude": 1000000, "unit": "USD"}}
            for n in range(count)
        ]  # fmt: skip
    return seed


__all__ = ["API_KEY", "API_SECRET", "portfolio"]
