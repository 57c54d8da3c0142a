"""The MRI emulator in ``coisync sandbox``: its factory and its seeding from the scenario.

The scenario's MRI view becomes a building per property, a commercial lease per tenant placed
on MRI (``MasterOccupantID`` = the tenant's MRI id, ``LeaseID`` = ``L`` + its number, its
``OccupancyStatus`` from the agreement's status as the view states it) and an
insurance row per coverage line of the tenant's certificate, with no compliance status yet
(coisync's sync writes it). Vendors the scenario places on MRI properties are not seeded: the
emulator has no vendor insurance API (``MRI_S-PMAP_VendorInsurance`` is not emulated).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coisync.sandbox.factory import ScenarioEmulatorFactory

if TYPE_CHECKING:
    from coisync.sandbox.views import PlatformView
    from coisync_mri.emulator import MriEmulator

INSURANCE_TYPES = {"general_liability": "GL", "workers_compensation": "WC", "umbrella": "UMB"}
"""MRI-style short codes for the common lines; other lines use their title."""

OCCUPANCY_STATUS = {"active": "C", "pending": "F", "expired": "P", "terminated": "V"}
"""A canonical agreement status as the lease's OccupancyStatus (the mapping's occupancy_status
table read backwards); an agreement without a status is current."""


def _date(value: str | None) -> str:
    return f"{value[:10]}T00:00:00" if value else ""


def _amount(value: str | None) -> str:
    return f"{float(value):.2f}" if value else "0.00"


def scenario_seed(view: PlatformView) -> dict[str, Any]:
    """The :meth:`MriEmulator.seed` dicts of the scenario's MRI view."""
    seed: dict[str, Any] = {
        "buildings": [
            {"BuildingID": pid, "BuildingName": prop["name"], "Address1": prop.get("address", "")}
            for pid, prop in view.properties
        ],
        "leases": [],
        "insurance": [],
    }
    for member in view.parties:
        if member.record_type != "tenant":
            continue
        lease = f"L{int(member.platform_id):05d}"
        agreement = member.agreement
        contacts = member.party.get("contacts") or [{}]
        seed["leases"].append(
            {
                "BuildingID": member.property_platform_id,
                "LeaseID": lease,
                "OccupantName": member.party["legal_name"],
                "MasterOccupantID": member.platform_id,
                "ContactEmail": contacts[0].get("email") or "",
                "RentStartDate": _date(agreement.get("start_date")),
                "ExpirationDate": _date(agreement.get("end_date")),
                "OccupancyStatus": OCCUPANCY_STATUS[agreement.get("status") or "active"],
            }
        )
        for line in member.lines:
            seed["insurance"].append(
                {
                    "BuildingID": member.property_platform_id,
                    "LeaseID": lease,
                    "InsuranceType": INSURANCE_TYPES.get(line.coverage_type, line.title),
                    "Carrier": line.insurer,
                    "PolicyNumber": line.policy_number or "",
                    "EffectiveDate": _date(line.effective_date),
                    "ExpirationDate": _date(line.expiration_date),
                    "CoverageAmount": _amount(line.limit),
                    "CertificateReceived": "Y",
                    "AdditionalInsured": "Y" if line.additional_insured else "N",
                }
            )
    return seed


class MriEmulatorFactory(ScenarioEmulatorFactory["MriEmulator"]):
    """What the plugin registers: builds the emulator (``demo`` seeds the one-building demo when
    the state is fresh) and speaks the sandbox protocol; the connection is the web-service user
    name and password."""

    connector = "mri"
    platform = "mri"
    fresh_table = "buildings"
    article = "an"

    def emulator_type(self) -> type[MriEmulator]:
        """:class:`~coisync_mri.emulator.MriEmulator`."""
        from coisync_mri.emulator import MriEmulator

        return MriEmulator

    def seed_data(self, view: PlatformView, emulator: MriEmulator) -> dict[str, Any]:
        """The buildings, leases and insurance rows of the MRI view."""
        return scenario_seed(view)


__all__ = ["INSURANCE_TYPES", "OCCUPANCY_STATUS", "MriEmulatorFactory", "scenario_seed"]
