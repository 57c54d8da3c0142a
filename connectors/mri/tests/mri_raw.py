"""Raw-request helpers for the MRI emulator tests: credentials, URLs and seed rows."""

from __future__ import annotations

from typing import Any

from coisync_mri.emulator import API_PATH

CLIENT_ID, DATABASE, USER_ID, PARTNER_KEY = "C0ISYNC", "LIVEDB", "apiuser", "PK-7f3e91"
USERNAME = f"{CLIENT_ID}/{DATABASE}/{USER_ID}/{PARTNER_KEY}"
PASSWORD = "mri-pass-4c1d"


def params(api: str, **extra: Any) -> dict[str, Any]:
    """``$api`` and ``$format=json`` plus ``extra``."""
    return {"$api": api, "$format": "json", **extra}


def building_rows(count: int, building: str = "BLD001", start: int = 0) -> dict[str, Any]:
    """A seed with one building, ``count`` leases and one GL insurance row per lease."""
    leases, insurance = [], []
    for n in range(start, start + count):
        lease = f"L{n:05d}"
        leases.append(
            {"BuildingID": building, "LeaseID": lease, "OccupantName": f"Occupant {n}",
             "MasterOccupantID": f"{n + 1:010d}"}
        )  # fmt: skip
        insurance.append(
            {"BuildingID": building, "LeaseID": lease, "InsuranceType": "GL", "Carrier": "Travelers",
             "PolicyNumber": f"GL-{n:04d}", "CoverageAmount": "1000000.00"}
        )  # fmt: skip
    return {"buildings": [{"BuildingID": building, "BuildingName": f"Building {building}"}],
            "leases": leases, "insurance": insurance}  # fmt: skip


__all__ = ["API_PATH", "PASSWORD", "USERNAME", "building_rows", "params"]
