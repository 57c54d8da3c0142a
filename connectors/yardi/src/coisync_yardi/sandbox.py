"""The Yardi emulator in ``coisync sandbox``: its factory and its seeding from the scenario.

The scenario's Yardi view becomes one property per property it runs (codes from the scenario,
every interface licensed), a vendor or commercial tenant per party placed on Yardi (ids from
the scenario, tenants with their lease dates) and a ``<Policy>`` per coverage line of the
party's certificate. The compliance-status field starts empty: coisync's sync fills it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coisync.sandbox.factory import ScenarioEmulatorFactory
from coisync.sandbox.plugins import SandboxConnection

if TYPE_CHECKING:
    from coisync.sandbox.emulator import Emulator
    from coisync.sandbox.views import PlatformView, ViewParty
    from coisync_yardi.emulator import YardiEmulator

INSURANCE_TYPES = {
    "general_liability": "General Liability",
    "auto_liability": "Automobile Liability",
    "umbrella": "Umbrella Liability",
    "excess_liability": "Excess Liability",
    "workers_compensation": "Workers Compensation",
    "liquor_liability": "Liquor Liability",
    "professional_liability": "Professional Liability",
    "pollution_liability": "Pollution Liability",
    "cyber": "Cyber Liability",
    "property": "Property",
}
"""Yardi's ``InsuranceType`` spelling of each canonical coverage (as the mapping writes them)."""


def _policies(member: ViewParty) -> list[dict[str, Any]]:
    return [
        {
            "type": INSURANCE_TYPES.get(line.coverage_type, line.title),
            "insurer": line.insurer,
            "number": line.policy_number,
            "effective": line.effective_date,
            "expiration": line.expiration_date,
            "amount": line.limit,
            "is_required": True,
        }
        for line in member.lines
    ]


def scenario_seed(view: PlatformView) -> dict[str, Any]:
    """The :meth:`YardiEmulator.seed` dicts of the scenario's Yardi view."""
    stamp = f"{view.as_of.isoformat()}T00:00:00Z"
    seed: dict[str, Any] = {
        "properties": [
            {"code": code, "name": prop["name"], "modified": stamp} for code, prop in view.properties
        ],
        "vendors": [],
        "tenants": [],
    }
    for member in view.parties:
        contacts = member.party.get("contacts") or [{}]
        common = {
            "name": member.party["legal_name"],
            "email": contacts[0].get("email"),
            "policies": _policies(member),
            "modified": stamp,
        }
        if member.record_type == "tenant":
            lease = member.agreement or {}
            seed["tenants"].append(
                {
                    "code": member.platform_id,
                    "property": member.property_platform_id,
                    "lease_from": lease.get("start_date"),
                    "lease_to": lease.get("end_date"),
                    **common,
                }
            )
        else:
            seed["vendors"].append(
                {"id": member.platform_id, "properties": [member.property_platform_id], **common}
            )
    return seed


class YardiEmulatorFactory(ScenarioEmulatorFactory["YardiEmulator"]):
    """What the plugin registers: callable like :func:`coisync_yardi.create_emulator`, plus the
    sandbox protocol (:class:`coisync.sandbox.plugins.SandboxEmulator`)."""

    connector = "yardi"
    platform = "yardi"
    fresh_table = "properties"

    def emulator_type(self) -> type[YardiEmulator]:
        """:class:`~coisync_yardi.emulator.YardiEmulator`."""
        from coisync_yardi.emulator import YardiEmulator

        return YardiEmulator

    def seed_data(self, view: PlatformView, emulator: YardiEmulator) -> dict[str, Any]:
        """The scenario's Yardi view (:func:`scenario_seed`)."""
        return scenario_seed(view)

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        """The emulator's first interface user and every seeded property.

        The sandbox's ``base_url`` is the server root; the emulator answers there for its first
        client database path.
        """
        from coisync_yardi.emulator import DEMO_CREDENTIAL, YardiEmulator

        user = emulator.credentials[0] if isinstance(emulator, YardiEmulator) else DEMO_CREDENTIAL
        entity, licence = next(iter(user.licences.items()))
        properties = sorted(emulator.store.snapshot().get("properties", {}))
        return SandboxConnection(
            credentials={
                "user_name": user.user_name,
                "password": user.password,
                "server_name": user.server_name,
                "database": user.database,
                "interface_entity": entity,
                "interface_license": licence,
            },
            settings={"properties": properties},
        )


__all__ = ["INSURANCE_TYPES", "YardiEmulatorFactory", "scenario_seed"]
