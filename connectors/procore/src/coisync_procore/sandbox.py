"""The Procore emulator in ``coisync sandbox``: its factory and its seeding from the scenario.

The scenario's Procore view becomes one company (the sandbox's property manager), a project per
property, a vendor per party placed on Procore (ids from the scenario) and a company-level
insurance per coverage line of the party's certificate, with the status ``undecided`` that
coisync's sync then replaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coisync.sandbox.factory import ScenarioEmulatorFactory
from coisync.sandbox.plugins import SandboxConnection
from coisync.sandbox.scenario import platform_id

if TYPE_CHECKING:
    from coisync.sandbox.emulator import Emulator
    from coisync.sandbox.views import PlatformView
    from coisync_procore.emulator import ProcoreEmulator

SANDBOX_COMPANY_ID = int(platform_id("procore", "company", 1))
"""The one company of the sandbox scenario."""

SANDBOX_CREDENTIALS = {"coisync-sandbox-client": "coisync-sandbox-client-secret"}

INSURANCE_TYPES = {
    "general_liability": "General Liability",
    "auto_liability": "Automobile Liability",
    "umbrella": "Umbrella Liability",
    "workers_compensation": "Workers Compensation",
    "liquor_liability": "Liquor Liability",
    "professional_liability": "Professional Liability",
    "pollution_liability": "Pollution Liability",
    "cyber": "Cyber Liability",
    "property": "Property",
}
"""Procore's ``insurance_type`` spelling of each canonical coverage (as the mapping writes them)."""


def scenario_seed(view: PlatformView) -> dict[str, Any]:
    """The :meth:`ProcoreEmulator.seed` dicts of the scenario's Procore view."""
    stamp = f"{view.as_of.isoformat()}T00:00:00Z"
    seed: dict[str, Any] = {
        "company": {"id": SANDBOX_COMPANY_ID, "name": "Meridian Property Management (sandbox)"},
        "projects": [{"id": int(pid), "name": prop["name"]} for pid, prop in view.properties],
        "vendors": [],
        "insurances": [],
    }
    for member in view.parties:
        contacts = member.party.get("contacts") or [{}]
        seed["vendors"].append(
            {
                "id": int(member.platform_id),
                "name": member.party["legal_name"],
                "email_address": contacts[0].get("email"),
                "is_active": True,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        for line in member.lines:
            seed["insurances"].append(
                {
                    "vendor_id": int(member.platform_id),
                    "insurance_type": INSURANCE_TYPES.get(line.coverage_type, line.title),
                    "insurance_provider": line.insurer,
                    "policy_number": line.policy_number,
                    "effective_date": line.effective_date,
                    "expiration_date": line.expiration_date,
                    "limit": line.limit,
                    "additional_insured": ", ".join(line.additional_insured) or None,
                    "info_received": True,
                    "status": "undecided",
                    "updated_at": stamp,
                }
            )
    return seed


class ProcoreEmulatorFactory(ScenarioEmulatorFactory["ProcoreEmulator"]):
    """What the plugin registers: callable like :func:`coisync_procore.create_emulator`, plus the
    sandbox protocol (:class:`coisync.sandbox.plugins.SandboxEmulator`)."""

    connector = "procore"
    platform = "procore"
    fresh_table = "companies"

    def emulator_type(self) -> type[ProcoreEmulator]:
        """:class:`~coisync_procore.emulator.ProcoreEmulator`."""
        from coisync_procore.emulator import ProcoreEmulator

        return ProcoreEmulator

    def seed_data(self, view: PlatformView, emulator: ProcoreEmulator) -> dict[str, Any]:
        """The scenario's Procore view (:func:`scenario_seed`)."""
        return scenario_seed(view)

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        """The sandbox app's client credentials and the company id."""
        from coisync_procore.emulator import ProcoreEmulator

        credentials = emulator.credentials if isinstance(emulator, ProcoreEmulator) else SANDBOX_CREDENTIALS
        client_id, client_secret = next(iter(credentials.items()))
        return SandboxConnection(
            credentials={"client_id": client_id, "client_secret": client_secret},
            settings={"company_id": SANDBOX_COMPANY_ID},
        )


__all__ = ["INSURANCE_TYPES", "SANDBOX_COMPANY_ID", "ProcoreEmulatorFactory", "scenario_seed"]
