"""Seeding the emulator from plain dicts in MRI's own row shape, and a small demo portfolio.

::

    {
      "buildings": [{"BuildingID": "BLD001", "BuildingName": "Harbor Point", ...}],
      "leases": [{"BuildingID": "BLD001", "LeaseID": "L00001", "OccupantName": "Blue Bottle Coffee",
                  "MasterOccupantID": "0000000001", ...}],
      "insurance": [{"BuildingID": "BLD001", "LeaseID": "L00001", "InsuranceType": "GL", ...}],
      "notes": [{"BuildingID": "BLD001", "LeaseID": "L00001", "NoteText": "...", ...}],
      "reference_types": [{"ReferenceType": "INS", "Description": "Insurance"}]
    }

Rows keep their fields as given; missing fields get MRI-style defaults (``"N"`` flags,
``"0.00"`` amounts, empty text), ``LastUpdate`` defaults to the emulator clock and ``UserID``
to ``CONVERSION``. An insurance row without ``PolicyID`` gets the next zero-padded id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from coisync_mri.emulator.envelope import row_time

INSURANCE_DEFAULTS: dict[str, str] = {
    "OccupantName": "",
    "MasterOccupantID": "",
    "InsuranceType": "GL",
    "Carrier": "",
    "PolicyNumber": "",
    "EffectiveDate": "",
    "ExpirationDate": "",
    "RequiredAmount": "0.00",
    "CoverageAmount": "0.00",
    "CertificateReceived": "N",
    "AdditionalInsured": "N",
    "Waived": "N",
    "Compliant": "N",
    "ComplianceStatus": "",
    "ComplianceNote": "",
    "Notes": "",
}
"""Fields of an insurance row besides its keys (**assumed** shape, platforms.md §8.2, plus the
assumed ``ComplianceStatus`` text and ``ComplianceNote``)."""

LEASE_DEFAULTS: dict[str, str] = {
    "OccupantName": "",
    "DBA": "",
    "MasterOccupantID": "",
    "SuiteID": "",
    "OccupancyStatus": "C",
    "ExecutionDate": "",
    "RentStartDate": "",
    "ExpirationDate": "",
    "ContactEmail": "",
}
"""Fields of a lease row (names follow MRI's CMLEAS columns in PascalCase; **assumed** spelling)."""

BUILDING_DEFAULTS: dict[str, str] = {
    "BuildingName": "",
    "Address1": "",
    "City": "",
    "State": "",
    "ZipCode": "",
    "EntityID": "",
}
"""Fields of a building row (**assumed** shape)."""

DEFAULT_REFERENCE_TYPES: tuple[dict[str, str], ...] = (
    {"ReferenceType": "GEN", "Description": "General"},
    {"ReferenceType": "INS", "Description": "Insurance"},
    {"ReferenceType": "COI", "Description": "Certificate of insurance"},
)
"""Note reference codes a fresh emulator knows (**assumed** codes)."""

SEED_USER = "CONVERSION"


def lease_key(building_id: str, lease_id: str) -> str:
    """The state key of a lease: ``BUILDING/LEASE`` (MRI lease ids are unique per building)."""
    return f"{building_id}/{lease_id}"


def _row(defaults: Mapping[str, str], given: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    row: dict[str, Any] = {**defaults, **{k: v for k, v in given.items() if v is not None}}
    row.setdefault("LastUpdate", stamp)
    row.setdefault("UserID", SEED_USER)
    return row


def seed_state(
    state: dict[str, Any], data: Mapping[str, Any], now: float, next_policy_id: Callable[[], str]
) -> dict[str, list[str]]:
    """Add the rows of ``data`` to ``state`` (inside a transaction).

    Returns:
        The keys added per kind: building ids, ``BUILDING/LEASE`` keys, policy ids, note count.

    Raises:
        ValueError: A row lacks its keys, or an insurance or note row names an unknown lease.
    """
    stamp = row_time(now)
    added: dict[str, list[str]] = {"buildings": [], "leases": [], "insurance": [], "notes": []}
    buildings = state.setdefault("buildings", {})
    leases = state.setdefault("leases", {})
    insurance = state.setdefault("insurance", {})
    notes = state.setdefault("notes", [])
    if "reference_types" not in state or data.get("reference_types"):
        state["reference_types"] = [dict(r) for r in data.get("reference_types") or DEFAULT_REFERENCE_TYPES]
    for given in data.get("buildings", ()):
        building_id = str(given["BuildingID"])
        buildings[building_id] = _row(BUILDING_DEFAULTS, given, stamp)
        added["buildings"].append(building_id)
    for given in data.get("leases", ()):
        key = lease_key(str(given["BuildingID"]), str(given["LeaseID"]))
        if str(given["BuildingID"]) not in buildings:
            raise ValueError(f"lease {key}: unknown building {given['BuildingID']}")
        leases[key] = _row(LEASE_DEFAULTS, given, stamp)
        added["leases"].append(key)
    for given in data.get("insurance", ()):
        key = lease_key(str(given["BuildingID"]), str(given["LeaseID"]))
        lease = leases.get(key)
        if lease is None:
            raise ValueError(f"insurance row: unknown lease {key}")
        row = _row(INSURANCE_DEFAULTS, given, stamp)
        row.setdefault("OccupantName", lease["OccupantName"])
        if not row["OccupantName"]:
            row["OccupantName"] = lease["OccupantName"]
        if not row["MasterOccupantID"]:
            row["MasterOccupantID"] = lease["MasterOccupantID"]
        policy_id = str(row.get("PolicyID") or next_policy_id())
        row["PolicyID"] = policy_id
        insurance[policy_id] = row
        added["insurance"].append(policy_id)
    for given in data.get("notes", ()):
        key = lease_key(str(given["BuildingID"]), str(given["LeaseID"]))
        if key not in leases:
            raise ValueError(f"note: unknown lease {key}")
        notes.append(
            _row(
                {"NoteDate": stamp[:10] + "T00:00:00", "NoteReference1": "", "NoteReference2": ""},
                given,
                stamp,
            )
        )
        added["notes"].append(str(len(notes)))
    return added


DEMO_SEED: dict[str, Any] = {
    "buildings": [
        {"BuildingID": "TSTBLG", "BuildingName": "Harbor Point Center", "Address1": "100 Harbor Point",
         "City": "Boston", "State": "MA", "ZipCode": "02110", "EntityID": "HPC01"},
    ],
    "leases": [
        {"BuildingID": "TSTBLG", "LeaseID": "TST000", "OccupantName": "Blue Bottle Coffee",
         "MasterOccupantID": "0000000001", "SuiteID": "100", "ExecutionDate": "2023-12-01T00:00:00",
         "RentStartDate": "2024-02-22T00:00:00", "ExpirationDate": "2034-02-21T00:00:00"},
        {"BuildingID": "TSTBLG", "LeaseID": "TST001", "OccupantName": "Northwind Dental Group",
         "MasterOccupantID": "0000000002", "SuiteID": "210", "ExecutionDate": "2022-05-01T00:00:00",
         "RentStartDate": "2022-06-01T00:00:00", "ExpirationDate": "2032-05-31T00:00:00"},
    ],
    "insurance": [
        {"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042", "InsuranceType": "GL",
         "Carrier": "Travelers", "PolicyNumber": "6801A234", "EffectiveDate": "2025-01-01T00:00:00",
         "ExpirationDate": "2026-01-01T00:00:00", "RequiredAmount": "2000000.00",
         "CoverageAmount": "2000000.00", "CertificateReceived": "Y", "AdditionalInsured": "Y"},
        {"BuildingID": "TSTBLG", "LeaseID": "TST001", "PolicyID": "0000000043", "InsuranceType": "GL",
         "Carrier": "Hartford", "PolicyNumber": "GL-998877", "EffectiveDate": "2025-03-01T00:00:00",
         "ExpirationDate": "2026-03-01T00:00:00", "RequiredAmount": "1000000.00",
         "CoverageAmount": "1000000.00", "CertificateReceived": "Y"},
    ],
}  # fmt: skip
"""A one-building demo (the row of platforms.md §8.2 and a neighbour)."""


__all__ = [
    "BUILDING_DEFAULTS",
    "DEFAULT_REFERENCE_TYPES",
    "DEMO_SEED",
    "INSURANCE_DEFAULTS",
    "LEASE_DEFAULTS",
    "SEED_USER",
    "lease_key",
    "seed_state",
]
