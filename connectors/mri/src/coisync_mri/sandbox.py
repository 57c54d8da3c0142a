"""The MRI emulator in ``coisync sandbox``: its factory and its seeding from the scenario.

The scenario's MRI view becomes a building per property, a commercial lease per tenant placed
on MRI (``MasterOccupantID`` = the tenant's MRI id, ``LeaseID`` = ``L`` + its number) and an
insurance row per coverage line of the tenant's certificate, with no compliance status yet
(coisync's sync writes it). Vendors the scenario places on MRI properties are not seeded: the
emulator has no vendor insurance API (``MRI_S-PMAP_VendorInsurance`` is not emulated).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coisync.sandbox.plugins import SandboxConnection

if TYPE_CHECKING:
    from coisync.sandbox.emulator import Clock, Emulator
    from coisync.sandbox.views import PlatformView
    from coisync_mri.emulator import MriEmulator, MriSettings

INSURANCE_TYPES = {"general_liability": "GL", "workers_compensation": "WC", "umbrella": "UMB"}
"""MRI-style short codes for the common lines; other lines use their title."""


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


class MriEmulatorFactory:
    """What the plugin registers: builds the emulator and speaks the sandbox protocol
    (:class:`coisync.sandbox.plugins.SandboxEmulator`)."""

    connector = "mri"
    platform = "mri"

    def __call__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        credentials: Mapping[str, str] | None = None,
        settings: MriSettings | None = None,
        demo: bool = False,
    ) -> MriEmulator:
        """Build an MRI emulator; ``demo`` seeds the one-building demo when the state is fresh."""
        from coisync_mri.emulator import MriEmulator

        emulator = MriEmulator(state_dir, clock, seed, credentials=credentials, settings=settings)
        if demo and not emulator.store.snapshot().get("buildings"):
            emulator.seed_demo()
        return emulator

    def seed_from_scenario(self, emulator: Emulator, view: PlatformView) -> None:
        """Seed the buildings, leases and insurance rows of the MRI view."""
        from coisync_mri.emulator import MriEmulator

        if not isinstance(emulator, MriEmulator):
            raise TypeError(f"expected an MriEmulator, got {type(emulator).__name__}")
        emulator.seed(scenario_seed(view))

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        """The web-service user name and password."""
        from coisync_mri.emulator import MriEmulator

        if not isinstance(emulator, MriEmulator):
            raise TypeError(f"expected an MriEmulator, got {type(emulator).__name__}")
        username, password = next(iter(emulator.credentials.items()))
        return SandboxConnection(credentials={"username": username, "password": password})


__all__ = ["INSURANCE_TYPES", "MriEmulatorFactory", "scenario_seed"]
